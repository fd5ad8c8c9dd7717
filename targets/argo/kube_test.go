package argo

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestKubeRetries: the API server's "retry later" (429, or a 5xx with
// Retry-After, which a starting API server sends while its storage
// initializes; TestClusterInClusterConfig meets it on the real one) is
// retried, a request body resent whole; any other failure is not. A
// stand-in server here: the real one cannot be made to refuse on demand.
func TestKubeRetries(t *testing.T) {
	var calls int
	var bodies []string
	codes := []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusOK}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		code := codes[min(calls, len(codes)-1)]
		calls++
		if code == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	k := NewKube(&Config{Server: srv.URL, Client: srv.Client()})
	if err := k.do(context.Background(), http.MethodPost, "/x", "", map[string]int{"a": 1}, nil); err != nil {
		t.Fatalf("after a 429 and a 503 with Retry-After: %v", err)
	}
	if calls != 3 || bodies[2] != `{"a":1}` {
		t.Errorf("%d calls, bodies %q; want 3, the body resent whole", calls, bodies)
	}

	calls, codes = 0, []int{http.StatusInternalServerError, http.StatusOK}
	err := k.do(context.Background(), http.MethodGet, "/x", "", nil, nil)
	var ae *apiError
	if !errors.As(err, &ae) || ae.Code != 500 || calls != 1 {
		t.Errorf("a 500 without Retry-After: %v after %d calls, want it returned at once", err, calls)
	}
}
