// Command three is ThreeFlow: its middle step changes three artifacts and
// writes to both logs, the task the S3 request budget is measured on.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// ThreeFlow carries three artifacts.
//
//flow:flow
type ThreeFlow struct {
	A string
	B int
	C []string
}

//flow:step
//flow:next Mid
func (f *ThreeFlow) Start(ctx context.Context) error {
	f.A, f.B, f.C = "a", 1, []string{"c"}
	return nil
}

// Mid changes all three; the task id makes every task's values new, so
// another task of the step stores three new blobs.
//
// While the file $THREE_BLOCK names exists, Mid waits, silent, before
// anything else: a running task that has written nothing yet.
//
// With $THREE_CRASH set, Mid dies of a panic in a goroutine of its own,
// which no recover of the runtime's can catch: a Go fatal error.
//
//flow:step
//flow:next End
func (f *ThreeFlow) Mid(ctx context.Context) error {
	if os.Getenv("THREE_CRASH") != "" {
		go func() { panic("three: crash in a goroutine") }()
		<-ctx.Done()
	}
	if block := os.Getenv("THREE_BLOCK"); block != "" {
		for {
			if _, err := os.Stat(block); err != nil {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	id := rt.Current(ctx).TaskID
	f.A = f.A + "-" + id
	f.B += 10 + len(id)
	f.C = append(f.C, id)
	fmt.Println("mid out")
	fmt.Fprintln(os.Stderr, "mid err")
	return nil
}

//flow:step
func (f *ThreeFlow) End(ctx context.Context) error { return nil }
