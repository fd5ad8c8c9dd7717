package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// The run index: what lists of runs (the run browser, filtered by user, tag
// or status) read instead of every run record. It is a cache of the
// records, kept by the writers of records and never trusted over them:
//
//	<Flow>/_index/<bucket>.<v>.json   {"version":1,"runs":{"<id>":Run without Params}}
//
// Runs are grouped in buckets (integer ids by 256, "n0" for 0-255; other
// ids by a hash, "s<00-3f>"), so a writer rewrites one small file and a
// reader of 10,000 runs reads about 40. A bucket is changed the way run
// records are meant to be on an object store: version v+1 is created
// exclusively from version v, a writer that loses the race reads again and
// reapplies its entry, and versions older than v are removed. That needs no
// lock and no append, so it works on every backend.
//
// Readers (IndexedRuns) take the run ids from the flow's directory listing,
// which is the truth about which runs exist: a run the index lacks (written
// before the index existed, or by a writer that died between its record and
// the index) is read from its record, and so is every run the index says is
// running, since its status is about to change and its final status matters
// most. What a dying writer can leave stale is a finished run's tags.

const (
	indexDir     = "_index"
	indexVersion = 1
	indexBucket  = 256
)

type indexSegment struct {
	Version int             `json:"version"`
	Runs    map[string]*Run `json:"runs"`
}

// indexBucketOf names the bucket run id belongs to.
func indexBucketOf(id string) string {
	if n, ok := intID(id); ok {
		return "n" + strconv.FormatUint(n/indexBucket, 10)
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("s%02x", h.Sum32()%64)
}

func indexKey(flow, bucket string, v int) string {
	return flow + "/" + indexDir + "/" + bucket + "." + strconv.Itoa(v) + ".json"
}

// parseIndexName splits "<bucket>.<v>.json"; ok is false for other names
// (temp files, anything foreign).
func parseIndexName(name string) (bucket string, v int, ok bool) {
	rest, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return "", 0, false
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 {
		return "", 0, false
	}
	v, err := strconv.Atoi(rest[i+1:])
	if err != nil || v < 0 || strconv.Itoa(v) != rest[i+1:] {
		return "", 0, false
	}
	return rest[:i], v, true
}

// indexVersions lists the versions of every bucket of flow's index.
func (s *Store) indexVersions(flow string) (map[string][]int, error) {
	es, err := s.b.list(flow + "/" + indexDir)
	if err != nil {
		return nil, err
	}
	out := map[string][]int{}
	for _, e := range es {
		if b, v, ok := parseIndexName(e.name); ok && !e.dir {
			out[b] = append(out[b], v)
		}
	}
	return out, nil
}

func latest(vs []int) int {
	l := -1
	for _, v := range vs {
		l = max(l, v)
	}
	return l
}

func (s *Store) readSegment(flow, bucket string, v int) (*indexSegment, error) {
	key := indexKey(flow, bucket, v)
	data, err := s.b.readFile(key)
	if err != nil {
		return nil, err
	}
	seg := new(indexSegment)
	if err := json.Unmarshal(data, seg); err != nil {
		return nil, fmt.Errorf("run index %q is damaged: %v; delete it (the index is rebuilt from the run records as runs change)", s.b.where(key), err)
	}
	if seg.Version > indexVersion {
		return nil, fmt.Errorf("run index %q has format version %d, newer than this binary's %d; upgrade flowc", s.b.where(key), seg.Version, indexVersion)
	}
	return seg, nil
}

// indexRun records r (as just written to its record) in the run index. It
// is best effort: the record is written and is the truth, and readers fall
// back to it for a run the index lacks, so a failure here must not turn a
// run's successful status change into an error.
func (s *Store) indexRun(r *Run) {
	if IsScratch(r.ID) {
		return // spin's scratch runs are never listed
	}
	entry := *r
	entry.Params = nil // for display on the run's own page; lists do not need it
	bucket := indexBucketOf(r.ID)
	for range 100 {
		vs, err := s.indexVersions(r.Flow)
		if err != nil {
			return
		}
		v := latest(vs[bucket])
		seg := &indexSegment{Runs: map[string]*Run{}}
		if v >= 0 {
			old, err := s.readSegment(r.Flow, bucket, v)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				continue // removed by a writer that moved on: list again
			case err != nil:
				// Damaged: start the bucket over; readers read the records
				// of the runs it no longer holds.
			default:
				seg = old
				if seg.Runs == nil {
					seg.Runs = map[string]*Run{}
				}
			}
		}
		seg.Version = indexVersion
		seg.Runs[r.ID] = &entry
		data, err := json.Marshal(seg)
		if err != nil {
			return
		}
		err = s.b.create(indexKey(r.Flow, bucket, v+1), data)
		if errors.Is(err, fs.ErrExist) {
			continue // another writer made v+1: reapply on top of it
		}
		if err != nil {
			return
		}
		// Our create can succeed on a stale base: another v+1 was made and
		// already removed by a later writer, which may not have removed v
		// yet, and whose newer version lacks our entry. The top version is
		// never removed, so ours is in effect only if the latest version
		// holds it; if not, reapply on the latest. (When a later version
		// was built on ours, it holds our entry and we are done.)
		if !s.indexHolds(r.Flow, bucket, &entry) {
			continue
		}
		// Keep v for readers that listed before v+1 appeared.
		for _, old := range vs[bucket] {
			if old < v {
				_ = s.b.remove(indexKey(r.Flow, bucket, old))
			}
		}
		return
	}
}

