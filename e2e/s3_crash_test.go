package e2e

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// TestTaskFatalErrorIsKept: a step that dies of a Go fatal error (a panic
// in a goroutine of its own, which nothing can recover) leaves its last
// words somewhere a user looks. Locally they are the task's stderr log
// and the run's error line; on S3, where a dead process uploads nothing,
// they are the task's own stderr: the engine's log of the task on a cloud
// target, the console of a local run. Before, an S3 task's panic went to
// a temp file and was lost.
func TestTaskFatalErrorIsKept(t *testing.T) {
	const words = "panic: three: crash in a goroutine"
	bin := s3FlowBin(t, "three")

	t.Run("local", func(t *testing.T) {
		dir := t.TempDir()
		env := append(goEnv(), "FLOWC_DATASTORE_ROOT="+dir+"/.flowc", "THREE_CRASH=1")
		r := execIn(t, dir, env, bin, "run", "--quiet")
		if r.code == 0 || !strings.Contains(r.stderr, words) {
			t.Fatalf("run: want a failure naming %q\n%s", words, r)
		}
		logs := execIn(t, dir, env, bin, "logs", "--stderr", "1/Mid")
		if logs.code != 0 || !strings.Contains(logs.stdout, words) || !strings.Contains(logs.stdout, "goroutine") {
			t.Fatalf("logs --stderr 1/Mid: want the panic and its stack\n%s", logs)
		}
	})

	t.Run("s3", func(t *testing.T) {
		srv := s3test.StartMoto(t)
		s3test.CreateBucket(t, srv.URL, "crash")
		env := append(s3Env(srv.URL, "crash", "p"), "THREE_CRASH=1")
		r := execIn(t, t.TempDir(), env, bin, "run", "--quiet")
		if r.code == 0 || !strings.Contains(r.stderr, words) || !strings.Contains(r.stderr, "main.(*ThreeFlow).Mid") {
			t.Fatalf("run on S3: want a failure with the panic and its stack on stderr\n%s", r)
		}
	})
}
