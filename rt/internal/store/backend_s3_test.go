package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// TestBackends: both backends behave the same through the interface the
// store uses.
func TestBackends(t *testing.T) {
	f := newFakeS3(t)
	s3b := newS3Store(t, f, "conf", ReadWrite).b
	for name, b := range map[string]backend{"local": localFS{root: filepath.Join(t.TempDir(), "root")}, "s3": s3b} {
		t.Run(name, func(t *testing.T) {
			if _, err := b.readFile("F/x"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("readFile of a missing key: %v, want fs.ErrNotExist", err)
			}
			if _, err := b.stat("F/x"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("stat of a missing key: %v, want fs.ErrNotExist", err)
			}
			if _, err := b.open("F/x"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("open of a missing key: %v, want fs.ErrNotExist", err)
			}
			if es, err := b.list("F"); err != nil || len(es) != 0 {
				t.Errorf("list of a missing dir = %v, %v; want empty", es, err)
			}
			if err := b.put("F/1/a", []byte("one")); err != nil {
				t.Fatal(err)
			}
			if err := b.put("F/1/a", []byte("two")); err != nil {
				t.Fatal(err)
			}
			if got, err := b.readFile("F/1/a"); string(got) != "two" || err != nil {
				t.Errorf("readFile = %q, %v; want the second put", got, err)
			}
			if err := b.create("F/1/b", []byte("first")); err != nil {
				t.Fatal(err)
			}
			if err := b.create("F/1/b", []byte("second")); !errors.Is(err, fs.ErrExist) {
				t.Errorf("second create: %v, want fs.ErrExist", err)
			}
			if got, _ := b.readFile("F/1/b"); string(got) != "first" {
				t.Errorf("create replaced an existing key: %q", got)
			}
			if n, err := b.stat("F/1/b"); n != 5 || err != nil {
				t.Errorf("stat = %d, %v; want 5", n, err)
			}
			if err := b.put("F/2/S/0/0.done", []byte("{}")); err != nil {
				t.Fatal(err)
			}
			es, err := b.list("F")
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
			if want := []entry{{"1", true}, {"2", true}}; !slices.Equal(es, want) {
				t.Errorf("list F = %v, want %v", es, want)
			}
			es, _ = b.list("F/1")
			slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
			if want := []entry{{"a", false}, {"b", false}}; !slices.Equal(es, want) {
				t.Errorf("list F/1 = %v, want %v", es, want)
			}
			if err := b.remove("F/1/a"); err != nil {
				t.Fatal(err)
			}
			if err := b.remove("F/1/a"); err != nil {
				t.Errorf("removing a missing key: %v", err)
			}

			// Streaming uploads: small and multipart, key known or not.
			for _, tc := range []struct {
				name string
				n    int
				key  bool
			}{{"small", 1000, true}, {"small-spooled", 1000, false}, {"large", 2*partSize + 12345, true}, {"large-spooled", 2*partSize + 12345, false}, {"one-part", partSize, true}} {
				data := randBytes(tc.n, uint64(tc.n))
				key := "F/data/" + tc.name
				hint := ""
				if tc.key {
					hint = key
				}
				p, err := b.upload("F/data", hint)
				if err != nil {
					t.Fatal(err)
				}
				for off := 0; off < len(data); off += 1 << 20 {
					if _, err := p.Write(data[off:min(off+1<<20, len(data))]); err != nil {
						t.Fatal(err)
					}
				}
				if err := p.commit(key); err != nil {
					t.Fatalf("%s: commit: %v", tc.name, err)
				}
				got, err := b.readFile(key)
				if err != nil || !bytes.Equal(got, data) {
					t.Errorf("%s: read back %d bytes (%v), want the %d written", tc.name, len(got), err, len(data))
				}
				// A second upload of the same key keeps the first.
				p, _ = b.upload("F/data", hint)
				p.Write([]byte("other"))
				if err := p.commit(key); err != nil {
					t.Errorf("%s: commit over an existing key: %v", tc.name, err)
				}
				if n, _ := b.stat(key); n != int64(len(data)) {
					t.Errorf("%s: an existing key was replaced (size %d)", tc.name, n)
				}
			}
			p, _ := b.upload("F/data", "F/data/aborted")
			p.Write(randBytes(partSize+1, 9))
			p.abort()
			if _, err := b.stat("F/data/aborted"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("an aborted upload is visible: %v", err)
			}
		})
	}
}

