package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/runstate"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// What a task started by a cloud engine does besides its step (DESIGN
// §8.1, the names in rt/taskspec/cloud.go): with no scheduler process,
// the Start task records the run, a foreach join finds its parents from
// the cardinality in the datastore, a foreach or switch task tells the
// engine what to branch on, and End marks the run succeeded. A local run
// sets none of the environment entries, so none of this runs for it.

// cloudPrepare runs before the task: it records the run (Start) and
// expands AllSplits input paths.
func cloudPrepare(e *Env, st *store.Store, md metadata.Provider, sp *taskspec.Step) error {
	flow := e.Def.Graph.Flow
	engine := os.Getenv(taskspec.EnvEngineRun)
	if params, ok := os.LookupEnv(taskspec.EnvRunParameters); ok && sp.Step == "Start" {
		r, err := md.GetRun(e.Ctx, flow, sp.RunID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if err := cloudCreateRun(e, st, md, sp.RunID, engine, params); err != nil {
				return err
			}
		case err != nil:
			return err
		case engine != "" && r.EngineRun != "" && r.EngineRun != engine:
			return fmt.Errorf("run %q of flow %s belongs to execution %s, not %s; a run id is used by one execution", sp.RunID, flow, r.EngineRun, engine)
		}
	}
	if engine != "" {
		if l, ok := md.(*metadata.Local); ok {
			every, err := taskspec.HeartbeatEvery()
			if err != nil {
				return err
			}
			l.CloudTask(every) // liveness by heartbeat (DESIGN §8.1)
		}
		if err := cloudAttempt(e, st, sp); err != nil {
			return err
		}
	}
	if strings.Contains(sp.InputPaths, taskspec.AllSplits) {
		expanded, err := expandSplits(e.Def.Graph, st, sp)
		if err != nil {
			return err
		}
		sp.InputPaths = expanded
	}
	return nil
}

// cloudAttempt takes the attempt number from the datastore (§8.1): the
// next after the last failed one, whatever the engine passed, so that an
// engine's own retry (a Batch array child's RetryStrategy, which cannot
// pass a number) or a duplicate delivery agrees with it. An engine that
// retried at once is made up for: the task waits what is left of the
// step's minutes_between.
func cloudAttempt(e *Env, st *store.Store, sp *taskspec.Step) error {
	d, err := st.LatestDone(store.TaskPath{Flow: e.Def.Graph.Flow, Run: sp.RunID, Step: sp.Step, Task: sp.TaskID})
	if errors.Is(err, store.ErrNotFound) || err == nil && (d.OK || sp.RetryCount > d.Attempt) {
		return nil
	}
	if err != nil {
		return err
	}
	sp.RetryCount = d.Attempt + 1
	if step := e.Def.Graph.Step(sp.Step); step != nil && step.Retry != nil && step.Retry.MinutesBetween > 0 {
		if wait := time.Duration(step.Retry.MinutesBetween)*time.Minute - time.Since(d.Finished); wait > 0 {
			select {
			case <-time.After(wait):
			case <-e.Ctx.Done():
				return e.Ctx.Err()
			}
		}
	}
	return nil
}

// cloudCreateRun records run id with the parameters the engine passed, as
// one JSON object of flag name -> value, checked by the same parser as
// `run`.
func cloudCreateRun(e *Env, st *store.Store, md metadata.Provider, id, engine, paramsJSON string) error {
	args, err := paramArgs(paramsJSON)
	if err != nil {
		return err
	}
	c := &runCmd{MaxIncludefileSize: 1 << 30}
	if e.Def.Params != nil {
		c.Plugins = kong.Plugins{e.Def.Params()}
	}
	parser, err := kong.New(c, kong.Name(e.Name), kong.Exit(func(int) {}), kong.NamedMapper("flowcjson", jsonMapper{}), kong.Bind(e))
	if err != nil {
		return err
	}
	if _, err := parser.Parse(args); err != nil {
		return fmt.Errorf("run parameters: %v", err)
	}
	ps, err := c.readParamsWith(e, cloudInclude(e.Def, st))
	if err != nil {
		return err
	}
	var tags []string
	if v, ok := os.LookupEnv(taskspec.EnvRunTags); ok {
		if err := json.Unmarshal([]byte(v), &tags); err != nil {
			return fmt.Errorf("%s is not a JSON array of tags: %v; redeploy the flow", taskspec.EnvRunTags, err)
		}
		for _, t := range tags {
			if err := validTag(taskspec.EnvRunTags, t); err != nil {
				return err
			}
		}
	}
	r, err := e.newRun(tags)
	if err != nil {
		return err
	}
	r.ID, r.Params, r.EngineRun, r.PID, r.PIDStart = id, ps.display, engine, 0, ""
	r.Flow = e.Def.Graph.Flow
	// The parameters first: once the run is recorded, a reader expects
	// its _parameters task.
	if err := ps.write(st, id, taskspec.ParamsStep); err != nil {
		return err
	}
	return md.RegisterRun(e.Ctx, r)
}

