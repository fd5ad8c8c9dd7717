// Package client reads flowc runs back: runs, steps, tasks, their artifacts,
// logs and lineage, from the same datastore and with the same namespace rules
// as the flow binary. Typed access to artifacts goes through the generated
// Load<Flow>(ctx, run) functions; Data reads one artifact without them.
package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"

	conf "github.com/flowc-dev/flowc/rt/internal/config"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// ErrNotFound is wrapped by every error about a run, step, task or artifact
// that does not exist, so callers can tell "missing" from "broken".
var ErrNotFound = store.ErrNotFound

// Client reads one datastore root. It is safe for concurrent use.
type Client struct {
	root string
	user string
	st   *store.Store // nil when the root does not exist: nothing has run yet
	// md holds the run records: the local provider over st (nil with
	// st), or the metadata service's client.
	md metadata.Provider

	mu        sync.RWMutex
	namespace string
}

type config struct {
	in      conf.Input
	fromEnv bool
}

// Option configures New.
type Option func(*config) error

// FromEnv reads the configuration the flow binary reads, resolved the same
// way (rt/internal/config), with the same errors: FLOWC_DATASTORE,
// FLOWC_DATASTORE_ROOT, FLOWC_DATASTORE_PATH_STYLE, FLOWC_METADATA (and
// the service's token, FLOWC_METADATA_TOKEN), FLOWC_NAMESPACE (set but
// empty means global) and FLOWC_USER. As a flag beats its variable in the
// binary, an explicit option (WithRoot, WithMetadata, WithNamespace,
// WithS3PathStyle) beats the environment, wherever FromEnv stands among
// the options. AWS access uses the standard AWS configuration, as the
// binary does.
func FromEnv() Option {
	return func(c *config) error {
		c.fromEnv = true
		return nil
	}
}

// WithRoot reads the datastore at dir instead of the default: a directory,
// or s3://bucket/prefix for an S3 datastore.
func WithRoot(dir string) Option {
	return func(c *config) error {
		if dir == "" {
			return errors.New("client.WithRoot: empty directory; pass the datastore root, e.g. \".flowc\"")
		}
		c.in.Set(conf.DatastoreRoot, dir, "client.WithRoot")
		// The client has no datastore option: the root names it.
		kind := "local"
		if store.IsS3(dir) {
			kind = "s3"
		}
		c.in.Set(conf.Datastore, kind, "client.WithRoot")
		return nil
	}
}

// WithS3PathStyle addresses an S3 bucket in the URL path, as most
// S3-compatible servers need (FLOWC_DATASTORE_PATH_STYLE).
func WithS3PathStyle(on bool) Option {
	return func(c *config) error {
		c.in.Set(conf.DatastorePathStyle, strconv.FormatBool(on), "client.WithS3PathStyle")
		return nil
	}
}

// WithMetadata reads run records from the metadata provider spec names:
// "local" (the datastore's own, the default) or "service@http://HOST:PORT"
// (flowc metadata-service; its token in FLOWC_METADATA_TOKEN). With the
// service, listing and tagging runs never touch the datastore.
func WithMetadata(spec string) Option {
	return func(c *config) error {
		c.in.Set(conf.Metadata, spec, "client.WithMetadata")
		return nil
	}
}

// WithNamespace starts the client in namespace ns; "" is the global namespace.
func WithNamespace(namespace string) Option {
	return func(c *config) error {
		c.in.Set(conf.Namespace, namespace, "client.WithNamespace")
		return nil
	}
}

// New returns a client. Without options it reads .flowc in the working
// directory (or its nearest parent that has one) in the current user's
// namespace; of two options setting the same thing, the later wins.
func New(opts ...Option) (*Client, error) {
	var in config
	for _, o := range opts {
		if err := o(&in); err != nil {
			return nil, err
		}
	}
	if in.fromEnv {
		in.in.Environ(os.LookupEnv)
	}
	cfg, err := in.in.Resolve()
	if err != nil {
		return nil, err
	}
	if cfg.Root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding the datastore: %w; set FLOWC_DATASTORE_ROOT or use client.WithRoot", err)
		}
		cfg.Root = store.DefaultRoot(wd)
	}
	c := &Client{root: cfg.Root, user: cfg.User, namespace: cfg.Namespace}
	if cfg.Datastore == "s3" {
		st, err := store.OpenConfig(store.Config{Kind: "s3", Root: cfg.Root, PathStyle: cfg.PathStyle}, store.ReadOnly)
		if err != nil {
			return nil, err
		}
		c.st, c.root = st, st.Root()
	} else if fi, err := os.Stat(cfg.Root); err == nil {
		// Reading must not create a datastore as a side effect, so a
		// missing local root is opened only when it exists; lookups then
		// report "no runs".
		if !fi.IsDir() {
			return nil, fmt.Errorf("datastore root %q is not a directory; point FLOWC_DATASTORE_ROOT at a .flowc directory", cfg.Root)
		}
		st, err := store.OpenReadOnly(cfg.Root)
		if err != nil {
			return nil, err
		}
		c.st = st
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("datastore root: %w", err)
	}
	if cfg.MetadataURL != "" {
		c.md = metadata.NewService(cfg.MetadataURL, cfg.MetadataToken)
	} else if c.st != nil {
		c.md = metadata.NewLocal(c.st)
	}
	return c, nil
}

// Namespace switches the namespace lookups are made in; "" is global. Objects
// already returned are not affected.
func (c *Client) Namespace(namespace string) {
	c.mu.Lock()
	c.namespace = namespace
	c.mu.Unlock()
}

// CurrentNamespace returns the namespace lookups are made in.
func (c *Client) CurrentNamespace() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.namespace
}

// Root is the datastore root the client reads.
func (c *Client) Root() string { return c.root }

// User is the user the default namespace was derived from.
func (c *Client) User() string { return c.user }

// Flow returns a handle on the flow named name; it does not touch storage.
func (c *Client) Flow(name string) *Flow { return &Flow{c: c, name: name} }

// Flows returns the flows that have runs in the datastore, by name.
func (c *Client) Flows() ([]*Flow, error) {
	if c.md == nil {
		return nil, nil
	}
	names, err := c.md.Flows(context.Background())
	if err != nil {
		return nil, err
	}
	out := make([]*Flow, len(names))
	for i, n := range names {
		out[i] = c.Flow(n)
	}
	return out, nil
}
