package client

import (
	"testing"
)

// BenchmarkLatestSuccessfulRun1000: 1000 stored runs, the newest 999 failed
// or in another namespace, so the lookup walks almost all of them.
func BenchmarkLatestSuccessfulRun1000(b *testing.B) {
	f := newFixture(b)
	f.simpleRun("F", "user:alice", "succeeded", true, nil)
	for i := 1; i < 1000; i++ {
		if i%2 == 0 {
			f.run("F", "user:alice", "failed")
		} else {
			f.run("F", "user:bob", "succeeded")
		}
	}
	c := f.client()
	b.ResetTimer()
	for b.Loop() {
		r, err := c.Flow("F").LatestSuccessfulRun(ctx)
		if err != nil || r.ID() != "1" {
			b.Fatalf("LatestSuccessfulRun = %v, %v", r, err)
		}
	}
}
