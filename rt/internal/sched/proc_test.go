package sched_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// The join of a 100,000-wide foreach has about 700 KB of input paths,
// over Linux's 128 KiB limit on one argument: the task must still start
// (the list goes as several --input-paths). The "task" here is true(1),
// which starts and exits without committing.
func TestProcStartsAWideJoin(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the 128 KiB argument limit is Linux's")
	}
	bin, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1)")
	}
	st, err := store.Open(filepath.Join(t.TempDir(), ".flowc"))
	if err != nil {
		t.Fatal(err)
	}
	var ends []ipath.StepTask
	for i := range 100000 {
		ends = append(ends, ipath.StepTask{Step: "Body", Task: 2 + i})
	}
	spec := &sched.TaskSpec{Step: "Join", TaskID: "100002", InputPaths: ipath.Format("1", ends), SplitIndex: -1}
	if len(spec.InputPaths) < 128<<10 {
		t.Fatalf("the input paths are %d bytes; the test needs more than 128 KiB", len(spec.InputPaths))
	}
	p := &sched.Proc{Bin: bin, Store: st, Flow: "F", RunID: "1"}
	d, err := p.Execute(context.Background(), spec)
	if err != nil {
		t.Fatalf("a join with %d bytes of input paths did not start: %v", len(spec.InputPaths), err)
	}
	if d.OK || !strings.Contains(d.Error, "without committing") {
		t.Errorf("true(1) as the task: marker %+v; want a failure for exiting without committing", d)
	}
}
