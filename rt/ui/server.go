// Package ui is the run browser of `flowc ui` and `<bin> ui` (DESIGN.md §10):
// an HTTP server over rt/client with its page embedded (plain JS, no build
// step), so both binaries serve the same thing. Lists come from the run
// index the local metadata keeps (client.ListRuns), never from reading
// every run.
//
// Nothing here runs at package init: the flow binary links this package for
// its ui command, and a task process (the same binary) must start cheaply.
package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// DefaultListen is where the browser listens unless told otherwise.
const DefaultListen = "127.0.0.1:8324"

// TokenEnv is the environment variable a token can come from.
const TokenEnv = "FLOWC_UI_TOKEN"

// GraphFunc returns the graph to draw a run with, or nil when none is
// known (the page then shows the steps that ran, in the order they ran).
type GraphFunc func(ctx context.Context, r *client.Run) (*rt.Graph, error)

// Options configure a Server.
type Options struct {
	// Listen is the host:port the server is reached at; it decides which
	// Host headers are accepted and whether a token is required.
	Listen string
	// Token, when set, is required on every request (a bearer header, the
	// cookie the page gets, or ?token= once). Required off loopback.
	Token string
	// Graph draws the runs that have no stored graph (started before runs
	// stored it); nil: those are drawn from the steps they ran.
	Graph GraphFunc
	// Reopen makes the client again. A client made before its local
	// datastore root existed sees no runs (reading never creates a
	// datastore), so while the root is missing the server checks for it
	// on each request and, once it is there (the project's first run
	// after the browser started), serves a client from Reopen.
	Reopen func() (*client.Client, error)
}

// Server is the run browser's handler.
type Server struct {
	c     *client.Client // see client(): replaced once when opt.Reopen applies
	mu    sync.Mutex
	wait  bool // the local root was missing when c was made
	opt   Options
	mux   *http.ServeMux
	hosts map[string]bool // accepted Host headers; nil: any (off loopback, where the token guards)
	done  doneCache
}

// New returns the handler for c. The listen address must be a host:port.
func New(c *client.Client, opt Options) (*Server, error) {
	if opt.Listen == "" {
		opt.Listen = DefaultListen
	}
	hosts, loopback, err := allowedHosts(opt.Listen)
	if err != nil {
		return nil, err
	}
	if !loopback && opt.Token == "" {
		return nil, fmt.Errorf("listening on %q (not loopback) needs a token; pass --token or set %s", opt.Listen, TokenEnv)
	}
	s := &Server{c: c, opt: opt, hosts: hosts}
	s.wait = opt.Reopen != nil && missingRoot(c.Root())
	s.routes()
	return s, nil
}

func missingRoot(root string) bool {
	if store.IsS3(root) {
		return false
	}
	_, err := os.Stat(root)
	return errors.Is(err, fs.ErrNotExist)
}

// client is the client to serve a request with (see Options.Reopen).
func (s *Server) client() (*client.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wait && !missingRoot(s.c.Root()) {
		c, err := s.opt.Reopen()
		if err != nil {
			return nil, err
		}
		s.c, s.wait = c, false
	}
	return s.c, nil
}

// ServeHTTP applies the security checks, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.guard(s.mux).ServeHTTP(w, r) }

// NewToken returns a random token for a server listening off loopback.
func NewToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Serve listens on opt.Listen, prints the page's URL to out, and serves
// until ctx ends. A port of 0 picks a free one (the printed URL has it).
func Serve(ctx context.Context, c *client.Client, opt Options, out io.Writer) error {
	if opt.Listen == "" {
		opt.Listen = DefaultListen
	}
	if _, _, err := net.SplitHostPort(opt.Listen); err != nil {
		return fmt.Errorf("--listen %q is not host:port; use e.g. %s", opt.Listen, DefaultListen)
	}
	ln, err := net.Listen("tcp", opt.Listen)
	if err != nil {
		return fmt.Errorf("listening on %q: %w; pick another --listen address", opt.Listen, err)
	}
	host, _, _ := net.SplitHostPort(opt.Listen)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	opt.Listen = net.JoinHostPort(host, port)
	s, err := New(c, opt)
	if err != nil {
		ln.Close()
		return err
	}
	url := "http://" + opt.Listen + "/"
	if opt.Token != "" {
		url += "?token=" + opt.Token
	}
	fmt.Fprintf(out, "flowc ui: %s (datastore %s)\n", url, c.Root())
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