// TestS3RunRecords: run ids, lock-free updates and listings on S3.
func TestS3RunRecords(t *testing.T) {
	f := newFakeS3(t)
	s := newS3Store(t, f, "runs", ReadWrite)
	var ids []string
	for range 3 {
		id, err := s.NewRun(&Run{Flow: "F", Status: "running"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if !slices.Equal(ids, []string{"1", "2", "3"}) {
		t.Errorf("run ids %q, want 1 2 3", ids)
	}
	// Concurrent updates from many writers: none is lost.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if err := s.UpdateRun("F", "2", func(r *Run) error {
				r.Tags = append(r.Tags, fmt.Sprint("t", i))
				return nil
			}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	r, err := s.GetRun("F", "2")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(r.Tags)
	if want := []string{"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"}; !slices.Equal(r.Tags, want) {
		t.Errorf("tags after 8 concurrent updates = %q, want %q", r.Tags, want)
	}
	if err := s.UpdateRun("F", "9", func(*Run) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("updating a missing run: %v, want ErrNotFound", err)
	}
	if err := s.PutRun(&Run{Flow: "F", ID: "sfn-x", Status: "running"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListRuns("F")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"3", "2", "1", "sfn-x"}; !slices.Equal(got, want) {
		t.Errorf("ListRuns = %q, want %q", got, want)
	}
	if fl, err := s.ListFlows(); err != nil || !slices.Equal(fl, []string{"F"}) {
		t.Errorf("ListFlows = %q, %v", fl, err)
	}
}

// TestS3TaskFiles: blobs, an attempt's files and its logs on S3, read back
// through the store as the client and tasks do.
func TestS3TaskFiles(t *testing.T) {
	f := newFakeS3(t)
	s := newS3Store(t, f, "p/q", ReadWrite)
	small := []byte("hello")
	large := randBytes(3*partSize/2, 1)
	var hashes []string
	for _, v := range [][]byte{small, large} {
		h, n, err := s.PutBlobBytes("F", v)
		if err != nil || n != int64(len(v)) {
			t.Fatalf("PutBlobBytes: %v (size %d)", err, n)
		}
		hashes = append(hashes, h)
		got, err := readBlob(s, "F", h)
		if err != nil || !bytes.Equal(got, v) {
			t.Errorf("blob %s read back %d bytes, %v", h, len(got), err)
		}
	}
	hs, _, err := s.PutBlob("F", func(w io.Writer) error { _, err := w.Write(large); return err })
	if err != nil || hs != hashes[1] {
		t.Errorf("streamed PutBlob = %s, %v; want %s", hs, err, hashes[1])
	}
	p := TaskPath{"F", "1", "Start", "0"}
	w, err := s.CreateLog(p, 0, "stdout")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "part one\n")
	w.flush(false)
	io.WriteString(w, "part two\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readLog(t, s, p, "stdout"); got != "part one\npart two\n" {
		t.Errorf("log = %q", got)
	}
	if err := s.WriteTaskData(p, 0, &TaskData{Artifacts: map[string]Artifact{"X": {Hash: hashes[0], Size: 5}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LatestDone(p); !errors.Is(err, ErrNotFound) {
		t.Errorf("an attempt without its marker is visible: %v", err)
	}
	if err := s.FinishAttempt(p, &Done{Attempt: 0, OK: true}); err != nil {
		t.Fatal(err)
	}
	if d, err := s.LatestDone(p); err != nil || !d.OK {
		t.Errorf("LatestDone = %+v, %v", d, err)
	}
	if !strings.HasPrefix(s.Root(), "s3://bkt/p/q") {
		t.Errorf("Root = %q", s.Root())
	}
}

// TestS3Bind: the first run binds the root; a server that ignores
// If-None-Match is refused in one line; so is a root bound to another
// metadata provider or written by a newer format.
func TestS3Bind(t *testing.T) {
	f := newFakeS3(t)
	s := newS3Store(t, f, "bind", Bind)
	if _, err := s.b.readFile(rootFile); err != nil {
		t.Fatalf("no %s after the first bind: %v", rootFile, err)
	}
	newS3Store(t, f, "bind", Bind) // bound already: fine
	f.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		r.Header.Del("If-None-Match")
		next.ServeHTTP(w, r)
	})
	_, err := OpenConfig(Config{Kind: "s3", Root: "s3://bkt/bind2", PathStyle: true}, Bind)
	if err == nil || !strings.Contains(err.Error(), "conditional writes") || strings.Contains(err.Error(), "\n") {
		t.Errorf("a server without conditional writes: %v; want one line about conditional writes", err)
	}
	f.use(nil)
	for _, tc := range []struct{ rec, want string }{
		{`{"version":"1.0","metadata":"service"}`, `bound to metadata "service"`},
		{`{"version":"2.0","metadata":"local"}`, `format version "2.0"`},
	} {
		s := newS3Store(t, f, "bound", ReadWrite)
		s.b.put(rootFile, []byte(tc.rec))
		if _, err := OpenConfig(Config{Kind: "s3", Root: "s3://bkt/bound", PathStyle: true}, Bind); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("root record %s: %v; want an error with %q", tc.rec, err, tc.want)
		}
	}
}

// TestS3Retry: a server answering 503 SlowDown for a while is retried
// through, with backoff.
func TestS3Retry(t *testing.T) {
	f := newFakeS3(t)
	s := newS3Store(t, f, "retry", ReadWrite)
	var left atomic.Int64
	left.Store(6)
	f.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if left.Add(-1) >= 0 {
			io.Copy(io.Discard, r.Body)
			s3Error(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
			return
		}
		next.ServeHTTP(w, r)
	})
	start := time.Now()
	h, _, err := s.PutBlobBytes("F", []byte("through the storm"))
	if err != nil {
		t.Fatalf("PutBlobBytes through 6 503s: %v", err)
	}
	if got, err := readBlob(s, "F", h); err != nil || string(got) != "through the storm" {
		t.Errorf("read back %q, %v", got, err)
	}
	if left.Load() >= 0 {
		t.Errorf("the fault was not hit")
	}
	t.Logf("6 503s retried through in %v", time.Since(start))
}

// TestS3WrongCredentials: one line naming the bucket and the fix.
func TestS3WrongCredentials(t *testing.T) {
	f := newFakeS3(t)
	f.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		s3Error(w, http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	})
	_, err := OpenConfig(Config{Kind: "s3", Root: "s3://bkt/x", PathStyle: true}, Bind)
	if err == nil || !strings.Contains(err.Error(), `bucket "bkt"`) || !strings.Contains(err.Error(), "credentials") || strings.Contains(err.Error(), "\n") {
		t.Errorf("wrong credentials: %v; want one line naming bucket \"bkt\" and the credentials", err)
	}
	f.use(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		s3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
	})
	if _, err = OpenConfig(Config{Kind: "s3", Root: "s3://bkt/x", PathStyle: true}, Bind); err == nil || !strings.Contains(err.Error(), `bucket "bkt" does not exist`) {
		t.Errorf("missing bucket: %v", err)
	}
}

