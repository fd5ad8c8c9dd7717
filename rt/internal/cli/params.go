package cli

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

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
	return c.readParamsWith(e, readInclude(e.Def, int64(c.MaxIncludefileSize)))
}

// readParamsWith is readParams with the includefiles read by read (a cloud
// Start task reads them from the datastore, cloudInclude).
func (c *runCmd) readParamsWith(e *Env, read func(field, path string) ([]byte, error)) (*runParams, error) {
	def := e.Def
	p := &runParams{def: def, f: def.New(), display: map[string]string{}}
	if def.ApplyParams != nil {
		var params any
		if len(c.Plugins) > 0 {
			params = c.Plugins[0]
		}
		if err := def.ApplyParams(params, p.f, read); err != nil {
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

// BeforeResolve runs before kong reads the environment. Parameters used to
// read FLOWC_<NAME>, now FLOWC_PARAM_<NAME> (so they cannot shadow runtime
// settings); for one release, the old spelling is an error naming the new
// one rather than silently ignored.
func (c *runCmd) BeforeResolve(e *Env) error {
	for i := range e.Def.Fields {
		fd := &e.Def.Fields[i]
		if fd.Kind == rt.FieldArtifact {
			continue
		}
		if old := rt.LegacyParamEnv(fd.ParamName); os.Getenv(old) != "" {
			return fmt.Errorf("environment variable %s no longer sets parameter --%s; rename it to %s", old, fd.ParamName, rt.ParamEnv(fd.ParamName))
		}
	}
	return nil
}

// readInclude reads an includefile for ApplyParams: path "" means the
// default, read from the working directory, or else the copy embedded at
// generate time.
func readInclude(def *rt.FlowDef, limit int64) func(field, path string) ([]byte, error) {
	return func(field, path string) ([]byte, error) {
		fd, err := includeField(def, field)
		if err != nil {
			return nil, err
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
		return readIncludeFile("--"+fd.ParamName, path, limit)
	}
}

// includeField is the includefile named field (its Go or flag name).
func includeField(def *rt.FlowDef, field string) (*rt.FieldDef, error) {
	for i := range def.Fields {
		if fd := &def.Fields[i]; fd.Kind == rt.FieldIncludeFile && (fd.Name == field || fd.ParamName == field) {
			return fd, nil
		}
	}
	return nil, fmt.Errorf("flow %s has no includefile %q", def.Graph.Flow, field)
}

// readIncludeFile reads a regular file of at most limit bytes. Anything
// else is refused before a byte is read: /dev/zero would exhaust memory
// and a FIFO would block the run's start forever.
func readIncludeFile(flag, path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("includefile %s: %v", flag, err)
	}
	if err := includable(flag, path, fi, limit); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should a FIFO replace the file after the Stat, opening
	// it must not wait for a writer; the check on the open file decides.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("includefile %s: %v", flag, err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("includefile %s: %v", flag, err)
	}
	if err := includable(flag, path, fi, limit); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("includefile %s: %v", flag, err)
	}
	if int64(len(b)) > limit { // it grew while being read
		return nil, tooBig(flag, path, int64(len(b)), limit)
	}
	return b, nil
}

func includable(flag, path string, fi os.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("includefile %s %s is %s, not a regular file; give a file", flag, quote(path), fileKind(fi.Mode()))
	}
	if fi.Size() > limit {
		return tooBig(flag, path, fi.Size(), limit)
	}
	return nil
}

func tooBig(flag, path string, size, limit int64) error {
	return fmt.Errorf("includefile %s %s is larger than %s (%d bytes); give a smaller file or raise --max-includefile-size", flag, quote(path), byteSize(limit), size)
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// byteSize is a size option: plain bytes, or a number with a binary (KiB,
// MiB, GiB) or decimal (KB, MB, GB) unit.
type byteSize int64

var sizeUnits = []struct {
	suffix string
	n      int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
}

// Decode implements kong.MapperValue.
func (b *byteSize) Decode(ctx *kong.DecodeContext) error {
	var s string
	if err := ctx.Scan.PopValueInto("size", &s); err != nil {
		return err
	}
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func parseSize(s string) (int64, error) {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if v, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(v), u.n
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%s is not a size; give bytes or a number with KiB, MiB, GiB, KB, MB or GB, e.g. 512MiB", quote(s))
	}
	return n * mult, nil
}

// String is the size in the largest binary unit that divides it.
func (b byteSize) String() string {
	n := int64(b)
	for i := 3; i >= 0; i-- {
		if u := sizeUnits[i]; n >= u.n && n%u.n == 0 {
			return fmt.Sprintf("%d %s", n/u.n, u.suffix)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// write stores the parameter artifacts as <run>/_parameters/0, Start's
// input.
func (p *runParams) write(st *store.Store, run, task string) error {
	io := artifact.New(st, p.def)
	path := store.TaskPath{Flow: p.def.Graph.Flow, Run: run, Step: sched.ParamsStep, Task: task}
	now := time.Now()
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
