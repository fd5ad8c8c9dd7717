package store

import (
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"
)

// Benchmarks report MB/s (b.SetBytes) and, for the big blobs, the peak RSS
// of the whole test process so far (which includes the value itself).

func peakRSS(b *testing.B) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peakRSS-MB")
	}
}

var bigKinds = []string{"random", "compressible"}

// bigValue makes one 256 MB value, so the peak RSS reflects one value.
func bigValue(kind string) []byte {
	const n = 256 << 20
	if kind == "random" {
		return randomBytes(n, 7)
	}
	line := []byte("2026-11-21 10:00:00.123 gross=1234567 genre=Comedy title=Some Movie\n")
	p := make([]byte, 0, n+len(line))
	for len(p) < n {
		p = append(p, line...)
	}
	return p[:n]
}

func BenchmarkPutBlob256MB(b *testing.B) {
	for _, kind := range bigKinds {
		b.Run(kind, func(b *testing.B) {
			p := bigValue(kind)
			s := newStore(b)
			b.SetBytes(int64(len(p)))
			for i := 0; i < b.N; i++ {
				p[0] = byte(i) // a new blob each time, no dedup
				if _, _, err := s.PutBlob("F", func(w io.Writer) error { _, err := w.Write(p); return err }); err != nil {
					b.Fatal(err)
				}
			}
			peakRSS(b)
		})
	}
}

func BenchmarkPutBlobBytes256MB(b *testing.B) {
	for _, kind := range bigKinds {
		b.Run(kind, func(b *testing.B) {
			p := bigValue(kind)
			s := newStore(b)
			b.SetBytes(int64(len(p)))
			for i := 0; i < b.N; i++ {
				p[0] = byte(i)
				if _, _, err := s.PutBlobBytes("F", p); err != nil {
					b.Fatal(err)
				}
			}
			peakRSS(b)
		})
	}
}

func BenchmarkOpenBlob256MB(b *testing.B) {
	for _, kind := range bigKinds {
		b.Run(kind, func(b *testing.B) {
			p := bigValue(kind)
			s := newStore(b)
			h := putBytes(b, s, "F", p)
			p = nil // only the reader's memory counts
			buf := make([]byte, 1<<20)
			b.SetBytes(256 << 20)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := s.OpenBlob("F", h)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(io.Discard, r, buf); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			peakRSS(b)
		})
	}
}

func BenchmarkPutBlobSmall(b *testing.B) {
	s := newStore(b)
	for i := 0; i < b.N; i++ {
		v := fmt.Appendf(nil, `{"i":%d}`, i)
		if _, _, err := s.PutBlob("F", func(w io.Writer) error { _, err := w.Write(v); return err }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenBlobSmall(b *testing.B) {
	s := newStore(b)
	h := putBytes(b, s, "F", []byte(`{"genre":"Comedy","quartiles":[1,2,3]}`))
	for i := 0; i < b.N; i++ {
		if _, err := readBlob(s, "F", h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSmallTaskWrite is the store's share of one task's overhead:
// two logs, data.json and the commit marker.
func BenchmarkSmallTaskWrite(b *testing.B) {
	s := newStore(b)
	d := &TaskData{Artifacts: map[string]Artifact{
		"Genres": {Hash: sha([]byte("a")), Type: "[]string", Size: 10, Encoding: "json"},
		"Movies": {Hash: sha([]byte("b")), Type: "[]main.Movie", Size: 1000, Encoding: "json"},
	}, Parents: []string{"1/Start/0"}}
	now := time.Now()
	for i := 0; i < b.N; i++ {
		p := TaskPath{"F", "1", "Body", fmt.Sprint(i)}
		for _, stream := range []string{"stdout", "stderr"} {
			w, err := s.CreateLog(p, 0, stream)
			if err != nil {
				b.Fatal(err)
			}
			w.Write([]byte("x\n"))
			w.Close()
		}
		if err := s.WriteTaskData(p, 0, d); err != nil {
			b.Fatal(err)
		}
		if err := s.FinishAttempt(p, &Done{Attempt: 0, OK: true, Started: now, Finished: now}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCloneTask(b *testing.B) {
	s := newStore(b)
	src := TaskPath{"F", "1", "Body", "0"}
	writeTask(b, s, src, 0, true)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.CloneTask(src, TaskPath{"F", "2", "Body", fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListRuns1000(b *testing.B) {
	s := newStore(b)
	for range 1000 {
		if _, err := s.NewRun(&Run{Flow: "F", Status: "succeeded"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ids, err := s.ListRuns("F")
		if err != nil || len(ids) != 1000 {
			b.Fatal(len(ids), err)
		}
	}
}

// BenchmarkLatestSuccessfulRun1000 is what the client does: list, then read
// records newest first until one succeeded (here the oldest, the worst case).
func BenchmarkLatestSuccessfulRun1000(b *testing.B) {
	s := newStore(b)
	for i := range 1000 {
		st := "failed"
		if i == 0 {
			st = "succeeded"
		}
		if _, err := s.NewRun(&Run{Flow: "F", Status: st}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ids, err := s.ListRuns("F")
		if err != nil {
			b.Fatal(err)
		}
		found := ""
		for _, id := range ids {
			r, err := s.GetRun("F", id)
			if err != nil {
				b.Fatal(err)
			}
			if r.Status == "succeeded" {
				found = id
				break
			}
		}
		if found != "1" {
			b.Fatal(found)
		}
	}
}

// BenchmarkRoundTrip256MB is the task-process budget: store a 256 MB
// []byte field, then read it back (target ≤ 3 s, peak RSS ≤ 600 MB).
// Run it alone (-bench RoundTrip) for a meaningful peak RSS.
func BenchmarkRoundTrip256MB(b *testing.B) {
	for _, kind := range bigKinds {
		b.Run(kind, func(b *testing.B) {
			p := bigValue(kind)
			s := newStore(b)
			buf := make([]byte, 1<<20)
			b.SetBytes(int64(len(p)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p[0] = byte(i)
				h, _, err := s.PutBlob("F", func(w io.Writer) error { _, err := w.Write(p); return err })
				if err != nil {
					b.Fatal(err)
				}
				r, err := s.OpenBlob("F", h)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(io.Discard, r, buf); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			peakRSS(b)
		})
	}
}
