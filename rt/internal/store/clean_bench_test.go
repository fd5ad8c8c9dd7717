package store

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkCleanStale100k is what cleaning adds to a run start (issue 7
// item 10; target ≤ 5 ms) in a store of 100,000 blobs, with a few temp
// files of killed writers to remove and of live ones to keep: the blobs
// are never listed, only the temp directory and each data directory's top.
func BenchmarkCleanStale100k(b *testing.B) {
	s := newStore(b)
	data := filepath.Join(s.Root(), "F", "data")
	for i := range 100_000 {
		h := sha([]byte(strconv.Itoa(i)))
		if i < 256 || i%1000 == 0 {
			os.MkdirAll(filepath.Join(data, h[:2]), dirMode)
		}
		if err := os.WriteFile(filepath.Join(data, h[:2], h), nil, fileMode); err != nil {
			// a prefix directory not made yet
			os.MkdirAll(filepath.Join(data, h[:2]), dirMode)
			if err := os.WriteFile(filepath.Join(data, h[:2], h), nil, fileMode); err != nil {
				b.Fatal(err)
			}
		}
	}
	dead := deadPID(b)
	tmp := filepath.Join(s.Root(), tempDir)
	live := filepath.Join(tmp, strconv.Itoa(os.Getpid())+"-live")
	os.WriteFile(live, nil, fileMode)
	for b.Loop() {
		b.StopTimer()
		for i := range 5 {
			os.WriteFile(filepath.Join(tmp, strconv.Itoa(dead)+"-"+strconv.Itoa(i)), nil, fileMode)
		}
		b.StartTimer()
		n, _, err := s.CleanStale()
		if err != nil || n != 5 {
			b.Fatalf("removed %d, %v", n, err)
		}
	}
}

// BenchmarkPutSmallDuplicateFresh is what a task pays to store a small
// value whose blob exists and that it has not read itself: the blob is
// read and checked before it is trusted (issue 7 item 1).
func BenchmarkPutSmallDuplicateFresh(b *testing.B) {
	s := newStore(b)
	v := []byte(`{"genre":"Comedy","quartiles":[1,2,3],"n":12345678}`)
	if _, _, err := s.PutBlobBytes("F", v); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		fresh := &Store{root: s.root, b: s.b} // a new task process
		if _, _, err := fresh.PutBlobBytes("F", v); err != nil {
			b.Fatal(err)
		}
	}
}
