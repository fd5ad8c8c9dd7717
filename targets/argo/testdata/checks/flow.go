// Command checks is ChecksFlow, what the Argo cluster tests need beyond
// the examples: a switch at the top level, back to its own step, and
// inside a foreach, a nested
// foreach with a split inside it, a step that always fails (retry limit),
// one that hangs (terminate), and a schedule with a timezone. Its runner
// is generated (go generate in targets/argo).
package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// ChecksFlow takes the branch Mode names: ok, fail, hang or wide.
//
//flow:flow
//flow:schedule cron="30 6 ? * MON-FRI *" timezone=Europe/Paris
type ChecksFlow struct {
	// ok, fail, hang or wide.
	//flow:param default=ok
	Mode string
	// How many items the wide foreach has.
	//flow:param default=10
	Width int

	Rows      []string
	RowName   string
	Cols      []int
	Col       int
	L, R      string
	CellValue string
	Cells     []string
	Kind      string
	Out       string
	All       []string
	Tried     int
	Items     []int
	Item      int
	Total     int
	Polls     int
	Again     string
}

//flow:step
//flow:switch on=Mode cases=ok:Poll,fail:Broken,hang:Hang,wide:Wide
func (f *ChecksFlow) Start(ctx context.Context) error {
	f.Rows = []string{"r0", "row1", "r2"}
	return nil
}

// Poll goes back to itself until it ran three times.
//
//flow:step
//flow:switch on=Again cases=yes:Poll,no:Fan
func (f *ChecksFlow) Poll(ctx context.Context) error {
	f.Polls++
	f.Again = "no"
	if f.Polls < 3 {
		f.Again = "yes"
	}
	fmt.Printf("poll %d (task %s)\n", f.Polls, rt.Current(ctx).TaskID)
	return nil
}

//flow:step
//flow:foreach over=Rows next=Row
func (f *ChecksFlow) Fan(ctx context.Context) error { return nil }

//flow:step
//flow:foreach over=Cols next=Cell
func (f *ChecksFlow) Row(ctx context.Context, row string) error {
	f.RowName = row
	f.Cols = []int{1, 2}
	return nil
}

//flow:step
//flow:next Left Right
func (f *ChecksFlow) Cell(ctx context.Context, col int) error {
	f.Col = col
	return nil
}

//flow:step
//flow:next Meet
func (f *ChecksFlow) Left(ctx context.Context) error {
	f.L = fmt.Sprintf("%s.%d", f.RowName, f.Col)
	return nil
}

//flow:step
//flow:next Meet
func (f *ChecksFlow) Right(ctx context.Context) error {
	f.R = fmt.Sprint(f.Col * 10)
	return nil
}

//flow:step
//flow:next JoinCells
func (f *ChecksFlow) Meet(ctx context.Context, inputs rt.Inputs[*ChecksFlow]) error {
	f.CellValue = inputs.At(0).L + "=" + inputs.At(1).R
	f.RowName = inputs.At(0).RowName
	return nil
}

//flow:step
//flow:next Route
func (f *ChecksFlow) JoinCells(ctx context.Context, inputs rt.Inputs[*ChecksFlow]) error {
	for _, in := range inputs.All() {
		f.Cells = append(f.Cells, in.CellValue)
	}
	f.RowName = inputs.At(0).RowName
	return nil
}

//flow:step
//flow:switch on=Kind cases=short:Short,long:Long
func (f *ChecksFlow) Route(ctx context.Context) error {
	f.Kind = "short"
	if len(f.RowName) > 2 {
		f.Kind = "long"
	}
	return nil
}

//flow:step
//flow:next Tail
func (f *ChecksFlow) Short(ctx context.Context) error {
	f.Out = strings.Join(f.Cells, ",")
	return nil
}

//flow:step
//flow:next Tail
func (f *ChecksFlow) Long(ctx context.Context) error {
	f.Out = strings.ToUpper(strings.Join(f.Cells, ","))
	return nil
}

//flow:step
//flow:next JoinRows
func (f *ChecksFlow) Tail(ctx context.Context) error { return nil }

//flow:step
//flow:next Report
func (f *ChecksFlow) JoinRows(ctx context.Context, inputs rt.Inputs[*ChecksFlow]) error {
	for _, in := range inputs.All() {
		f.All = append(f.All, in.Out)
	}
	return nil
}

// Broken always fails: the run fails after its retries.
//
//flow:step
//flow:retry times=2 minutes_between=0
//flow:next Report
func (f *ChecksFlow) Broken(ctx context.Context) error {
	f.Tried = rt.Current(ctx).RetryCount
	fmt.Printf("attempt %d of Broken\n", f.Tried)
	return fmt.Errorf("broken on purpose (attempt %d)", f.Tried)
}

// Hang runs until it is stopped.
//
//flow:step
//flow:next Report
func (f *ChecksFlow) Hang(ctx context.Context) error {
	fmt.Println("hanging")
	time.Sleep(10 * time.Minute)
	return nil
}

// Wide fans out Width items: the benchmarks' foreach.
//
//flow:step
//flow:foreach over=Items next=Square
func (f *ChecksFlow) Wide(ctx context.Context) error {
	f.Items = make([]int, f.Width)
	for i := range f.Items {
		f.Items[i] = i
	}
	return nil
}

//flow:step
//flow:next Sum
func (f *ChecksFlow) Square(ctx context.Context, item int) error {
	f.Item = item * item
	return nil
}

//flow:step
//flow:next Report
func (f *ChecksFlow) Sum(ctx context.Context, inputs rt.Inputs[*ChecksFlow]) error {
	for _, in := range inputs.All() {
		f.Total += in.Item
	}
	return nil
}

//flow:step
//flow:next End
func (f *ChecksFlow) Report(ctx context.Context) error { return nil }

//flow:step
func (f *ChecksFlow) End(ctx context.Context) error {
	fmt.Println(f.All)
	return nil
}
