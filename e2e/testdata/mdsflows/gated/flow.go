// Command gated is GatedFlow: a foreach whose Body tasks, once started,
// wait for the file GATED_GATE names before they end, so a test can break
// the metadata service or its database while tasks are in flight. Each
// waiting task says so with a file <gate>.<item>.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// GatedFlow fans out over N items that wait at a gate.
//
//flow:flow
type GatedFlow struct {
	// How many items.
	//flow:param default=6
	N int

	Items  []int
	Square int
	Sum    int
}

//flow:step
//flow:foreach over=Items next=Body
func (f *GatedFlow) Start(ctx context.Context) error {
	for i := range f.N {
		f.Items = append(f.Items, i)
	}
	return nil
}

//flow:step
//flow:next Join
func (f *GatedFlow) Body(ctx context.Context, item int) error {
	if gate := os.Getenv("GATED_GATE"); gate != "" {
		if err := os.WriteFile(fmt.Sprintf("%s.%d", gate, item), nil, 0o644); err != nil {
			return err
		}
		for {
			if _, err := os.Stat(gate); err == nil {
				break
			}
			if _, err := os.Stat(fmt.Sprintf("%s.%d.go", gate, item)); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	f.Square = item * item
	return nil
}

//flow:step
//flow:next End
func (f *GatedFlow) Join(ctx context.Context, inputs rt.Inputs[*GatedFlow]) error {
	for _, in := range inputs.All() {
		f.Sum += in.Square
	}
	return nil
}

//flow:step
func (f *GatedFlow) End(ctx context.Context) error {
	fmt.Println("sum", f.Sum)
	return nil
}
