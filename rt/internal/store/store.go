package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config names a datastore: what --datastore, --datastore-root and
// --datastore-path-style say (and FLOWC_DATASTORE...).
type Config struct {
	Kind      string // "local" (default) or "s3"
	Root      string // a directory, or s3://bucket/prefix
	PathStyle bool   // S3: path-style addressing (most S3-compatible servers)
	// Metadata is the metadata provider (--metadata: "local", or
	// "service@URL") that Bind binds the root to; "" is local.
	Metadata string
}

// Mode is how a datastore is opened.
type Mode int

const (
	// ReadWrite opens a datastore for tasks: no request is made.
	ReadWrite Mode = iota
	// ReadOnly opens it for readers: a missing local root is not created.
	ReadOnly
	// Bind also binds the root to Config.Metadata (its first run records
	// it in _flowc.json; a run through another provider is refused)
	// and checks that the server honours conditional writes, which the
	// store's records and write-once blobs rely on. Run and resume open
	// with it, once per run, so no task pays for it.
	Bind
	// Task is ReadWrite for a task process (`step`): a local root is not
	// probed for writability (a temp file created and removed at every
	// start), since the run the task belongs to opened it with Bind, and
	// a task in a root without that run fails as "run not found". A local
	// root opens as with ReadOnly.
	Task
)

// provider is the metadata provider the root is bound to.
func (c Config) provider() string {
	if c.Metadata == "" {
		return "local"
	}
	return c.Metadata
}

// IsS3 reports whether root is an S3 URL.
func IsS3(root string) bool { return strings.HasPrefix(root, "s3://") }

