package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Live status: while a run runs, its page holds one server-sent event
// stream (GET .../events) instead of polling. The server reads the run's
// state every liveEvery, and sends it only when it changed; when the run
// is over it sends the last state and an "end" event, and closes.
//
// Reading the state is what costs: a listing per step and a read per task.
// The server keeps the tasks it saw succeed (a successful commit is never
// rewritten; see doneCache), so each read is of the tasks still running,
// and the stream waits at
// least as long as the last read took, so a slow datastore (S3 from afar)
// is read at most half the time.
const (
	liveEvery = 250 * time.Millisecond // a task's commit shows within ~this plus one read
	livePing  = 15 * time.Second       // a comment on a quiet stream, so a dead peer is noticed
)

func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) {
	p, err := ids(r, "flow", "run")
	if err != nil {
		writeErr(w, err)
		return
	}
	ctx := r.Context()
	lc := &liveCache{}
	read := time.Now()
	state, over, err := s.runState(ctx, p["flow"], p["run"], lc)
	if err != nil {
		writeErr(w, err) // before the stream starts: a plain error answer
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeErr(w, fmt.Errorf("this connection cannot stream events; reload the page"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// An EventSource reconnects after this many ms if the stream breaks.
	fmt.Fprintf(w, "retry: 1000\n\n")
	took := time.Since(read)
	var last []byte
	quiet := time.Now()
	for {
		b, err := json.Marshal(state)
		if err != nil {
			return
		}
		if !bytes.Equal(b, last) {
			fmt.Fprintf(w, "data: %s\n\n", b)
			last, quiet = b, time.Now()
		} else if time.Since(quiet) > livePing {
			fmt.Fprint(w, ": ping\n\n")
			quiet = time.Now()
		}
		if over {
			fmt.Fprint(w, "event: end\ndata: {}\n\n")
		}
		fl.Flush()
		if over {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(liveEvery, took)):
		}
		read = time.Now()
		if state, over, err = s.runState(ctx, p["flow"], p["run"], lc); err != nil {
			// The page keeps its last picture; the event says why it
			// stopped changing, and the browser reconnects.
			e, _ := json.Marshal(map[string]string{"error": err.Error()})
			fmt.Fprintf(w, "event: failed\ndata: %s\n\n", e)
			fl.Flush()
			return
		}
		took = time.Since(read)
	}
}
