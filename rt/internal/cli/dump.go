package cli

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

type dumpCmd struct {
	Target   string   `arg:"" placeholder:"RUN[/STEP[/TASK]]" help:"What to dump; a run alone means its End task."`
	Artifact []string `placeholder:"NAME" help:"Only these artifacts (repeatable)."`
	JSON     bool     `name:"json" help:"Print the values as JSON: one artifact as its value, several as an object name -> value; several tasks as an array."`
}

// taskDump is one task's artifacts, read and verified in full before
// anything is printed, so a corrupt blob never leaves half an output.
type taskDump struct {
	task  *client.Task
	names []string
	arts  []store.Artifact
	vals  [][]byte
	// retyped maps an artifact recorded with a type other than the flow's
	// field of that name has now to the field's type: it is shown as
	// recorded, and said so.
	retyped map[string]string
}

// Run reads through rt/client, as every reader of runs does; the flow's
// definition only orders the artifacts and checks their records.
func (c *dumpCmd) Run(e *Env) error {
	t, err := parseTarget(c.Target, false)
	if err != nil {
		return err
	}
	r, err := e.clientRun(t.run)
	if err != nil {
		return err
	}
	if t.step == "" {
		t.step = "End"
		if tasks, err := r.Step("End").Tasks(e.Ctx); errors.Is(err, client.ErrNotFound) || err == nil && len(tasks) == 0 {
			return fmt.Errorf("run %s has no End task (it %s); name a step: %s dump %s/STEP", t.run, r.Status(), e.Name, t.run)
		}
	}
	tasks, err := e.clientTasks(r, t)
	if err != nil {
		return err
	}
	var dumps []*taskDump
	var skipped []error
	for _, task := range tasks {
		d, err := c.read(e, task)
		var nd *notDone
		if errors.As(err, &nd) && t.task == "" {
			// A killed or failed run still has its finished tasks to
			// show; the others are named on stderr.
			skipped = append(skipped, err)
			continue
		}
		if err != nil {
			return err
		}
		dumps = append(dumps, d)
	}
	if len(dumps) == 0 {
		return skipped[0]
	}
	if len(skipped) > 0 {
		fmt.Fprintf(e.Stderr, "%s: note: %s\n", e.Name, clipLine(skippedNote(t, skipped, len(tasks))))
	}
	for _, d := range dumps {
		for i, n := range d.names {
			if now, ok := d.retyped[n]; ok {
				fmt.Fprintf(e.Stderr, "%s: note: task %s/%s/%s: artifact %q is recorded as type %s, but the flow's field %s is %s now; it is shown as recorded, and a step that reads it fails: rerun, or resume from a step that sets it\n",
					e.Name, d.task.RunID(), d.task.Step(), d.task.ID(), n, d.arts[i].Type, n, now)
			}
		}
	}
	w := bufio.NewWriter(e.Stdout)
	defer w.Flush()
	many := len(tasks) > 1 // the output's shape does not depend on what finished
	if c.JSON {
		return c.writeJSON(w, dumps, many)
	}
	for _, d := range dumps {
		c.writeText(w, d, many)
	}
	return nil
}

// notDone is a task that has no successful commit to dump: still running,
// killed, or failed.
type notDone struct{ msg string }

func (e *notDone) Error() string { return e.msg }

func skippedNote(t target, skipped []error, total int) string {
	const show = 3
	var parts []string
	for i, err := range skipped {
		if i == show {
			parts = append(parts, fmt.Sprintf("and %d more", len(skipped)-show))
			break
		}
		parts = append(parts, err.Error())
	}
	return fmt.Sprintf("%d of the %d tasks of %s/%s are not shown: %s", len(skipped), total, t.run, t.step, strings.Join(parts, "; "))
}

