// Command stubborn is a flow whose Wait tasks run until killed: each
// starts a child that ignores SIGTERM and SIGINT, and then sleeps without
// looking at its context (unless --polite). Each writes its own and its
// child's PID into $STUBBORN_DIR/started-<index>, so a test knows they run.
// With STUBBORN_FAST set they finish at once (for the resume).
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

//flow:flow
type StubbornFlow struct {
	// Honor the step's context instead of ignoring it.
	//flow:param
	Polite bool

	Items []int
	Item  int
	Sum   int
}

//flow:step
//flow:foreach over=Items next=Wait
func (f *StubbornFlow) Start(ctx context.Context) error {
	f.Items = []int{1, 2}
	return nil
}

//flow:step
//flow:next Join
func (f *StubbornFlow) Wait(ctx context.Context, item int) error {
	f.Item = item
	if os.Getenv("STUBBORN_FAST") != "" {
		return nil
	}
	child := exec.Command("sh", "-c", `trap "" TERM INT; exec sleep 300`)
	if err := child.Start(); err != nil {
		return err
	}
	note := fmt.Sprintf("%d %d\n", os.Getpid(), child.Process.Pid)
	p := filepath.Join(os.Getenv("STUBBORN_DIR"), fmt.Sprintf("started-%d", rt.Current(ctx).ForeachIndex))
	if err := os.WriteFile(p+".tmp", []byte(note), 0o666); err != nil {
		return err
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		return err
	}
	if f.Polite {
		<-ctx.Done()
		// A polite step reaps what it kills: SIGKILL alone is delivered
		// asynchronously, so the child could still show as running
		// right after the step returned.
		child.Process.Kill()
		child.Wait()
		return ctx.Err()
	}
	time.Sleep(300 * time.Second)
	return nil
}

//flow:step
//flow:next End
func (f *StubbornFlow) Join(ctx context.Context, in rt.Inputs[*StubbornFlow]) error {
	for _, x := range in.All() {
		f.Sum += x.Item
	}
	return nil
}

//flow:step
func (f *StubbornFlow) End(ctx context.Context) error { return nil }
