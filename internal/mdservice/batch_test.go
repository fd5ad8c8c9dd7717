package mdservice

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/flowc-dev/flowc/internal/testenv/pgtest"
)

func TestBatches(t *testing.T) {
	pg := pgtest.Start(t)

	// A statement that fails takes its batch down with it; every other
	// write of the batch is answered as if it had run alone.
	t.Run("AFailingWriteFailsAlone", func(t *testing.T) {
		e := newEnv(t, pg, "")
		b := e.svc.writes
		ctx := context.Background()
		var wg sync.WaitGroup
		hold(b, &wg)
		const n = 60
		got := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = b.do(ctx, fmt.Sprint(i), "SELECT 60 / $1::int", []any{i % 7}, &got[i])
			}()
		}
		wg.Wait()
		for i := range n {
			switch {
			case i%7 == 0 && errs[i] == nil:
				t.Errorf("write %d divided by zero without an error", i)
			case i%7 != 0 && (errs[i] != nil || got[i] != 60/(i%7)):
				t.Errorf("write %d: %d, %v; want %d", i, got[i], errs[i], 60/(i%7))
			}
		}
		if b.split.Load() == 0 {
			t.Errorf("no batch was split: the writes did not run in batches")
		}
	})

	// Many tasks' writes at once, as a wide foreach makes them: each is
	// recorded, in batches.
	t.Run("ConcurrentAttemptsAreAllRecorded", func(t *testing.T) {
		e := newEnv(t, pg, "")
		r := e.mint("F", "alice")
		const n = 200
		var wg sync.WaitGroup
		hold(e.svc.writes, &wg)
		sem := make(chan struct{}, 32)
		for i := range n {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				p := mdapi.AttemptPath("F", r.ID, "Body", fmt.Sprint(i), 0)
				if code, msg := e.do("PUT", p, mdapi.AttemptStart{PID: 1, Started: time.Now()}, nil); code != http.StatusOK {
					t.Errorf("start %d: %d %s", i, code, msg)
				}
				done := mdapi.AttemptDone{OK: true, Finished: time.Now(),
					Artifacts: map[string]mdapi.Artifact{"A": {Hash: fmt.Sprintf("%064x", i), Type: "int", Size: 1}}}
				if code, msg := e.do("PUT", p+"/done", done, nil); code != http.StatusOK {
					t.Errorf("done %d: %d %s", i, code, msg)
				}
			}()
		}
		wg.Wait()
		if got := e.count("attempts WHERE ok"); got != n {
			t.Errorf("%d attempts recorded, want %d", got, n)
		}
		if got := e.count("attempts, jsonb_object_keys(artifacts)"); got != n {
			t.Errorf("%d artifact index entries, want %d", got, n)
		}
		if got := e.count("tasks WHERE winner = 0"); got != n {
			t.Errorf("%d tasks with a winner, want %d", got, n)
		}
		if e.svc.writes.batched.Load() == 0 {
			t.Errorf("no write ran in a batch: the batcher did not batch")
		}
	})
}

// hold keeps the batcher's workers busy for 300 ms, so that the writes
// sent meanwhile queue up and run as batches.
func hold(b *batcher, wg *sync.WaitGroup) {
	for range b.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var x int
			b.do(context.Background(), "", "SELECT 1 FROM pg_sleep(0.3)", nil, &x)
		}()
	}
	time.Sleep(100 * time.Millisecond)
}