func (c *dumpCmd) read(e *Env, task *client.Task) (*taskDump, error) {
	tp := task.RunID() + "/" + task.Step() + "/" + task.ID()
	if why := task.KillCause(); why != "" {
		// Before Finished: a task killed in a retry has a failed commit.
		return nil, &notDone{fmt.Sprintf("task %s was killed (%s)", tp, why)}
	}
	if !task.Finished() {
		return nil, &notDone{fmt.Sprintf("task %s has not finished", tp)}
	}
	if !task.Successful() {
		msg, _, _ := strings.Cut(task.Failure().Message, "\n")
		return nil, &notDone{fmt.Sprintf("task %s failed (attempt %d): %s", tp, task.Attempt(), msg)}
	}
	have, err := task.Artifacts(e.Ctx)
	if err != nil {
		return nil, err
	}
	d := &taskDump{task: task}
	if len(c.Artifact) > 0 {
		for _, n := range c.Artifact {
			if !slices.Contains(have, n) {
				return nil, fmt.Errorf("task %s has no artifact %q; it has %s", tp, n, strings.Join(sortedNames(e.Def, have), ", "))
			}
		}
		d.names = slices.Clone(c.Artifact)
	} else {
		d.names = sortedNames(e.Def, have)
	}
	for _, n := range d.names {
		info, err := task.ArtifactInfo(e.Ctx, n)
		if err != nil {
			return nil, err
		}
		a := store.Artifact{Hash: info.Hash, Type: info.Type, Size: info.Size, Encoding: info.Encoding}
		if err := artifact.CheckEncoding(e.Def, n, a); err != nil {
			return nil, fmt.Errorf("task %s: %w", tp, err)
		}
		v, err := task.RawArtifact(e.Ctx, n)
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", tp, err)
		}
		if fd := e.Def.Field(n); fd != nil && fd.Type != a.Type {
			// The field's type changed since the run, or the record is
			// damaged: a task would refuse to load the value (see
			// artifact.IO.Decode), so dump says so rather than show it as
			// the field's silently.
			if d.retyped == nil {
				d.retyped = map[string]string{}
			}
			d.retyped[n] = fd.Type
		}
		d.arts = append(d.arts, a)
		d.vals = append(d.vals, v)
	}
	return d, nil
}

// sortedNames lists a task's artifacts in the flow's field order, unknown
// ones (from an older version of the flow) after them by name.
func sortedNames(def *rt.FlowDef, have []string) []string {
	var names []string
	for _, fd := range def.Fields {
		if slices.Contains(have, fd.Name) {
			names = append(names, fd.Name)
		}
	}
	var extra []string
	for _, n := range have {
		if !slices.Contains(names, n) {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	return append(names, extra...)
}

// jsonValue converts a stored value to JSON: json values are JSON already;
// a raw string becomes a JSON string, raw bytes a base64 JSON string.
func jsonValue(a store.Artifact, v []byte) []byte {
	if a.Encoding == rt.EncodingJSON {
		return v
	}
	var s string
	if a.Type == "string" {
		s = string(v)
	} else {
		s = base64.StdEncoding.EncodeToString(v)
	}
	b, _ := json.Marshal(s)
	return b
}

func (c *dumpCmd) writeJSON(w io.Writer, dumps []*taskDump, many bool) error {
	one := func(d *taskDump) []byte {
		if len(c.Artifact) == 1 {
			return jsonValue(d.arts[0], d.vals[0])
		}
		var b bytes.Buffer
		b.WriteByte('{')
		for i, n := range d.names {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(n)
			b.Write(k)
			b.WriteByte(':')
			b.Write(jsonValue(d.arts[i], d.vals[i]))
		}
		b.WriteByte('}')
		return b.Bytes()
	}
	if !many {
		w.Write(one(dumps[0]))
	} else {
		w.Write([]byte{'['})
		for i, d := range dumps {
			if i > 0 {
				w.Write([]byte{','})
			}
			w.Write(one(d))
		}
		w.Write([]byte{']'})
	}
	_, err := w.Write([]byte{'\n'})
	return err
}

// previewLen bounds a value in the text listing; --artifact shows it whole.
const previewLen = 120

func (c *dumpCmd) writeText(w io.Writer, d *taskDump, header bool) {
	if header || len(c.Artifact) != 1 {
		fmt.Fprintf(w, "%s/%s/%s\n", d.task.RunID(), d.task.Step(), d.task.ID())
	}
	for i, n := range d.names {
		a, v := d.arts[i], d.vals[i]
		if len(c.Artifact) == 1 && !header {
			w.Write(v) // whole and as is, so it can be redirected to a file
			if a.Encoding == rt.EncodingJSON || a.Type == "string" && utf8.Valid(v) && !bytes.HasSuffix(v, []byte{'\n'}) {
				w.Write([]byte{'\n'})
			}
			continue
		}
		var shown string
		switch {
		case a.Encoding == rt.EncodingJSON:
			shown = string(v)
		case a.Type == "string" && utf8.Valid(v):
			b, _ := json.Marshal(string(v))
			shown = string(b)
		default:
			shown = fmt.Sprintf("<%d bytes>", len(v))
		}
		if len(shown) > previewLen && len(c.Artifact) == 0 {
			shown = shown[:previewLen] + "..."
		}
		typ := a.Type
		if now, ok := d.retyped[n]; ok {
			typ += " as recorded; the field is " + now
		}
		fmt.Fprintf(w, "  %s (%s) = %s\n", n, typ, shown)
	}
}
