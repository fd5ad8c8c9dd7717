package cli

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// runParams are the parameter and includefile values of a run, applied to
// a flow value and ready to be stored as the _parameters pseudo-task.
type runParams struct {
	def     *rt.FlowDef
	f       any
	display map[string]string
}

// readParams applies the parsed parameters, reading includefiles now, at
// run start, so the run sees one snapshot of them.
func (c *runCmd) readParams(e *Env, st *store.Store) (*runParams, error) {
	def := e.Def
	p := &runParams{def: def, f: def.New(), display: map[string]string{}}
	if def.ApplyParams != nil {
		var params any
		if len(c.Plugins) > 0 {
			params = c.Plugins[0]
		}
		if err := def.ApplyParams(params, p.f, readInclude(def)); err != nil {
			return nil, err
		}
	}
	for i := range def.Fields {
		fd := &def.Fields[i]
		if fd.Kind != rt.FieldParam {
			continue
		}
		var buf bytes.Buffer
		w := codec.NewWriter(&buf)
		if err := fd.Encode(p.f, w); err != nil {
			return nil, fmt.Errorf("parameter --%s: %w", fd.ParamName, err)
		}
		w.Flush()
		v := buf.String()
		if len(v) > 200 {
			v = v[:200] + "..."
		}
		p.display[fd.ParamName] = v
	}
	return p, nil
}

// readInclude reads an includefile for ApplyParams: path "" means the
// default, read from the working directory, or else the copy embedded at
// generate time.
func readInclude(def *rt.FlowDef) func(field, path string) ([]byte, error) {
	return func(field, path string) ([]byte, error) {
		var fd *rt.FieldDef
		for i := range def.Fields {
			if def.Fields[i].Name == field || def.Fields[i].ParamName == field {
				fd = &def.Fields[i]
			}
		}
		if fd == nil {
			return nil, fmt.Errorf("flow %s has no includefile %q", def.Graph.Flow, field)
		}
		if path == "" {
			if !fd.HasDefault || fd.Default == "" {
				return nil, fmt.Errorf("includefile --%s: no file given and no default; give --%s PATH", fd.ParamName, fd.ParamName)
			}
			// As in Metaflow the default is read when the run starts, from
			// the working directory; the copy embedded at generate time
			// only stands in where that file is absent, so a binary run
			// elsewhere (or in the cloud) still has its default.
			if _, err := os.Stat(fd.Default); err != nil && fd.DefaultFile != nil {
				return fd.DefaultFile, nil
			}
			path = fd.Default
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("includefile --%s: %v", fd.ParamName, err)
		}
		return b, nil
	}
}

// write stores the parameter artifacts as <run>/_parameters/0, Start's
// input.
func (p *runParams) write(st *store.Store, run string) error {
	io := artifact.New(st, p.def)
	path := store.TaskPath{Flow: p.def.Graph.Flow, Run: run, Step: sched.ParamsStep, Task: "0"}
	now := time.Now()
	if err := st.StartAttempt(path, &store.Attempt{PID: os.Getpid(), Started: now}); err != nil {
		return err
	}
	data := &store.TaskData{Artifacts: map[string]store.Artifact{}}
	for i := range p.def.Fields {
		fd := &p.def.Fields[i]
		if fd.Kind == rt.FieldArtifact {
			continue
		}
		a, err := io.Put(p.f, fd)
		if err != nil {
			return err
		}
		data.Artifacts[fd.Name] = a
	}
	if err := st.WriteTaskData(path, 0, data); err != nil {
		return err
	}
	return st.FinishAttempt(path, &store.Done{OK: true, Started: now, Finished: time.Now()})
}
