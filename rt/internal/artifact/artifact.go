// Package artifact moves flow fields between a task's *F and the datastore
// through the generated per-field codecs: decode one field from its blob,
// hash and store one field, all without reflection.
package artifact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// IO reads and writes the fields of one flow.
type IO struct {
	St   *store.Store
	Def  *rt.FlowDef
	Flow string
}

// New returns an IO for def's flow.
func New(st *store.Store, def *rt.FlowDef) *IO {
	return &IO{St: st, Def: def, Flow: def.Graph.Flow}
}

// Field returns the index of the field named name in Def.Fields, or -1.
func (a *IO) Field(name string) int {
	for i := range a.Def.Fields {
		if a.Def.Fields[i].Name == name {
			return i
		}
	}
	return -1
}

// Decode reads art into the field fd of f. The record must match the
// field (type and encoding) and the blob (size); the whole blob is
// consumed so that the store's hash check at EOF runs: a damaged blob
// never decodes as good.
func (a *IO) Decode(f any, fd *rt.FieldDef, art store.Artifact) error {
	if art.Type != fd.Type || art.Encoding != fd.Encoding {
		return fmt.Errorf("artifact %q (blob %s) is recorded as type %s (%s), but field %q has type %s (%s); if the field's type changed since, rerun, or resume from a step that sets it",
			fd.Name, art.Hash, art.Type, art.Encoding, fd.Name, fd.Type, fd.Encoding)
	}
	rc, err := a.St.OpenArtifact(a.Flow, art)
	if err != nil {
		return fieldErr(fd.Name, art.Hash, err)
	}
	defer rc.Close()
	r := codec.NewReader(rc)
	if err := fd.Decode(f, r, art.Size); err != nil {
		return fieldErr(fd.Name, art.Hash, err)
	}
	if fd.Encoding == rt.EncodingJSON {
		if err := r.End(); err != nil {
			return fieldErr(fd.Name, art.Hash, err)
		}
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return fieldErr(fd.Name, art.Hash, err)
	}
	return nil
}

func fieldErr(name, hash string, err error) error {
	// A codec error caused by the blob or the record is explained by that
	// cause, not by where the decoder stopped.
	var ce *codec.Error
	if errors.As(err, &ce) && ce.Err != nil && (errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrMismatch)) {
		err = ce.Err
	}
	if errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrMismatch) {
		return fmt.Errorf("artifact %q (blob %s): %w", name, hash, err)
	}
	return fmt.Errorf("reading artifact %q (blob %s): %w", name, hash, err)
}

// Read returns the serialized bytes of an artifact, verified against its
// hash and its record: the size, the encoding the flow's field of that
// name and type has, and, for JSON, that it is JSON.
func (a *IO) Read(name string, art store.Artifact) ([]byte, error) {
	if err := CheckEncoding(a.Def, name, art); err != nil {
		return nil, err
	}
	return ReadRaw(a.St, a.Flow, name, art)
}

// CheckEncoding refuses a record whose encoding is not the one def's field
// of that name and type is stored with (a damaged data.json); an artifact
// def does not know (an older version of the flow) passes.
func CheckEncoding(def *rt.FlowDef, name string, art store.Artifact) error {
	if fd := def.Field(name); fd != nil && fd.Type == art.Type && fd.Encoding != art.Encoding {
		return fieldErr(name, art.Hash, fmt.Errorf("%w: it is recorded with encoding %q, but a %s is stored as %q; %s",
			store.ErrMismatch, art.Encoding, fd.Type, fd.Encoding, recordFix))
	}
	return nil
}

// ReadRaw reads the stored serialization of artifact name whole, checked
// against its hash and size, and, for a JSON artifact, that it is JSON.
// rt/client serves every reader with it (the CLI's dump among them).
func ReadRaw(st *store.Store, flow, name string, art store.Artifact) ([]byte, error) {
	rc, err := st.OpenArtifact(flow, art)
	if err != nil {
		return nil, fieldErr(name, art.Hash, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fieldErr(name, art.Hash, err)
	}
	if art.Encoding == rt.EncodingJSON && !json.Valid(b) {
		return nil, fieldErr(name, art.Hash, fmt.Errorf("%w: it is recorded as JSON, but its blob is not JSON; %s", store.ErrMismatch, recordFix))
	}
	return b, nil
}

const recordFix = "the task's record (data.json) is damaged: resume from its step (resume STEP), or rerun"

func encoder(f any, fd *rt.FieldDef) func(w io.Writer) error {
	return func(w io.Writer) error {
		cw := codec.NewWriter(w)
		if err := fd.Encode(f, cw); err != nil {
			return err
		}
		return cw.Flush()
	}
}

// Hash returns the hash and size the field's current value would be stored
// under, writing nothing.
func (a *IO) Hash(f any, fd *rt.FieldDef) (string, int64, error) {
	h, n, err := a.St.HashOnly(encoder(f, fd))
	if err != nil {
		return "", 0, fmt.Errorf("encoding artifact %q: %w", fd.Name, err)
	}
	return h, n, nil
}

// Put stores the field's current value unless a good blob with its hash
// exists: the value is serialized once, into memory, hashed once, and
// compressed only when its blob must be written. A []byte or string field
// is not copied: its own memory is hashed and compressed (codec's buffer
// Writer keeps a large Raw by reference), so a 256 MB value is never held
// twice.
func (a *IO) Put(f any, fd *rt.FieldDef) (store.Artifact, error) {
	art := store.Artifact{Type: fd.Type, Encoding: fd.Encoding}
	cw := codec.NewBufferWriter()
	err := fd.Encode(f, cw)
	var p []byte
	if err == nil {
		p, err = cw.Buffered()
	}
	if err != nil {
		return art, fmt.Errorf("encoding artifact %q: %w", fd.Name, err)
	}
	art.Hash, art.Size, err = a.St.PutBlobBytes(a.Flow, p)
	if err != nil {
		return art, fmt.Errorf("storing artifact %q: %w", fd.Name, err)
	}
	return art, nil
}

// SetJSON sets the field fd of f from a JSON value (used to fill a catch
// field with a Failure: the field has no setter, but it has a decoder).
func (a *IO) SetJSON(f any, fd *rt.FieldDef, js []byte) error {
	r := codec.NewBytesReader(js)
	if err := fd.Decode(f, r, int64(len(js))); err != nil {
		return fmt.Errorf("setting artifact %q: %w", fd.Name, err)
	}
	return nil
}
