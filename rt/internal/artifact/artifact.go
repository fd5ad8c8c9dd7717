// Package artifact moves flow fields between a task's *F and the datastore
// through the generated per-field codecs: decode one field from its blob,
// hash and store one field, all without reflection.
package artifact

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unsafe"

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

// Decode reads art into the field fd of f. The whole blob is consumed so
// that the store's hash check at EOF runs: a damaged blob never decodes as
// good.
func (a *IO) Decode(f any, fd *rt.FieldDef, art store.Artifact) error {
	rc, err := a.St.OpenBlob(a.Flow, art.Hash)
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
	if errors.Is(err, store.ErrCorrupt) {
		return fmt.Errorf("artifact %q (blob %s): %w", name, hash, err)
	}
	return fmt.Errorf("reading artifact %q (blob %s): %w", name, hash, err)
}

// Read returns the serialized bytes of an artifact, verified.
func (a *IO) Read(name string, art store.Artifact) ([]byte, error) {
	rc, err := a.St.OpenBlob(a.Flow, art.Hash)
	if err != nil {
		return nil, fieldErr(name, art.Hash, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fieldErr(name, art.Hash, err)
	}
	return b, nil
}

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

// Put stores the field's current value unless a blob with its hash exists:
// the value is serialized once, hashed once, and compressed only when new.
func (a *IO) Put(f any, fd *rt.FieldDef) (store.Artifact, error) {
	art := store.Artifact{Type: fd.Type, Encoding: fd.Encoding}
	var c collector
	if err := encoder(f, fd)(&c); err != nil {
		return art, fmt.Errorf("encoding artifact %q: %w", fd.Name, err)
	}
	var err error
	art.Hash, art.Size, err = a.St.PutBlobBytes(a.Flow, c.bytes())
	if err != nil {
		return art, fmt.Errorf("storing artifact %q: %w", fd.Name, err)
	}
	return art, nil
}

// collector keeps what an encoder writes. A raw []byte or string field
// arrives as one Write (or WriteString) of the field's own memory, which is
// kept, not copied, so a 256 MB value is never held twice. It breaks the
// io.Writer rule against retaining p on purpose: the codec.Writer that
// writes to it is dropped before the bytes are used, and they are only read.
type collector struct{ parts [][]byte }

func (c *collector) Write(p []byte) (int, error) {
	c.parts = append(c.parts, p)
	return len(p), nil
}

func (c *collector) WriteString(s string) (int, error) {
	c.parts = append(c.parts, unsafe.Slice(unsafe.StringData(s), len(s)))
	return len(s), nil
}

func (c *collector) bytes() []byte {
	if len(c.parts) == 1 {
		return c.parts[0]
	}
	return bytes.Join(c.parts, nil)
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