// OpenConfig opens the datastore c names.
func OpenConfig(c Config, mode Mode) (*Store, error) {
	switch c.Kind {
	case "", "local":
		if IsS3(c.Root) {
			return nil, fmt.Errorf("datastore root %q is an S3 URL but the datastore is local; pass --datastore s3", c.Root)
		}
		var s *Store
		var err error
		switch mode {
		case ReadOnly, Task:
			s, err = openLocalReadOnly(c.Root)
		default:
			s, err = Open(c.Root)
		}
		if err == nil && mode == Bind {
			err = s.bind(c.provider())
		}
		return s, err
	case "s3":
		if !IsS3(c.Root) {
			return nil, fmt.Errorf("datastore root %q is not an S3 URL but the datastore is s3; pass --datastore-root s3://bucket/prefix", c.Root)
		}
		b, err := newS3FS(context.Background(), c.Root, c.PathStyle)
		if err != nil {
			return nil, err
		}
		s := &Store{root: b.where(""), b: b, cfg: c}
		s.cfg.Root = s.root
		if mode == Bind {
			if err := s.bind(c.provider()); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	return nil, fmt.Errorf("datastore %q is not a datastore; use local or s3", c.Kind)
}

// Open opens (creating if needed) the local datastore root and checks it is
// writable, so a bad --datastore-root fails before a run starts rather than
// in its first task.
func Open(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("datastore root is empty; pass --datastore-root with a writable directory")
	}
	if IsS3(root) {
		return nil, fmt.Errorf("datastore root %q is an S3 URL but the datastore is local; pass --datastore s3", root)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, notWritable(root, err)
	}
	if err := os.MkdirAll(abs, dirMode); err != nil {
		return nil, notWritable(root, err)
	}
	l := localFS{root: abs}
	f, err := l.tempFile()
	if err != nil {
		return nil, notWritable(root, err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Store{root: abs, b: l, cfg: Config{Kind: "local", Root: abs}}, nil
}

// CleanStale removes the temp files that writers which were killed left
// behind (kill -9, the OOM killer, a timeout), and reports how many files
// of how many bytes it removed. It costs one small directory read per
// flow, so run and resume call it when they start.
func (s *Store) CleanStale() (files int, size int64, err error) {
	c, ok := s.b.(interface {
		cleanStale() (int, int64, error)
	})
	if !ok {
		return 0, 0, nil // a backend without temp files of its own
	}
	files, size, err = c.cleanStale()
	if err != nil {
		return files, size, fmt.Errorf("removing stale temp files in %q: %w", s.root, err)
	}
	return files, size, nil
}

// openLocalReadOnly opens a local root without writing to it; a root that
// does not exist yet reads as empty.
func openLocalReadOnly(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("datastore root is empty; pass --datastore-root with a .flowc directory")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("datastore root %q is not a directory; pass --datastore-root with a .flowc directory", root)
	}
	return &Store{root: abs, b: localFS{root: abs}, cfg: Config{Kind: "local", Root: abs}}, nil
}

func notWritable(root string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is already in the message
	}
	return fmt.Errorf("datastore root %q is not writable: %v; pass --datastore-root with a writable directory", root, err)
}

// DefaultRoot returns ".flowc" in dir or its nearest parent that has one,
// else dir/.flowc, so commands run from a subdirectory of a project find the
// project's runs (as git finds .git).
func DefaultRoot(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	for d := dir; ; {
		if fi, err := os.Stat(filepath.Join(d, ".flowc")); err == nil && fi.IsDir() {
			return filepath.Join(d, ".flowc")
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return filepath.Join(dir, ".flowc")
}

// Root is the root: an absolute directory, or s3://bucket/prefix.
func (s *Store) Root() string { return s.root }

// Config is what opens this datastore again, in another process.
func (s *Store) Config() Config { return s.cfg }

// Env is the environment that pins a child process (a task) to this
// datastore.
func (s *Store) Env() []string {
	env := []string{"FLOWC_DATASTORE=" + s.cfg.Kind, "FLOWC_DATASTORE_ROOT=" + s.root}
	if s.cfg.PathStyle {
		env = append(env, "FLOWC_DATASTORE_PATH_STYLE=true")
	}
	return env
}

// FormatVersion is the major.minor format of the records this store
// writes. A reader refuses a record of a newer major version: it cannot
// know what the record means.
const FormatVersion = "1.0"

// checkVersion refuses a record written by a newer major format.
func checkVersion(what, v string) error {
	if v == "" {
		return nil // written before records were versioned
	}
	major, _, _ := strings.Cut(v, ".")
	mine, _, _ := strings.Cut(FormatVersion, ".")
	n, err := strconv.Atoi(major)
	m, _ := strconv.Atoi(mine)
	if err != nil || n > m {
		return fmt.Errorf("%s has format version %q, newer than this binary's %s; rebuild the flow with a newer flowc", what, v, FormatVersion)
	}
	return nil
}

// rootFile binds a datastore root: its format and metadata provider.
const rootFile = "_flowc.json"

type rootRecord struct {
	Version  string `json:"version"`
	Metadata string `json:"metadata"`
}

// bind records provider in _flowc.json at the root's first run, or checks
// the recorded one. Creating it twice, exclusively, must fail the second
// time: a server that accepts both ignores If-None-Match and is refused.
func (s *Store) bind(provider string) error {
	data, err := s.b.readFile(rootFile)
	if errors.Is(err, fs.ErrNotExist) {
		rec, _ := json.Marshal(rootRecord{Version: FormatVersion, Metadata: provider})
		rec = append(rec, '\n')
		if err := s.b.create(rootFile, rec); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("datastore root %q: %w", s.root, err)
		}
		data, err = s.b.readFile(rootFile)
	}
	if err != nil {
		return fmt.Errorf("datastore root %q: %w", s.root, err)
	}
	var rec rootRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("%q is damaged: %v; delete it (the root is bound again at the next run)", s.b.where(rootFile), err)
	}
	if err := checkVersion(fmt.Sprintf("datastore root %q", s.root), rec.Version); err != nil {
		return err
	}
	if rec.Metadata != provider {
		// Each provider mints its own run ids: two on one root would
		// hand out the same ids.
		return fmt.Errorf("datastore root %q is bound to metadata %q, not %q; pass --metadata %s, or another --datastore-root", s.root, rec.Metadata, provider, rec.Metadata)
	}
	if err := s.b.create(rootFile, data); err == nil {
		return fmt.Errorf("the server of datastore root %q ignores conditional writes (If-None-Match: *); flowc needs them to write records and blobs once: use AWS S3 or a server that supports them", s.root)
	} else if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("datastore root %q: %w", s.root, err)
	}
	return nil
}
