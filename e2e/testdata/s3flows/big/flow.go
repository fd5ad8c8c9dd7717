// Command big is BigFlow: a []byte artifact of --mib MiB, written by Start
// and read back by End, to measure memory through the datastore.
package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
)

// BigFlow moves one large value.
//
//flow:flow
type BigFlow struct {
	// Size of the value in MiB.
	//flow:param default=256
	MiB int

	Data []byte
	Sum  string
}

// Start fills Data with pseudo-random bytes (incompressible, as model
// weights or images are).
//
//flow:step
//flow:next End
func (f *BigFlow) Start(ctx context.Context) error {
	f.Data = make([]byte, f.MiB<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i+8 <= len(f.Data); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			f.Data[i+j] = byte(v >> (8 * j))
		}
	}
	f.Sum = fmt.Sprintf("%x", sha256.Sum256(f.Data))
	return nil
}

// End reads it back and checks it.
//
//flow:step
func (f *BigFlow) End(ctx context.Context) error {
	if got := fmt.Sprintf("%x", sha256.Sum256(f.Data)); got != f.Sum {
		return fmt.Errorf("Data read back with sha256 %s, want %s", got, f.Sum)
	}
	fmt.Println("read back", len(f.Data), "bytes")
	return nil
}
