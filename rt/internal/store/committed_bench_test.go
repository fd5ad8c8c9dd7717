package store

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// bodyData is the data.json of a foreach body of rt/runner/testdata's
// ForeachFlow: two small results inline, the parameter, the list by hash.
func bodyData(i int) *TaskData {
	sq := strconv.Itoa(i * i)
	ix := strconv.Itoa(i)
	return &TaskData{Artifacts: map[string]Artifact{
		"Index":  {Hash: sha([]byte(ix)), Type: "int", Size: int64(len(ix)), Encoding: "json", Value: Inline("json", []byte(ix))},
		"Square": {Hash: sha([]byte(sq)), Type: "int", Size: int64(len(sq)), Encoding: "json", Value: Inline("json", []byte(sq))},
		"N":      {Hash: sha([]byte("10000")), Type: "int", Size: 5, Encoding: "json", Value: Inline("json", []byte("10000"))},
		"Items":  {Hash: sha([]byte("items")), Type: "[]int", Size: 48891, Encoding: "json"},
	}, ForeachStack: []ForeachFrame{{Step: "Start", Index: i, NumSplits: 10000}}, SplitBases: []string{"1/Start/1"}, Parents: []string{"1/Start/1"}}
}

// BenchmarkJoinInput is what a join pays per input to find its committed
// attempt and its artifacts (issue 7 target: a join over 10,000 inputs
// <= 1 s): "embedded" reads task.json alone (format 1.1), "separate" the
// marker and then data.json (a task committed by format 1.0).
func BenchmarkJoinInput(b *testing.B) {
	for _, embed := range []bool{true, false} {
		name := map[bool]string{true: "embedded", false: "separate"}[embed]
		b.Run(name, func(b *testing.B) {
			s := newStore(b)
			const n = 1000
			now := time.Now()
			for i := range n {
				p := TaskPath{"F", "1", "Body", strconv.Itoa(i + 2)}
				d := bodyData(i)
				if err := s.WriteTaskData(p, 0, d); err != nil {
					b.Fatal(err)
				}
				done := &Done{Attempt: 0, OK: true, Started: now, Finished: now, Inputs: "1/Start/1", SplitIndex: &i}
				if embed {
					done.Data = d
				}
				if err := s.FinishAttempt(p, done); err != nil {
					b.Fatal(err)
				}
			}
			i := 0
			for b.Loop() {
				p := TaskPath{"F", "1", "Body", strconv.Itoa(i%n + 2)}
				_, data, err := s.CommittedData(p)
				if err != nil || len(data.Artifacts) != 4 {
					b.Fatal(fmt.Sprint(err))
				}
				i++
			}
		})
	}
}
