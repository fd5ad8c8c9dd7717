// Command chain is ChainFlow: Start makes values of every store path (a
// tiny raw string, a small JSON list, a large compressible []byte, a large
// incompressible one), Middle reads them all, End reads Middle's result
// and fails when CHAIN_FAIL_END is set, so a run can be left failed and
// resumed. Equal runs store equal blobs.
package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// ChainFlow passes values of every size class down a line of steps.
//
//flow:flow
type ChainFlow struct {
	Small string
	Nums  []int
	Text  []byte // 2 MiB, compressible
	Noise []byte // 2 MiB, incompressible
	Sum   int
	Seen  int
}

//flow:step
//flow:next Middle
func (f *ChainFlow) Start(ctx context.Context) error {
	f.Small = "hello"
	for i := range 1000 {
		f.Nums = append(f.Nums, i)
	}
	f.Text = []byte(strings.Repeat("the quick brown fox\n", 2<<20/20))
	f.Noise = make([]byte, 2<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range f.Noise {
		f.Noise[i] = byte(r.Uint32())
	}
	return nil
}

//flow:step
//flow:next End
func (f *ChainFlow) Middle(ctx context.Context) error {
	for _, n := range f.Nums {
		f.Sum += n
	}
	f.Sum += len(f.Small) + len(f.Text) + len(f.Noise)
	return nil
}

//flow:step
func (f *ChainFlow) End(ctx context.Context) error {
	if os.Getenv("CHAIN_FAIL_END") != "" {
		return errors.New("End failed on purpose (CHAIN_FAIL_END)")
	}
	f.Seen = f.Sum
	fmt.Println("sum", f.Sum)
	_ = rt.Current(ctx)
	return nil
}
