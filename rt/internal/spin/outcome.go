package spin

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Change is an artifact the spun step changed: one it set to a value other
// than its input's (for a join, which starts from the zero value, every
// artifact it set or merged).
type Change struct {
	Name string
	Art  store.Artifact
	// Was is the past task's value, nil when it had none (or did not
	// succeed): comparing the two tells whether a fix changed the output.
	Was *store.Artifact
}

// Same reports whether the spun step produced the past task's value.
func (c Change) Same() bool { return c.Was != nil && c.Was.Hash == c.Art.Hash }

// Outcome is how a spin ended.
type Outcome struct {
	Task    store.TaskPath
	Done    *store.Done
	Changed []Change // in the flow's field order
}

// Finish records the scratch run's end and, when the step succeeded, what
// it changed. done is the spun attempt's commit marker (nil if it never
// committed; runErr then says why).
func (p *Plan) Finish(done *store.Done, runErr error) (*Outcome, error) {
	ok := runErr == nil && done != nil && done.OK
	if err := p.st.UpdateRun(p.Origin.Flow, p.Run, func(r *store.Run) error {
		r.Status, r.Finished = "failed", time.Now()
		if ok {
			r.Status = "succeeded"
		}
		return nil
	}); err != nil && runErr == nil {
		runErr = err
	}
	out := &Outcome{Task: p.Task(), Done: done}
	if runErr != nil || !ok {
		return out, runErr
	}
	data, err := p.st.ReadTaskData(out.Task, done.Attempt)
	if err != nil {
		return out, err
	}
	var base *store.TaskData // the input the step started from; none for a join
	if !p.Step.Join {
		in := p.inputs[0]
		ip := store.TaskPath{Flow: p.Origin.Flow, Run: in.Run, Step: in.Step, Task: in.Task}
		if d, err := p.st.LatestDone(ip); err == nil {
			base, _ = p.st.ReadTaskData(ip, d.Attempt)
		}
	}
	var past *store.TaskData
	if d, err := p.st.LatestDone(p.Origin); err == nil && d.OK {
		past, _ = p.st.ReadTaskData(p.Origin, d.Attempt)
	}
	for _, name := range fieldOrder(p.def, data) {
		a := data.Artifacts[name]
		if base != nil {
			if b, ok := base.Artifacts[name]; ok && b.Hash == a.Hash {
				continue
			}
		} else if fd := p.def.Field(name); fd != nil && fd.Kind != rt.FieldArtifact {
			continue // a join passes parameters on; it does not set them
		}
		c := Change{Name: name, Art: a}
		if past != nil {
			if w, ok := past.Artifacts[name]; ok {
				c.Was = &w
			}
		}
		out.Changed = append(out.Changed, c)
	}
	return out, nil
}

// fieldOrder lists a task's artifacts in the flow's field order, unknown
// ones after them.
func fieldOrder(def *rt.FlowDef, data *store.TaskData) []string {
	var names []string
	for _, fd := range def.Fields {
		if _, ok := data.Artifacts[fd.Name]; ok {
			names = append(names, fd.Name)
		}
	}
	for n := range data.Artifacts {
		if def.Field(n) == nil {
			names = append(names, n)
		}
	}
	return names
}

// Preview is a short, one-line rendering of a stored value for the
// summary: JSON as stored, a string quoted, bytes by their length.
func (p *Plan) Preview(a store.Artifact, name string) string {
	v, err := artifact.New(p.st, p.def).Read(name, a)
	if err != nil {
		return fmt.Sprintf("<unreadable: %v>", err)
	}
	var s string
	switch {
	case a.Encoding == rt.EncodingJSON:
		s = string(v)
	case a.Type == "string" && utf8.Valid(v):
		b, _ := json.Marshal(string(v))
		s = string(b)
	default:
		return fmt.Sprintf("<%d bytes>", len(v))
	}
	s = strings.ReplaceAll(s, "\n", `\n`)
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return s
}
