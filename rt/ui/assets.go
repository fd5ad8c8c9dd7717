package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
)

// The page: plain HTML, CSS and JS, embedded so neither binary needs Node
// or any file at run time. embed costs nothing at start-up (the bytes are
// in the binary's read-only data).
//
//go:embed assets
var assets embed.FS

// The page is served as one answer, its style and script inlined: a
// browser then asks for the page's data as soon as it has parsed the page,
// instead of after two more requests (and, for the script, after the whole
// document), which on a loaded machine was a third of the first paint.
// The Content-Security-Policy allows exactly these two inline blocks, by
// hash, and nothing else inline.
type builtPage struct {
	html []byte
	csp  string
}

var builtPageOnce = sync.OnceValues(func() (*builtPage, error) {
	read := func(name string) []byte {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			panic(err) // the embed pattern above guarantees the files
		}
		return b
	}
	html, css, js := read("index.html"), read("style.css"), read("app.js")
	hash := func(b []byte) string {
		h := sha256.Sum256(b)
		return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	}
	for _, r := range []struct {
		tag, open, close string
		body             []byte
	}{
		{`<link rel="stylesheet" href="/style.css">`, "<style>", "</style>", css},
		{`<script src="/app.js"></script>`, "<script>", "</script>", js},
	} {
		if bytes.Count(html, []byte(r.tag)) != 1 || bytes.Contains(bytes.ToLower(r.body), []byte(r.close[:len(r.close)-1])) {
			return nil, fmt.Errorf("the embedded page cannot inline %s: index.html must have it once and the file must not contain %q; fix rt/ui/assets", r.tag, r.close)
		}
		html = bytes.Replace(html, []byte(r.tag), append(append([]byte(r.open), r.body...), r.close...), 1)
	}
	csp := "default-src 'none'; script-src " + hash(js) + "; style-src " + hash(css) +
		"; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	return &builtPage{html: html, csp: csp}, nil
})

func assetHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// One page; everything else is the API. Unknown paths are 404s,
		// not the page, so a typo is visible.
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		p, err := builtPageOnce()
		if err != nil {
			writeErr(w, err)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", p.csp)
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(p.html)
	})
}
