package argo_test

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestWidthCheck is create's foreach width check (width.go) through the
// binary, at --only-yaml time: a --max-num-splits whose run could not
// fit Argo's workflow size is refused in one line naming the largest that
// fits, which is then accepted; --max-workflow-size 0 (the controller
// offloads node status) turns the check off; a nested foreach gets a note,
// not an error.
func TestWidthCheck(t *testing.T) {
	bin := testdataBinary(t, "checks")
	create := func(args ...string) (string, string, error) {
		all := append([]string{"--datastore", "s3", "--datastore-root", "s3://flowc/width", "argo-workflows", "create", "--only-yaml", "--image", "registry.example/flows:1"}, args...)
		cmd := exec.Command(bin, all...)
		cmd.Dir = t.TempDir()
		cmd.Env = []string{"HOME=" + cmd.Dir, "FLOWC_USER=alice", "PATH=/usr/bin:/bin"}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	out, stderr, err := create()
	if err != nil || !strings.Contains(out, "kind: WorkflowTemplate") {
		t.Fatalf("the default --max-num-splits: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, `note: foreach "Row" is nested 2 deep`) {
		t.Errorf("no note on the nested foreach:\n%s", stderr)
	}

	out, stderr, err = create("--max-num-splits", "100000")
	if err == nil || out != "" {
		t.Fatalf("--max-num-splits 100000 was accepted:\n%s", out)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 {
		t.Errorf("the error is %d lines:\n%s", len(lines), stderr)
	}
	m := regexp.MustCompile(`foreach "Fan" at --max-num-splits 100000 .* give --max-num-splits (\d+) or less, .* --max-workflow-size 0`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("the error does not name the foreach, the flag and the remedy:\n%s", stderr)
	}
	fit, _ := strconv.Atoi(m[1])
	if fit < 100 || fit > 100000 {
		t.Fatalf("suggests --max-num-splits %d", fit)
	}
	if _, stderr, err := create("--max-num-splits", m[1]); err != nil {
		t.Errorf("the suggested --max-num-splits %d is refused: %s", fit, stderr)
	}
	if _, _, err := create("--max-num-splits", strconv.Itoa(fit+1)); err == nil {
		t.Errorf("--max-num-splits %d, over the suggested %d, is accepted", fit+1, fit)
	}
	// A controller with a larger MAX_WORKFLOW_SIZE fits more.
	if _, stderr, err := create("--max-num-splits", strconv.Itoa(2*fit), "--max-workflow-size", strconv.Itoa(4<<20)); err != nil {
		t.Errorf("--max-workflow-size 4 MiB refuses twice the width of 1 MiB: %s", stderr)
	}
	if _, stderr, err := create("--max-num-splits", "100000", "--max-workflow-size", "0"); err != nil {
		t.Errorf("--max-workflow-size 0 still checks: %s", stderr)
	}
	if _, stderr, err := create("--max-workflow-size=-5"); err == nil || !strings.Contains(stderr, "--max-workflow-size -5 is below 0") {
		t.Errorf("a negative --max-workflow-size: %v %s", err, stderr)
	}
}
