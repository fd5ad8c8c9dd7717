package e2e

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// TestS3SlowDown: a server that answers 503 SlowDown for a while (two
// requests in three, for the first 60) is retried through: the run
// succeeds and its artifacts read back.
func TestS3SlowDown(t *testing.T) {
	srv := s3test.StartMoto(t)
	s3test.CreateBucket(t, srv.URL, "slow")
	proxy := s3test.NewProxy(t, srv.URL)
	var n, refused atomic.Int64
	proxy.Fault(func(r *http.Request) int {
		if i := n.Add(1); i <= 60 && i%3 != 0 {
			refused.Add(1)
			return http.StatusServiceUnavailable
		}
		return 0
	})
	bin := s3FlowBin(t, "three")
	env := s3Env(proxy.URL, "slow", "p")
	dir := t.TempDir()
	if r := execIn(t, dir, env, bin, "run", "--quiet"); r.code != 0 {
		t.Fatalf("run through 503s:\n%s", r)
	}
	if refused.Load() < 40 {
		t.Fatalf("only %d requests were refused; the fault did not hold", refused.Load())
	}
	proxy.Fault(nil)
	run := onlyDir(t, srv.URL, "slow", "p/ThreeFlow/")
	if r := execIn(t, dir, env, bin, "dump", run+"/Mid", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"A":"a-`) {
		t.Errorf("dump after the 503s:\n%s", r)
	}
	t.Logf("%d requests answered 503, retried through", refused.Load())
}
