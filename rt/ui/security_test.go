package ui

import (
	"net/http"
	"strings"
	"testing"
)

// DNS rebinding: a page on evil.example whose name now resolves to
// 127.0.0.1 reaches the server with its own Host header.
func TestHostHeaderChecked(t *testing.T) {
	f := newFixture(t)
	h := f.server(Options{Listen: "127.0.0.1:8324"})
	for _, host := range []string{"evil.example:8324", "evil.example", "127.0.0.1:9999", ""} {
		if w := do(t, h, "GET", "/api/runs", "", "Host", host); w.Code != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: %d, want 421", host, w.Code)
		}
	}
	for _, host := range []string{"127.0.0.1:8324", "localhost:8324", "LOCALHOST:8324", "[::1]:8324"} {
		if w := do(t, h, "GET", "/api/runs", "", "Host", host); w.Code != http.StatusOK {
			t.Errorf("Host %q: %d %s, want 200", host, w.Code, w.Body)
		}
	}
}

// The tag write cannot come from another site: a form post (no custom
// header, a form content type), a fetch from another origin, or one the
// browser marks cross-site.
func TestTagWriteCrossSiteRefused(t *testing.T) {
	f := newFixture(t)
	id := f.run("F", "alice", "succeeded", t0)
	h := f.server(Options{})
	path := "/api/runs/F/" + id + "/tags"
	body := `{"add":["evil"]}`
	cases := map[string][]string{
		"no custom header":    {"Content-Type", "application/json"},
		"form content type":   {"Content-Type", "application/x-www-form-urlencoded", "X-Flowc-UI", "1"},
		"text/plain":          {"Content-Type", "text/plain", "X-Flowc-UI", "1"},
		"other origin":        {"Content-Type", "application/json", "X-Flowc-UI", "1", "Origin", "http://evil.example"},
		"cross-site fetch":    {"Content-Type", "application/json", "X-Flowc-UI", "1", "Sec-Fetch-Site", "cross-site"},
		"same-site elsewhere": {"Content-Type", "application/json", "X-Flowc-UI", "1", "Sec-Fetch-Site", "same-site"},
	}
	for name, hdr := range cases {
		if w := do(t, h, "POST", path, body, hdr...); w.Code != http.StatusForbidden {
			t.Errorf("%s: %d %s, want 403", name, w.Code, w.Body)
		}
	}
	var a runsAnswer
	get(t, h, "/api/runs?tag=evil", &a)
	if len(a.Runs) != 0 {
		t.Fatalf("a refused write tagged %v", ids2(a))
	}
	if w := do(t, h, "POST", path, body, writeHeaders...); w.Code != http.StatusOK {
		t.Errorf("the page's own write: %d %s", w.Code, w.Body)
	}
}

func TestTokenOffLoopback(t *testing.T) {
	f := newFixture(t)
	if _, err := New(f.client(), Options{Listen: "0.0.0.0:8324"}); err == nil || !strings.Contains(err.Error(), "needs a token") {
		t.Fatalf("listening on 0.0.0.0 without a token: %v, want an error asking for one", err)
	}
	h := f.server(Options{Listen: "0.0.0.0:8324", Token: "s3cret"})
	host := []string{"Host", "box.example:8324"} // any name reaches it; the token guards
	if w := do(t, h, "GET", "/api/runs", "", host...); w.Code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", w.Code)
	}
	if w := do(t, h, "GET", "/api/runs", "", append(host, "Authorization", "Bearer wrong")...); w.Code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", w.Code)
	}
	if w := do(t, h, "GET", "/api/runs", "", append(host, "Authorization", "Bearer s3cret")...); w.Code != http.StatusOK {
		t.Errorf("bearer token: %d, want 200", w.Code)
	}
	// The printed URL's ?token= becomes a cookie and leaves the address bar.
	w := do(t, h, "GET", "/?token=s3cret", "", host...)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("?token=: %d Location %q, want 303 to /", w.Code, w.Header().Get("Location"))
	}
	c := w.Result().Cookies()
	if len(c) != 1 || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie = %+v, want one HttpOnly SameSite=Strict cookie", c)
	}
	if w := do(t, h, "GET", "/api/runs", "", append(host, "Cookie", c[0].Name+"="+c[0].Value)...); w.Code != http.StatusOK {
		t.Errorf("cookie: %d, want 200", w.Code)
	}
	if w := do(t, h, "GET", "/?token=wrong", "", host...); w.Code != http.StatusUnauthorized {
		t.Errorf("wrong ?token=: %d, want 401", w.Code)
	}
}

func TestListenChecked(t *testing.T) {
	f := newFixture(t)
	if _, err := New(f.client(), Options{Listen: "8324"}); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("listen 8324: %v, want an error naming host:port", err)
	}
	if !Loopback("127.0.0.1:0") || !Loopback("localhost:1") || !Loopback("[::1]:2") || Loopback("0.0.0.0:8324") || Loopback("10.1.2.3:80") {
		t.Error("Loopback misjudges an address")
	}
}