// paramArgs is the command line of the run's parameters (trigger's
// triggerParams): flag name -> its value, or an array of the values of a
// flag given more than once.
func paramArgs(paramsJSON string) ([]string, error) {
	var vals map[string]json.RawMessage
	if err := json.Unmarshal([]byte(paramsJSON), &vals); err != nil {
		return nil, fmt.Errorf("%s is not a JSON object of parameter values: %v; trigger passes --<param> VALUE", taskspec.EnvRunParameters, err)
	}
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	sort.Strings(names)
	var args []string
	for _, k := range names {
		var one string
		var many []string
		if json.Unmarshal(vals[k], &one) == nil {
			many = []string{one}
		} else if err := json.Unmarshal(vals[k], &many); err != nil {
			return nil, fmt.Errorf("%s: parameter %q is %s, not a string or an array of strings; trigger passes --<param> VALUE", taskspec.EnvRunParameters, k, vals[k])
		}
		for _, v := range many {
			args = append(args, "--"+k+"="+v)
		}
	}
	return args, nil
}

// cloudInclude reads the includefiles of a cloud run: one given to
// trigger is a taskspec.IncludeRef to the blob trigger uploaded, read back
// verified by its hash; one not given is the default, as for `run` (the
// copy embedded at generate time, in an image without the file).
func cloudInclude(def *rt.FlowDef, st *store.Store) func(field, path string) ([]byte, error) {
	local := readInclude(def, 1<<30)
	return func(field, path string) ([]byte, error) {
		if path == "" {
			return local(field, path)
		}
		fd, err := includeField(def, field)
		if err != nil {
			return nil, err
		}
		hash, ok := strings.CutPrefix(path, taskspec.IncludeRef)
		if !ok {
			return nil, fmt.Errorf("includefile --%s is %q in %s, not a file trigger uploaded; give the file to trigger --%s PATH, which uploads it", fd.ParamName, path, taskspec.EnvRunParameters, fd.ParamName)
		}
		rc, err := st.OpenBlob(def.Graph.Flow, hash)
		if err != nil {
			return nil, fmt.Errorf("includefile --%s (blob %s): %w; trigger the run again", fd.ParamName, hash, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			return nil, fmt.Errorf("includefile --%s (blob %s): %w; trigger the run again", fd.ParamName, hash, err)
		}
		return b, nil
	}
}

// expandSplits replaces each "run/Step/Prefix*" input path with the tasks
// it stands for, Prefix0 ... Prefix<n-1>, where n is the number of splits
// the foreach that this join closes recorded.
func expandSplits(g *rt.Graph, st *store.Store, sp *taskspec.Step) (string, error) {
	f := g.SplitOf(sp.Step)
	if f == nil || f.Kind != rt.KindForeach {
		return "", fmt.Errorf("input paths %q: %q stands for a foreach's tasks, but step %q closes no foreach", sp.InputPaths, taskspec.AllSplits, sp.Step)
	}
	var out []string
	for _, tok := range strings.Split(sp.InputPaths, ",") {
		parts := strings.Split(tok, "/")
		if len(parts) != 3 {
			out = append(out, tok)
			continue
		}
		prefix, ok := taskspec.SplitsPrefix(parts[2])
		if !ok {
			out = append(out, tok)
			continue
		}
		// "Body-3.": the foreach's own task is at index path 3, one
		// level up: Fe-3; "Body-" is the outermost: Fe.
		idx, err := indexPath(prefix)
		if err != nil {
			return "", fmt.Errorf("input path %q: %v", tok, err)
		}
		fTask := taskspec.CloudTaskID(f.Name, idx, 0)
		d, err := st.LatestDone(store.TaskPath{Flow: g.Flow, Run: parts[0], Step: f.Name, Task: fTask})
		if err != nil {
			return "", fmt.Errorf("input path %q: reading foreach task %s/%s/%s: %v", tok, parts[0], f.Name, fTask, err)
		}
		if !d.OK {
			return "", fmt.Errorf("input path %q: foreach task %s/%s/%s failed", tok, parts[0], f.Name, fTask)
		}
		ids, err := taskspec.ExpandSplits(prefix, d.NumSplits)
		if err != nil {
			return "", err
		}
		group := parts[0] + "/" + parts[1] + "/"
		if len(ids) > 1 {
			group += ":"
		}
		out = append(out, group+strings.Join(ids, ","))
	}
	return strings.Join(out, ","), nil
}

// indexPath is the foreach index path of an AllSplits prefix without its
// last level: "Body-3.17." is [3 17], "Body-" is none.
func indexPath(prefix string) ([]int, error) {
	_, rest, _ := strings.Cut(prefix, "-")
	rest = strings.TrimSuffix(rest, ".")
	if rest == "" {
		return nil, nil
	}
	var idx []int
	for _, p := range strings.Split(rest, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a foreach index", p)
		}
		idx = append(idx, n)
	}
	return idx, nil
}

