package ui

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The page reads runs and writes only tags; these checks keep other web
// sites and other machines out:
//
//   - Host header: on loopback only the names of this address are accepted,
//     so a site whose DNS name is re-pointed at 127.0.0.1 (DNS rebinding)
//     cannot read the API through the victim's browser.
//   - Token: off loopback (or when given) every request carries it, as a
//     bearer header, as the HttpOnly SameSite=Strict cookie the page gets
//     from its first ?token= URL, or as that query itself.
//   - The tag write is a POST with a JSON body, the X-Flowc-UI header and,
//     when the browser sends them, a same-origin Origin and Sec-Fetch-Site.
//     A cross-site form cannot set the header or the content type, and a
//     cross-site fetch that does needs a CORS preflight this server never
//     grants.

const (
	tokenCookie = "flowc_ui_token"
	csrfHeader  = "X-Flowc-UI"
)

// allowedHosts is the set of Host headers accepted for listen; nil (any)
// off loopback, where the token is what guards.
func allowedHosts(listen string) (map[string]bool, bool, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, false, fmt.Errorf("--listen %q is not host:port; use e.g. %s", listen, DefaultListen)
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || ip != nil && ip.IsLoopback()
	if !loopback {
		return nil, false, nil
	}
	hosts := map[string]bool{}
	for _, h := range []string{host, "localhost", "127.0.0.1", "::1"} {
		hosts[strings.ToLower(net.JoinHostPort(h, port))] = true
	}
	if port == "80" {
		for _, h := range []string{host, "localhost", "127.0.0.1", "[::1]"} {
			hosts[h] = true
		}
	}
	return hosts, true, nil
}

func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		if s.hosts != nil && !s.hosts[strings.ToLower(r.Host)] {
			http.Error(w, fmt.Sprintf("host %q is not this server's; open http://%s/", r.Host, s.opt.Listen), http.StatusMisdirectedRequest)
			return
		}
		if s.opt.Token != "" {
			if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet && same(q, s.opt.Token) {
				// Trade the URL's token for a cookie and drop it from the
				// address bar (and from history and Referer).
				http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.opt.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
				u := *r.URL
				v := u.Query()
				v.Del("token")
				u.RawQuery = v.Encode()
				http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
				return
			}
			if !s.authorized(r) {
				http.Error(w, "this server needs its token; open the URL it printed (with ?token=...) or send Authorization: Bearer <token>", http.StatusUnauthorized)
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := sameOrigin(r); err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	if a, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && same(a, s.opt.Token) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && same(c.Value, s.opt.Token) {
		return true
	}
	return false
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// sameOrigin refuses a state-changing request that another site could have
// made.
func sameOrigin(r *http.Request) error {
	if r.Header.Get(csrfHeader) != "1" {
		return fmt.Errorf("refused: a write needs the %s: 1 header (the page sends it; other sites cannot)", csrfHeader)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("refused: a write needs Content-Type application/json, not %q", ct)
	}
	if sf := r.Header.Get("Sec-Fetch-Site"); sf != "" && sf != "same-origin" {
		return fmt.Errorf("refused: a cross-site write (Sec-Fetch-Site %q)", sf)
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return fmt.Errorf("refused: a write from origin %q to host %q", o, r.Host)
		}
	}
	return nil
}

// Loopback reports whether listen (host:port) is a loopback address, where
// no token is needed.
func Loopback(listen string) bool {
	_, loopback, err := allowedHosts(listen)
	return err == nil && loopback
}
