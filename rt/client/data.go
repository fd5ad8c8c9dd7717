package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Data decodes the artifact name into v without the flow's generated code,
// from its stored serialization: a raw artifact ([]byte or string field)
// into a *[]byte, *string or *any; a JSON artifact with encoding/json into
// whatever v is (a *T of the field's type, a *map[string]any, a *any, ...).
func (t *Task) Data(ctx context.Context, name string, v any) error {
	a, err := t.artifact(ctx, name)
	if err != nil {
		return err
	}
	b, err := t.readBlob(a)
	if err != nil {
		return fmt.Errorf("artifact %q of task %s: %w", name, t.Path(), err)
	}
	switch a.Encoding {
	case rt.EncodingRaw:
		switch p := v.(type) {
		case *[]byte:
			*p = b
		case *string:
			*p = string(b)
		case *any:
			if a.Type == "string" {
				*p = string(b)
			} else {
				*p = b
			}
		default:
			return fmt.Errorf("artifact %q of task %s is stored raw (type %s); pass a *[]byte or *string, not %T", name, t.Path(), a.Type, v)
		}
		return nil
	case rt.EncodingJSON:
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("decoding artifact %q (type %s) of task %s into %T: %v; pass a pointer to a matching type, or a *any", name, a.Type, t.Path(), v, err)
		}
		return nil
	default:
		return fmt.Errorf("artifact %q of task %s has encoding %q, which this client does not know; upgrade flowc", name, t.Path(), a.Encoding)
	}
}

// ReadArtifact implements rt.ArtifactSource, so generated Load<Flow>(ctx,
// task) functions accept a *Task. The blob's hash is checked even when
// decode stops before its end.
func (t *Task) ReadArtifact(ctx context.Context, name string, decode func(r *codec.Reader, size int64) error) (bool, error) {
	a, err := t.artifact(ctx, name)
	if errors.Is(err, ErrNotFound) && t.err == nil {
		if _, derr := t.taskData(ctx); derr == nil {
			return false, nil // the task exists but has no such artifact
		}
	}
	if err != nil {
		return false, err
	}
	rc, err := t.c.st.OpenArtifact(t.path.Flow, a)
	if err != nil {
		return false, fmt.Errorf("artifact %q of task %s: %w", name, t.Path(), err)
	}
	defer rc.Close()
	trap := &errTrap{r: rc}
	derr := decode(codec.NewReader(trap), a.Size)
	// Drain what decode left so the store's reader reaches EOF and verifies
	// the hash; a corrupt blob explains a decode error better than the error.
	if _, err := io.Copy(io.Discard, trap); err != nil && trap.err == nil {
		trap.err = err
	}
	if trap.err != nil {
		return true, fmt.Errorf("artifact %q of task %s: %w", name, t.Path(), trap.err)
	}
	if derr != nil {
		return true, fmt.Errorf("decoding artifact %q of task %s: %w", name, t.Path(), derr)
	}
	return true, nil
}

func (t *Task) artifact(ctx context.Context, name string) (store.Artifact, error) {
	d, err := t.taskData(ctx)
	if err != nil {
		return store.Artifact{}, err
	}
	a, ok := d.Artifacts[name]
	if !ok {
		names, _ := t.Artifacts(ctx)
		return store.Artifact{}, notFound("task %s has no artifact %q; it has: %s", t.Path(), name, strings.Join(names, ", "))
	}
	return a, nil
}

// readBlob reads a whole blob to EOF, which is where the store verifies it.
func (t *Task) readBlob(a store.Artifact) ([]byte, error) {
	rc, err := t.c.st.OpenArtifact(t.path.Flow, a)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := make([]byte, 0, max(a.Size, 0)+1) // +1: the read that sees EOF needs room
	for {
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the recorded size was wrong: grow
		}
	}
}

// errTrap remembers the first non-EOF error of r, so an error seen through
// a buffered reader is not lost when a later read only reports EOF.
type errTrap struct {
	r   io.Reader
	err error
}

func (e *errTrap) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// ArtifactInfos describes the task's artifacts, sorted by name.
func (t *Task) ArtifactInfos(ctx context.Context) ([]ArtifactInfo, error) {
	d, err := t.taskData(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ArtifactInfo, 0, len(d.Artifacts))
	for n, a := range d.Artifacts {
		out = append(out, ArtifactInfo{Name: n, Type: a.Type, Size: a.Size, Encoding: a.Encoding, Hash: a.Hash})
	}
	slices.SortFunc(out, func(a, b ArtifactInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
