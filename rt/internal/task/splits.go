package task

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// A foreach body needs one item of its parent's foreach field, but reading
// the field whole costs every body O(width): at 100,000 items each body
// decoded, re-encoded and hashed 600 KB, and the run's cost grew with the
// square of its width. So a foreach task whose field is large also stores
// the items in chunks of about splitChunkBytes (store.Splits, in its
// data.json), and a body that does not use the field itself decodes only
// its item from one chunk. The field is still stored whole, and passes
// through the body by hash; the chunks are only an index, and a body that
// cannot read them reads the field.

const (
	splitChunkBytes = 16 << 10
	// splitMinBytes: below it a field is read whole, as cheap as a chunk.
	splitMinBytes = 16 << 10
)

// writeSplits stores the chunks of a foreach step's field, when it is
// large enough to need them.
func (t *task) writeSplits(p *prepared) (*store.Splits, error) {
	if t.step.Foreach == "" || t.stepDef.ForeachLen == nil {
		return nil, nil
	}
	k := t.io.Field(t.step.Foreach)
	if k < 0 {
		return nil, nil
	}
	fd := &t.def.Fields[k]
	if fd.Encoding != rt.EncodingJSON || p.arts[fd.Name].Size < splitMinBytes {
		return nil, nil
	}
	b, err := t.io.Encoded(p.f, fd)
	if err != nil {
		return nil, err
	}
	items, err := splitArray(b)
	if err != nil || len(items) != t.stepDef.ForeachLen(p.f) {
		// Not a JSON array of the items (a type with its own JSON form):
		// the bodies read the field whole.
		return nil, nil
	}
	sp := &store.Splits{Field: fd.Name}
	var chunk bytes.Buffer
	for i := 0; i < len(items); {
		start := i
		chunk.Reset()
		chunk.WriteByte('[')
		for ; i < len(items) && (i == start || chunk.Len()+len(items[i]) < splitChunkBytes); i++ {
			if i > start {
				chunk.WriteByte(',')
			}
			chunk.Write(items[i])
		}
		chunk.WriteByte(']')
		hash, size, err := t.st.PutBlobBytes(t.def.Graph.Flow, chunk.Bytes())
		if err != nil {
			return nil, fmt.Errorf("storing the items of foreach field %q: %w", fd.Name, err)
		}
		sp.Chunks = append(sp.Chunks, store.SplitChunk{Start: start, Hash: hash, Size: size})
	}
	return sp, nil
}

// splitField is the index of the parent foreach's field when this task is
// a foreach body that can read its item from the parent's chunks: the
// parent has them and the step does not use the field itself.
func (t *task) splitField() (int, *rt.StepDef, bool) {
	if !t.step.IsForeachBody || t.step.UsesAll || t.spec.SplitIndex < 0 {
		return 0, nil, false
	}
	par := t.parents[0]
	sp := par.data.Splits
	ps := t.def.Graph.Step(par.ref.Step)
	if sp == nil || ps == nil || ps.Foreach != sp.Field || len(sp.Chunks) == 0 {
		return 0, nil, false
	}
	if slices.Contains(t.step.Uses, sp.Field) || t.step.Foreach == sp.Field ||
		t.step.Switch != nil && t.step.Switch.On == sp.Field {
		return 0, nil, false
	}
	var psDef *rt.StepDef
	for i := range t.def.Steps {
		if t.def.Steps[i].Name == ps.Name {
			psDef = &t.def.Steps[i]
		}
	}
	k := t.io.Field(sp.Field)
	if k < 0 || psDef == nil || psDef.ForeachLen == nil {
		return 0, nil, false
	}
	return k, psDef, true
}

// decodeItem sets field k of f to a one-item slice holding this body's
// item, read from its chunk; the step is then called with index 0.
func (t *task) decodeItem(f any, k int, psDef *rt.StepDef) error {
	sp := t.parents[0].data.Splits
	i := t.spec.SplitIndex
	c := sort.Search(len(sp.Chunks), func(c int) bool { return sp.Chunks[c].Start > i }) - 1
	if c < 0 {
		return fmt.Errorf("no chunk holds item %d", i)
	}
	ch := sp.Chunks[c]
	fd := &t.def.Fields[k]
	b, err := t.io.Read(fd.Name, store.Artifact{Hash: ch.Hash, Size: ch.Size, Encoding: rt.EncodingJSON})
	if err != nil {
		return err
	}
	// Only item j is kept: cutting the chunk into a slice of its few
	// thousand items cost a body task of a wide foreach some 80 page
	// faults, as much as the rest of its work.
	j := i - ch.Start
	var item []byte
	n, err := eachItem(b, func(k int, it []byte) {
		if k == j {
			item = it
		}
	})
	if err != nil {
		return err
	}
	if j >= n {
		return fmt.Errorf("chunk %s holds %d items, not item %d", ch.Hash, n, i)
	}
	one := make([]byte, 0, len(item)+2)
	one = append(append(append(one, '['), item...), ']')
	r := codec.NewBytesReader(one)
	if err := fd.Decode(f, r, int64(len(one))); err == nil {
		err = r.End()
	}
	// A fixed-size array keeps its length: index 0 would be the wrong
	// item. Only a slice of one item will do.
	if err != nil || psDef.ForeachLen(f) != 1 {
		fd.Reset(f)
		return errors.New("the field is not a slice")
	}
	return nil
}

// splitArray cuts a compact JSON array into its elements, without
// decoding them.
func splitArray(b []byte) ([][]byte, error) {
	var items [][]byte
	if _, err := eachItem(b, func(_ int, it []byte) { items = append(items, it) }); err != nil {
		return nil, err
	}
	return items, nil
}

// eachItem calls fn with the index and the bytes of each element of a
// compact JSON array, in order, and returns their number. The whole array
// is checked; on an error, fn may have seen some of its elements.
func eachItem(b []byte, fn func(int, []byte)) (int, error) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return 0, errors.New("not a JSON array")
	}
	n := 0
	depth, start, inString, escaped := 0, 1, false, false
	for i := 1; i < len(b)-1; i++ {
		c := b[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth < 0 {
				return 0, errors.New("unbalanced JSON array")
			}
		case c == ',' && depth == 0:
			fn(n, b[start:i])
			n++
			start = i + 1
		}
	}
	if depth != 0 || inString {
		return 0, errors.New("unbalanced JSON array")
	}
	if start < len(b)-1 {
		fn(n, b[start:len(b)-1])
		n++
	} else if n > 0 {
		return 0, errors.New("trailing comma in JSON array")
	}
	return n, nil
}
