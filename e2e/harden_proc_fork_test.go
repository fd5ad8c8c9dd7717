package e2e

import (
	"encoding/json"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestProcFixedArgs is issue 7 item 12: a main that runs a library flow
// with fixed args (Run<Flow>(ctx, []string{"run", ...})) instead of its
// command line. Each task process runs that main again; before the fix
// every task started a new run, without end. Now each task reaches its
// step, the run succeeds, and a main that runs the flow twice in turn
// makes exactly two runs. A watchdog caps the processes of the binary, so
// a regression fails the test instead of filling the machine.
func TestProcFixedArgs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the fork watchdog reads /proc; run it on linux")
	}
	m := newModule(t, nil)
	m.copyTree("fixedargs")
	m.generate("./fan")
	b := m.build("./cmd/fixed")
	const maxProcs = 12 // the runner plus 2 workers, with room to spare
	for _, mode := range [][]string{nil, {"twice"}} {
		if r := b.capped(maxProcs, 2*time.Minute, mode...); r.code != 0 {
			t.Fatalf("fixed %v:\n%s", mode, r)
		}
	}
	lines := strings.Split(strings.TrimSpace(b.ok("inspect", "runs").stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("want exactly 3 runs (1, then 2 in turn), got:\n%s", strings.Join(lines, "\n"))
	}
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if f[1] != "succeeded" {
			t.Errorf("run %s is %s, want succeeded", f[0], f[1])
		}
		var squares []int
		r := b.ok("inspect", "dump", f[0], "--artifact", "Squares", "--json")
		if err := json.Unmarshal([]byte(r.stdout), &squares); err != nil {
			t.Fatalf("dump %s: %v\n%s", f[0], err, r.stdout)
		}
		if want := []int{1, 4, 9, 16}; !reflect.DeepEqual(squares, want) {
			t.Errorf("run %s: Squares = %v, want %v", f[0], squares, want)
		}
	}
}
