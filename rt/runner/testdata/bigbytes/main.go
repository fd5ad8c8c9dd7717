// Command bigbytes writes a large []byte artifact and reads it in the next
// step (the memory and speed target for raw artifacts). Its runner is
// generated (go generate in rt/runner).
package main

import (
	"context"
	"fmt"
)

// BigBytesFlow moves a blob.
//
//flow:flow
type BigBytesFlow struct {
	// Size in MiB.
	//flow:param default=1
	MB   int
	Blob []byte
	Sum  uint64
}

//flow:step
//flow:next Read
func (f *BigBytesFlow) Start(ctx context.Context) error {
	f.Blob = make([]byte, f.MB<<20)
	x := uint32(2463534242)
	for i := range f.Blob { // xorshift: incompressible, like real data
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		f.Blob[i] = byte(x)
	}
	return nil
}

//flow:step
//flow:next End
func (f *BigBytesFlow) Read(ctx context.Context) error {
	for _, b := range f.Blob {
		f.Sum += uint64(b)
	}
	fmt.Println("sum", f.Sum)
	return nil
}

//flow:step
func (f *BigBytesFlow) End(ctx context.Context) error { return nil }
