package ui

import (
	"embed"
	"io/fs"
	"net/http"
)

// The page: plain HTML, CSS and JS, embedded so neither binary needs Node
// or any file at run time. embed costs nothing at start-up (the bytes are
// in the binary's read-only data).
//
//go:embed assets
var assets embed.FS

func assetHandler() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// One page; everything else is an asset or the API. Unknown paths
		// are 404s, not the page, so a typo is visible.
		if r.URL.Path != "/" && r.URL.Path != "/app.js" && r.URL.Path != "/style.css" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}