// TestRootKindMismatch: an S3 URL with the local datastore (or the
// reverse) is one line, and nothing is created.
func TestRootKindMismatch(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if _, err := OpenConfig(Config{Kind: "local", Root: "s3://b/p"}, Bind); err == nil || !strings.Contains(err.Error(), "--datastore s3") {
		t.Errorf("local with s3://: %v", err)
	}
	if _, err := OpenConfig(Config{Kind: "s3", Root: filepath.Join(dir, "d")}, Bind); err == nil || !strings.Contains(err.Error(), "s3://bucket/prefix") {
		t.Errorf("s3 with a directory: %v", err)
	}
	for _, bad := range []string{"s3://", "s3:///p", "s3://b/a/../c", "s3://b//c"} {
		if _, err := OpenConfig(Config{Kind: "s3", Root: bad}, ReadOnly); err == nil {
			t.Errorf("root %q accepted", bad)
		}
	}
	if des, _ := filepath.Glob(filepath.Join(dir, "*")); len(des) != 0 {
		t.Errorf("created %q", des)
	}
}

// TestRunRecordVersion: run records carry the format version; a reader
// refuses a record of a newer major version in one line.
func TestRunRecordVersion(t *testing.T) {
	s := newStore(t)
	id, err := s.NewRun(&Run{Flow: "F", Status: "running"})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.GetRun("F", id); err != nil || r.Version != FormatVersion {
		t.Fatalf("GetRun = %+v, %v; want version %s", r, err, FormatVersion)
	}
	s.b.create(runVersionKey("F", id, 1), []byte(`{"version":"2.1","flow":"F","id":"1"}`))
	if _, err := s.GetRun("F", id); err == nil || !strings.Contains(err.Error(), `format version "2.1"`) || strings.Contains(err.Error(), "\n") {
		t.Errorf("a newer major version: %v", err)
	}
}
