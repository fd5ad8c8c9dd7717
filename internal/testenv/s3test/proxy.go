package s3test

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Proxy forwards to an S3 server, counting requests the way S3 bills them
// (PUT, GET, HEAD, LIST, POST, DELETE) and, when told, answering some of
// them itself with an error.
type Proxy struct {
	URL string

	mu     sync.Mutex
	counts map[string]int
	seen   []string                  // "KIND path?query" of each request since Reset
	fault  func(r *http.Request) int // a status to answer with, 0 to forward
}

// NewProxy starts a proxy to target (path-style requests) for the test.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{counts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0) // a dead server's 502s are the test's point
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.counts[Kind(r)]++
		p.seen = append(p.seen, Kind(r)+" "+r.URL.RequestURI())
		fault := p.fault
		p.mu.Unlock()
		if fault != nil {
			if status := fault(r); status != 0 {
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(status)
				w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>injected by s3test.Proxy</Message></Error>`))
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Kind is the billing class of a request: LIST for a bucket listing.
func Kind(r *http.Request) string {
	if r.Method == http.MethodGet && (r.URL.Query().Has("list-type") || strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0) {
		return "LIST"
	}
	return r.Method
}

// Counts returns the requests seen since the last Reset, by kind.
func (p *Proxy) Counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// Requests returns each request seen since the last Reset, as "KIND
// path?query", in order: what a test prints when a count is over budget.
func (p *Proxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// Reset zeroes the counts.
func (p *Proxy) Reset() {
	p.mu.Lock()
	p.counts = map[string]int{}
	p.seen = nil
	p.mu.Unlock()
}

// Fault makes the proxy answer a request with fn's status instead of
// forwarding it, when fn returns one; nil forwards everything.
func (p *Proxy) Fault(fn func(r *http.Request) int) {
	p.mu.Lock()
	p.fault = fn
	p.mu.Unlock()
}
