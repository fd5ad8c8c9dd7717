package mdservice

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The writes every task makes (its attempts' starts and ends) go through a
// batcher: the statements that arrive while a batch runs are sent together
// as the next one, in one round trip and one transaction. A commit and a
// round trip cost the database more than these statements do, so under
// load a batch of 30 costs it a third of 30 single ones; when the service
// is idle a batch is one statement and waits for nothing.
//
// A batch is all or nothing. If one of its statements fails, the batch is
// rolled back and its statements are run again one by one, so each
// request gets its own answer. The batched statements are written so that
// they do not fail on a client's mistake (a missing run, a conflicting
// attempt): they answer it in their result row.

// maxBatch bounds a batch: past it, a batch's lock hold and latency grow
// more than its cost per statement falls.
const maxBatch = 64

// batchTimeout bounds one batch, so a database that hangs (rather than
// refusing connections) answers 503 and the clients retry.
const batchTimeout = 10 * time.Second

type write struct {
	key  string // the task the statement locks; batches lock in key order
	sql  string
	args []any
	dest []any // the result row's columns
	err  error
	done chan struct{}
}

type batcher struct {
	pool    *pgxpool.Pool
	workers int
	queue   chan *write
	stop    chan struct{}
	wg      sync.WaitGroup
	// batched counts the writes that ran in a batch of several, split
	// the batches run again one by one; for the tests.
	batched, split atomic.Int64
}

func newBatcher(pool *pgxpool.Pool, workers int) *batcher {
	b := &batcher{pool: pool, workers: workers, queue: make(chan *write, 4*maxBatch), stop: make(chan struct{})}
	for range workers {
		b.wg.Add(1)
		go b.work()
	}
	return b
}

// close stops the workers once their batches are done; a write still
// queued gets an error.
func (b *batcher) close() {
	close(b.stop)
	b.wg.Wait()
}

var errStopping = errors.New("the metadata service is stopping")

// do runs sql, which must return exactly one row, in the next batch and
// scans that row into dest.
func (b *batcher) do(ctx context.Context, key, sql string, args []any, dest ...any) error {
	w := &write{key: key, sql: sql, args: args, dest: dest, done: make(chan struct{})}
	select {
	case b.queue <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return errStopping
	}
	// Once queued, the write runs even if the request ends: the writes are
	// idempotent, and the worker owns w until it closes done.
	select {
	case <-w.done:
		return w.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *batcher) work() {
	defer b.wg.Done()
	batch := make([]*write, 0, maxBatch)
	for {
		select {
		case <-b.stop:
			b.drain()
			return
		case w := <-b.queue:
			batch = append(batch[:0], w)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case w := <-b.queue:
				batch = append(batch, w)
			default:
				break fill
			}
		}
		b.run(batch)
	}
}

// drain answers the writes still queued at close.
func (b *batcher) drain() {
	for {
		select {
		case w := <-b.queue:
			w.err = errStopping
			close(w.done)
		default:
			return
		}
	}
}

func (b *batcher) run(batch []*write) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	if len(batch) == 1 {
		b.single(ctx, batch[0])
		return
	}
	// Every batch takes its row locks in the same order, so two batches
	// do not deadlock.
	slices.SortStableFunc(batch, func(x, y *write) int { return strings.Compare(x.key, y.key) })
	var pb pgx.Batch
	for _, w := range batch {
		pb.Queue(w.sql, w.args...)
	}
	br := b.pool.SendBatch(ctx, &pb)
	var err error
	for _, w := range batch {
		if err = br.QueryRow().Scan(w.dest...); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	var pe *pgconn.PgError
	switch {
	case err == nil:
		b.batched.Add(int64(len(batch)))
		for _, w := range batch {
			close(w.done)
		}
	case errors.As(err, &pe) || errors.Is(err, pgx.ErrNoRows):
		// One statement failed and took the batch with it: find out
		// which, and answer each on its own.
		b.split.Add(1)
		for _, w := range batch {
			b.single(ctx, w)
		}
	default:
		// The database is away: every statement fails alike.
		for _, w := range batch {
			w.err = err
			close(w.done)
		}
	}
}

func (b *batcher) single(ctx context.Context, w *write) {
	w.err = b.pool.QueryRow(ctx, w.sql, w.args...).Scan(w.dest...)
	close(w.done)
}