// cloudFinish runs after a task succeeded (or found it had already): it
// checks a foreach's width, writes what the engine branches on, and End
// marks the run.
func cloudFinish(e *Env, st *store.Store, md metadata.Provider, sp taskspec.Step) error {
	dir := os.Getenv(taskspec.EnvOutputs)
	ends := os.Getenv(taskspec.EnvEndsRun) == "1"
	maxSplits, hasMax := os.LookupEnv(taskspec.EnvMaxNumSplits)
	chunk, hasItems := os.LookupEnv(taskspec.EnvForeachItems)
	if dir == "" && !ends && !hasMax && !hasItems {
		return nil
	}
	g := e.Def.Graph
	path := store.TaskPath{Flow: g.Flow, Run: sp.RunID, Step: sp.Step, Task: sp.TaskID}
	step := g.Step(sp.Step)
	if dir != "" || (hasMax || hasItems) && step.Kind == rt.KindForeach {
		d, err := st.LatestDone(path)
		if err != nil {
			return err
		}
		if max, err := strconv.Atoi(maxSplits); err == nil && step.Kind == rt.KindForeach && d.NumSplits > max {
			return fmt.Errorf("foreach %s has %d splits, more than --max-num-splits %d; redeploy with a larger --max-num-splits", sp.Step, d.NumSplits, max)
		}
		if hasItems && step.Kind == rt.KindForeach {
			// Written after the commit, before the job ends: the engine
			// reads it once the task's job has succeeded.
			k, err := strconv.Atoi(chunk)
			if err != nil {
				return fmt.Errorf("%s is %q, not a chunk size; redeploy the flow", taskspec.EnvForeachItems, chunk)
			}
			items, err := taskspec.ForeachItems(d.NumSplits, k)
			if err != nil {
				return fmt.Errorf("%s=%s: %v; redeploy the flow", taskspec.EnvForeachItems, chunk, err)
			}
			if err := st.PutTaskFile(path, taskspec.ItemsFile, items); err != nil {
				return err
			}
		}
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			switch step.Kind {
			case rt.KindForeach:
				if err := os.WriteFile(filepath.Join(dir, taskspec.OutputNumSplits), []byte(strconv.Itoa(d.NumSplits)), 0o644); err != nil {
					return err
				}
			case rt.KindSwitch:
				if err := os.WriteFile(filepath.Join(dir, taskspec.OutputSwitchCase), []byte(d.SwitchCase), 0o644); err != nil {
					return err
				}
			}
		}
	}
	if ends {
		r, err := md.GetRun(e.Ctx, g.Flow, sp.RunID)
		if err != nil {
			return err
		}
		if r.Status == string(runstate.Running) {
			return md.Finish(e.Ctx, g.Flow, sp.RunID, string(runstate.Succeeded), time.Now())
		}
	}
	return nil
}

// finishCloudRun records the outcome of a cloud run that did not end by
// End succeeding: the engine's failure path runs it (an Argo exit
// handler, a Step Functions Catch). A run End already marked, or one that
// was never recorded (Start refused its parameters), is left as it is.
// status is the engine's: "Succeeded" marks the run succeeded, anything
// else failed.
func finishCloudRun(e *Env, runID, status string) error {
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	md, err := e.Metadata(st)
	if err != nil {
		return err
	}
	flow := e.Def.Graph.Flow
	r, err := md.GetRun(e.Ctx, flow, runID)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(e.Stdout, "run %s was never recorded; nothing to mark\n", runID)
		return nil
	} else if err != nil {
		return err
	}
	if r.Status != string(runstate.Running) {
		return nil
	}
	st2 := runstate.Failed
	if status == "Succeeded" {
		st2 = runstate.Succeeded
	}
	return md.Finish(e.Ctx, flow, runID, string(st2), time.Now())
}
