package deploy

import (
	"strings"
	"testing"
)

// TestCheckDatastore: trigger goes on with the deployment's own root
// (with or without a trailing slash, verbatim or hashed as a tag holds
// it); another root or the local datastore is refused in one line naming
// both and the fix; a deployment without a record gets a warning.
func TestCheckDatastore(t *testing.T) {
	const root = "s3://b/flows"
	odd := "s3://b/flows with {braces}" // a root no tag value holds
	dep := func(rec string) Deployed {
		return Deployed{What: `WorkflowTemplate "f"`, Recorded: rec, Create: "argo-workflows create"}
	}
	for _, c := range []struct {
		rec, root string
		s3        bool
		want      []string // in the error; nil: accepted
	}{
		{root, root, true, nil},
		{root, root + "/", true, nil},
		{root + "/", root, true, nil},
		{HashedDatastore(odd), odd, true, nil},
		{root, "s3://b/other", true, []string{`WorkflowTemplate "f"`, root, "s3://b/other", "--datastore-root " + root, "argo-workflows create"}},
		{root, "s3://b/flowsx", true, []string{"--datastore-root " + root}},
		{root, "/home/u/.flowc", false, []string{root, "the local one (/home/u/.flowc)", "--datastore s3 --datastore-root " + root}},
		{HashedDatastore(odd), root, true, []string{"another datastore than " + root, "--datastore-root it was created with", "argo-workflows create"}},
		{HashedDatastore(odd), "/l", false, []string{"uses an S3 datastore", "the local one (/l)", "--datastore s3"}},
	} {
		warn, err := CheckDatastore(dep(c.rec), c.root, c.s3)
		if warn != "" {
			t.Errorf("CheckDatastore(%q, %q) warned %q for a recorded root", c.rec, c.root, warn)
		}
		if c.want == nil {
			if err != nil {
				t.Errorf("CheckDatastore(%q, %q): %v, want it accepted", c.rec, c.root, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckDatastore(%q, %q) accepted; want it refused", c.rec, c.root)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) || strings.Contains(err.Error(), "\n") {
				t.Errorf("CheckDatastore(%q, %q) = %q; want one line naming %q", c.rec, c.root, err, w)
			}
		}
	}
	warn, err := CheckDatastore(dep(""), root, true)
	if err != nil || !strings.Contains(warn, `WorkflowTemplate "f" records no datastore`) || !strings.Contains(warn, "argo-workflows create") || strings.Contains(warn, "\n") {
		t.Errorf("a deployment without a record: %q, %v; want a one-line warning naming the redeploy", warn, err)
	}
	// Its tasks are on S3 whatever it recorded: a local datastore is refused.
	if warn, err := CheckDatastore(dep(""), "/home/u/.flowc", false); err == nil || warn != "" || !strings.Contains(err.Error(), "--datastore s3") {
		t.Errorf("a deployment without a record, local datastore: %q, %v; want a refusal naming --datastore s3", warn, err)
	}
}
