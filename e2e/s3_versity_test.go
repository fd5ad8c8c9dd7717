package e2e

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// TestS3ServerKilled kills the S3 server (versitygw, which keeps its
// objects on disk) in the middle of the 256 MiB multipart upload of
// BigFlow's Start, and keeps it down past the retry budget: the task
// fails, the run fails in bounded time, and no commit marker or partial
// blob is left. After the server restarts, `resume` reruns Start and the
// run completes, End reading the value back.
//
// AWS_MAX_ATTEMPTS (the SDK's standard setting) shortens the budget, so
// that each of the requests that find the server down gives up after a
// few seconds instead of a minute.
func TestS3ServerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 256 MiB")
	}
	srv := s3test.StartVersity(t)
	s3test.CreateBucket(t, srv.URL, "crash")
	proxy := s3test.NewProxy(t, srv.URL)
	var parts, killedAt atomic.Int64
	var kill sync.Once
	proxy.Fault(func(r *http.Request) int {
		if r.Method == http.MethodPut && r.URL.Query().Has("partNumber") && parts.Add(1) == 3 {
			kill.Do(func() { // parts 1 and 2 are in, the rest in flight
				srv.Kill()
				killedAt.Store(time.Now().UnixNano())
			})
		}
		return 0 // forwarded: to a dead server, a 502
	})
	bin := s3FlowBin(t, "big")
	env := append(s3Env(proxy.URL, "crash", "p"), "AWS_MAX_ATTEMPTS=3")
	dir := t.TempDir()
	r := execIn(t, dir, env, bin, "run")
	if r.code == 0 {
		t.Fatalf("the run succeeded with the server killed mid-upload (%d parts seen):\n%s", parts.Load(), r)
	}
	if killedAt.Load() == 0 {
		t.Fatalf("the server was not killed: only %d parts were uploaded:\n%s", parts.Load(), r)
	}
	t.Logf("the run failed %s after the server was killed (%d part requests in all): exit %d\n%s",
		time.Since(time.Unix(0, killedAt.Load())).Round(time.Second), parts.Load(), r.code, r)

	srv.Start()
	proxy.Fault(nil)
	run := onlyDir(t, srv.URL, "crash", "p/BigFlow/")
	if keys := allKeys(t, srv.URL, "crash", "p/BigFlow/"+run+"/Start/"); slices.ContainsFunc(keys, func(k string) bool {
		return strings.HasSuffix(k, "/task.json")
	}) {
		t.Errorf("Start has a commit marker after its upload failed: %q", keys)
	}
	if blobs := bigBlobs(t, srv.URL, "crash", "p/BigFlow/data/"); len(blobs) > 0 {
		t.Errorf("a blob of 256 MiB is visible after its upload failed: %q", blobs)
	}

	r = execIn(t, dir, env, bin, "resume")
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "read back 268435456 bytes") {
		t.Fatalf("resume after the restart:\n%s", r)
	}
}

// bigBlobs lists, recursively, the objects under prefix larger than 1 MiB.
func bigBlobs(t *testing.T, endpoint, bucket, prefix string) []string {
	t.Helper()
	var out []string
	var walk func(p string)
	walk = func(p string) {
		objs, dirs, err := s3test.ListSized(endpoint, bucket, p)
		if err != nil {
			t.Fatal(err)
		}
		for k, n := range objs {
			if n > 1<<20 {
				out = append(out, p+k)
			}
		}
		for _, d := range dirs {
			walk(p + d + "/")
		}
	}
	walk(prefix)
	return out
}

// TestS3WrongCredentials: a secret or an access key the server (versitygw,
// which checks signatures) does not know gives, for a run and for each
// reader, one line naming the bucket and the fix, a non-zero exit, and
// nothing written.
func TestS3WrongCredentials(t *testing.T) {
	srv := s3test.StartVersity(t)
	s3test.CreateBucket(t, srv.URL, "creds")
	bin := s3FlowBin(t, "three")
	good := s3Env(srv.URL, "creds", "p")
	dir := t.TempDir()
	if r := execIn(t, dir, good, bin, "run", "--quiet"); r.code != 0 {
		t.Fatalf("run with the right credentials:\n%s", r)
	}
	before := allKeys(t, srv.URL, "creds", "p/")
	for _, bad := range []struct{ name, kv string }{
		{"wrong secret", "AWS_SECRET_ACCESS_KEY=wrong"},
		{"unknown access key", "AWS_ACCESS_KEY_ID=nobody"},
	} {
		env := append(slices.Clip(good), bad.kv)
		for _, args := range [][]string{
			{"run"}, {"resume"}, {"dump", "1/Mid"}, {"logs", "1/Mid"}, {"runs"}, {"tag", "add", "1", "x"},
		} {
			r := execIn(t, dir, env, bin, args...)
			msg := strings.TrimSpace(r.stderr)
			if r.code == 0 || strings.Contains(msg, "\n") || !strings.Contains(msg, `bucket "creds"`) ||
				!strings.Contains(msg, "credentials") {
				t.Errorf("%s: %v: want a non-zero exit and one line naming bucket \"creds\" and the credentials; got exit %d:\n%s",
					bad.name, args, r.code, r)
			}
			if strings.TrimSpace(r.stdout) != "" {
				t.Errorf("%s: %v printed to stdout: %q", bad.name, args, r.stdout)
			}
		}
	}
	if after := allKeys(t, srv.URL, "creds", "p/"); !slices.Equal(after, before) {
		t.Errorf("refused commands wrote to the bucket:\n before: %q\n after:  %q", before, after)
	}
}

// allKeys lists every key under prefix, recursively, sorted.
func allKeys(t *testing.T, endpoint, bucket, prefix string) []string {
	t.Helper()
	var out []string
	var walk func(p string)
	walk = func(p string) {
		keys, dirs, err := s3test.List(endpoint, bucket, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			out = append(out, p+k)
		}
		for _, d := range dirs {
			walk(p + d + "/")
		}
	}
	walk(prefix)
	slices.Sort(out)
	return out
}