// IndexedRuns returns the records of flow's runs, newest first (ListRuns'
// order), from the run index where it can: without Params, which only a
// run's own record (GetRun) has. Runs the index lacks, and runs it says are
// running, are read from their records. A flow without runs is ErrNotFound;
// a record that cannot be read is skipped, as a run being deleted is. The
// records may be shared with later calls: callers must not modify them.
//
// Cost: one listing of the flow's directory (no stat per run: the index
// entry of a run is written after its record), one of the index, one read
// per bucket (256 runs) this Store has not read already (a version of a
// bucket never changes once written, so this process keeps what it read),
// and one record read per running or unindexed run.
func (s *Store) IndexedRuns(flow string) ([]*Run, error) {
	if err := ValidID("flow", flow); err != nil {
		return nil, err
	}
	es, err := s.b.list(flow)
	if err != nil {
		return nil, fmt.Errorf("listing runs of flow %q: %w", flow, err)
	}
	known := map[string]*Run{}
	for range 3 { // a bucket's version may be removed between list and read
		vs, err := s.indexVersions(flow)
		if err != nil {
			return nil, fmt.Errorf("reading the run index of flow %q: %w", flow, err)
		}
		gone := false
		for b, bvs := range vs {
			seg, err := s.cachedSegment(flow, b, latest(bvs))
			if errors.Is(err, fs.ErrNotExist) {
				gone = true
				continue
			}
			if err != nil {
				continue // damaged: its runs are read from their records
			}
			for id, r := range seg.Runs {
				if r != nil && r.ID == id && r.Flow == flow {
					known[id] = r
				}
			}
		}
		if !gone {
			break
		}
	}
	out := make([]*Run, 0, len(es))
	for _, e := range es {
		id := e.name
		if !e.dir || id == blobDir || id == indexDir || IsScratch(id) || ValidID("run id", id) != nil {
			continue
		}
		r := known[id]
		if r == nil || r.Status == "running" {
			rec, err := s.GetRun(flow, id)
			if err != nil {
				continue // not a run (yet), or being deleted
			}
			rec.Params = nil
			r = rec
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("flow %q %w in %q", flow, ErrNotFound, s.root)
	}
	sortNewestFirst(out)
	return out, nil
}

// sortNewestFirst orders runs as ListRuns orders ids: integer ids by value,
// descending, then the others (minted by schedulers) by name, descending.
func sortNewestFirst(runs []*Run) {
	type key struct {
		n   uint64
		int bool
		r   *Run
	}
	keys := make([]key, len(runs))
	for i, r := range runs {
		n, ok := intID(r.ID)
		keys[i] = key{n, ok, r}
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.int && b.int:
			return cmp.Compare(b.n, a.n)
		case a.int != b.int:
			if a.int {
				return -1
			}
			return 1
		}
		return strings.Compare(b.r.ID, a.r.ID)
	})
	for i, k := range keys {
		runs[i] = k.r
	}
}

// cachedSegment is readSegment, remembered: an index version is created
// once and never rewritten, so a long-lived reader (the run browser) reads
// each one once. Older versions of the bucket are dropped from the cache.
func (s *Store) cachedSegment(flow, bucket string, v int) (*indexSegment, error) {
	key := flow + "/" + bucket
	if c, ok := s.segments.Load(key); ok && c.(*cachedSeg).v == v {
		return c.(*cachedSeg).seg, nil
	}
	seg, err := s.readSegment(flow, bucket, v)
	if err != nil {
		return nil, err
	}
	s.segments.Store(key, &cachedSeg{v: v, seg: seg})
	return seg, nil
}

type cachedSeg struct {
	v   int
	seg *indexSegment
}

// indexHolds says whether the latest version of the bucket holds entry as
// given. A bucket it cannot read counts as holding it: the index is best
// effort, and its readers fall back to the records.
func (s *Store) indexHolds(flow, bucket string, entry *Run) bool {
	vs, err := s.indexVersions(flow)
	if err != nil {
		return true
	}
	seg, err := s.readSegment(flow, bucket, latest(vs[bucket]))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist) // gone: a newer version came; look again
	}
	got, ok := seg.Runs[entry.ID]
	if !ok {
		return false
	}
	a, err1 := json.Marshal(got)
	b, err2 := json.Marshal(entry)
	return err1 != nil || err2 != nil || bytes.Equal(a, b)
}
