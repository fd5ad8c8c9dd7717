// Command sizes is SizesFlow: one task per size makes a value of every
// encoding whose serialized form is about that many bytes, the next task (a
// process of its own) reads them back and compares them with freshly made
// ones. The sizes sit at, below and above every buffer a value passes
// through: the codec's raw-direct threshold (4 KiB) and flush size
// (32 KiB), the store's one-piece limit (1 MiB), and well above.
package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// Doc nests a []byte (base64 in JSON) and a map inside a struct.
type Doc struct {
	Name   string
	Blob   []byte
	Counts map[string]int
}

// SizesFlow stores and reads back values of every encoding.
//
//flow:flow
type SizesFlow struct {
	// The serialized sizes to try.
	//flow:param default=0,1,4095,4096,4097,32767,32768,32769,65543,1048575,1048576,1048577,5000003
	Sizes []int

	Size   int
	Text   []byte    // raw, compressible
	Noise  []byte    // raw, incompressible
	Str    string    // raw string
	Ints   []int     // JSON, many small tokens
	Strs   []string  // JSON, one token of the whole size
	Floats []float64 // JSON
	Doc    Doc       // JSON: a struct with a base64 []byte and a map
	Bad    []string  // fields that did not read back as made
	Sizes2 []int     // the join's list of sizes checked
}

// values returns the value of every field for size n.
func values(n int) (text, noise []byte, str string, ints []int, strs []string, floats []float64, doc Doc) {
	text = []byte(strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz\n", n/37+1)[:n])
	noise = make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	str = string(text)
	ints = []int{}
	for size, i := 2, 0; size < n; i++ {
		ints = append(ints, i*7919)
		size += len(strconv.Itoa(i*7919)) + 1
	}
	strs = []string{strings.Repeat("x", max(n-4, 0))}
	floats = []float64{}
	for size, i := 2, 0; size < n; i++ {
		f := float64(i) / 7
		floats = append(floats, f)
		size += len(strconv.FormatFloat(f, 'g', -1, 64)) + 1
	}
	doc = Doc{Name: "doc" + strconv.Itoa(n), Blob: noise[:n*3/4], Counts: map[string]int{}}
	for i := 0; i < n/20; i++ {
		doc.Counts["k"+strconv.Itoa(i)] = i
	}
	return
}

//flow:step
//flow:foreach over=Sizes next=Make
func (f *SizesFlow) Start(ctx context.Context) error { return nil }

// Make sets every field to its value for the size.
//
//flow:step
//flow:next Check
func (f *SizesFlow) Make(ctx context.Context, size int) error {
	f.Size = size
	f.Text, f.Noise, f.Str, f.Ints, f.Strs, f.Floats, f.Doc = values(size)
	return nil
}

// Check compares what it read with freshly made values.
//
// same is reflect.DeepEqual, except that empty and nil are the same (raw
// values do not keep the difference).
func same(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Len() == 0 && vb.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

//flow:step
//flow:next Join
func (f *SizesFlow) Check(ctx context.Context) error {
	text, noise, str, ints, strs, floats, doc := values(f.Size)
	for name, pair := range map[string][2]any{
		"Text": {text, f.Text}, "Noise": {noise, f.Noise}, "Str": {str, f.Str}, "Ints": {ints, f.Ints},
		"Strs": {strs, f.Strs}, "Floats": {floats, f.Floats}, "Doc.Name": {doc.Name, f.Doc.Name},
		"Doc.Blob": {doc.Blob, f.Doc.Blob}, "Doc.Counts": {doc.Counts, f.Doc.Counts},
	} {
		if !same(pair[0], pair[1]) {
			f.Bad = append(f.Bad, name)
		}
	}
	if len(f.Bad) > 0 {
		return fmt.Errorf("size %d: %v did not read back as made", f.Size, f.Bad)
	}
	return nil
}

//flow:step
//flow:next End
func (f *SizesFlow) Join(ctx context.Context, inputs rt.Inputs[*SizesFlow]) error {
	for _, in := range inputs.All() {
		f.Sizes2 = append(f.Sizes2, in.Size)
	}
	return nil
}

//flow:step
func (f *SizesFlow) End(ctx context.Context) error { return nil }
