package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInline(t *testing.T) {
	for _, c := range []struct {
		enc, v string
		ok     bool
	}{
		{"json", `42`, true},
		{"json", `{"a":[1,2],"b":"x"}`, true},
		{"json", `"a<b"`, false}, // data.json's encoder would escape it
		{"json", `[1, 2]`, false},
		{"json", `"` + strings.Repeat("x", InlineMax) + `"`, false},
		{"raw", `42`, false},
		{"json", ``, false},
	} {
		v := Inline(c.enc, []byte(c.v))
		if (v != "") != c.ok || c.ok && string(v) != c.v {
			t.Errorf("Inline(%s, %s) = %q", c.enc, c.v, v)
			continue
		}
		if !c.ok {
			continue
		}
		// Through data.json and back, checked against its hash.
		a := Artifact{Hash: sha([]byte(c.v)), Type: "T", Size: int64(len(c.v)), Encoding: c.enc, Value: v}
		b, err := json.Marshal(&TaskData{Artifacts: map[string]Artifact{"X": a}})
		if err != nil {
			t.Fatal(err)
		}
		var d TaskData
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if got, ok := d.Artifacts["X"].Inlined(); !ok || string(got) != c.v {
			t.Errorf("Inlined after a round trip of %s: %q, %v", b, got, ok)
		}
		other := a
		other.Value = RawValue(`43`)
		other.Size = 2
		if _, ok := other.Inlined(); ok {
			t.Errorf("Inlined trusts %s under the hash of %s", other.Value, c.v)
		}
	}
}

func TestCommittedData(t *testing.T) {
	s := newStore(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	p := TaskPath{"F", "1", "Body", "2"}
	d := bodyData(3)
	if err := s.WriteTaskData(p, 0, d); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishAttempt(p, &Done{Attempt: 0, OK: true, Started: now, Finished: now, Data: d}); err != nil {
		t.Fatal(err)
	}
	// The marker alone answers: data.json gone, the data is still read.
	os.Remove(filepath.Join(s.Root(), "F", "1", "Body", "2", "0.data.json"))
	done, got, err := s.CommittedData(p)
	if err != nil || done.Data != nil || got.Artifacts["Square"].Value != "9" || got.ForeachStack[0].Index != 3 {
		t.Fatalf("CommittedData = %+v, %+v, %v", done, got, err)
	}
	if done, err := s.LatestDone(p); err != nil || done.Data != nil {
		t.Errorf("LatestDone keeps the embedded data: %+v, %v", done, err)
	}
	if done, err := s.ReadDone(p, 0); err != nil || done.Data != nil || !done.OK {
		t.Errorf("ReadDone: %+v, %v", done, err)
	}
	// A clone embeds it too.
	dst := TaskPath{"F", "2", "Body", "2"}
	if err := s.WriteTaskData(p, 0, d); err != nil { // CloneTask copies data.json
		t.Fatal(err)
	}
	if err := s.CloneTask(p, dst); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(s.Root(), "F", "2", "Body", "2", "0.data.json"))
	if _, got, err := s.CommittedData(dst); err != nil || got.Artifacts["Index"].Value != "3" {
		t.Errorf("CommittedData of a clone = %+v, %v", got, err)
	}

	// A marker without data (format 1.0, or a foreach task): data.json.
	q := TaskPath{"F", "1", "Body", "3"}
	writeTask(t, s, q, 0, true)
	if _, got, err := s.CommittedData(q); err != nil || got.Artifacts["X"].Size != 2 {
		t.Errorf("CommittedData without embedded data = %+v, %v", got, err)
	}
	os.Remove(filepath.Join(s.Root(), "F", "1", "Body", "3", "0.data.json"))
	if done, _, err := s.CommittedData(q); err == nil || done == nil {
		t.Errorf("CommittedData with data.json missing: %+v, %v", done, err)
	}

	// A failed attempt's marker, and a record too big, embed nothing.
	f := TaskPath{"F", "1", "Body", "4"}
	if err := s.FinishAttempt(f, &Done{Attempt: 0, Started: now, Finished: now, Error: "x", Data: d}); err != nil {
		t.Fatal(err)
	}
	big := bodyData(4)
	big.Parents = []string{strings.Repeat("x", maxEmbedded)}
	if err := s.FinishAttempt(f, &Done{Attempt: 1, OK: true, Started: now, Finished: now, Data: big}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0.done", "task.json"} {
		b, err := os.ReadFile(filepath.Join(s.Root(), "F", "1", "Body", "4", name))
		if err != nil || strings.Contains(string(b), `"data"`) {
			t.Errorf("%s embeds data: %s, %v", name, b, err)
		}
	}
}
