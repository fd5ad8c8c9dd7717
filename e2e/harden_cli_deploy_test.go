//go:build !flowc_nodeploy

package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSecretReservedName: a --secret may not set a FLOWC_ variable (the
// task's own settings, silently replaced) or an AWS_BATCH_ one (Batch
// refuses the job); create says so in one line before rendering or
// calling anything, for both targets.
func TestSecretReservedName(t *testing.T) {
	b := runFlowBin(t, "linear")
	s3 := []string{"--datastore", "s3", "--datastore-root", "s3://b/p"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{append(s3, "step-functions", "create", "--only-json", "--job-queue", "q", "--job-role", "r", "--sfn-role", "r", "--image", "x/y:1", "--secret", "FLOWC_DATASTORE_ROOT=arn:aws:ssm:us-east-1:1:parameter/x"), "--secret FLOWC_DATASTORE_ROOT: names starting with FLOWC_"},
		{append(s3, "step-functions", "create", "--only-json", "--job-queue", "q", "--job-role", "r", "--sfn-role", "r", "--image", "x/y:1", "--secret", "AWS_BATCH_JOB_ID=arn:aws:ssm:us-east-1:1:parameter/x"), "reserved by AWS Batch"},
		{append(s3, "argo-workflows", "create", "--only-yaml", "--image", "x/y:1", "--secret", "FLOWC_USER=creds/user"), "--secret FLOWC_USER: names starting with FLOWC_"},
	} {
		r := b.run(c.args...)
		if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%s: %s\nwant exit 1 and one line naming %q", strings.Join(c.args, " "), r, c.want)
		}
	}
}

// TestSFNOnlyJSONSays: create --only-json prints the definition, valid
// JSON, alone on stdout, and on stderr what create would make beside it
// (the schedule) and what it would not honour (notes).
func TestSFNOnlyJSONSays(t *testing.T) {
	b := hcExample(t, "dailysfntest")
	r := b.ok("--datastore", "s3", "--datastore-root", "s3://b/p", "step-functions", "create", "--only-json",
		"--job-queue", "q", "--job-role", "r", "--sfn-role", "r", "--image", "x/y:1")
	if !json.Valid([]byte(r.stdout)) {
		t.Errorf("stdout is not the definition alone:\n%s", r.stdout)
	}
	if want := "schedule DailySFNTestFlow: cron(0 0 * * ? *) UTC"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not name the schedule (%s)", r.stderr, want)
	}
}
