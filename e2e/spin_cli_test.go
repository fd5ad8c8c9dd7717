package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Issue 7 item 21a: `<bin> spin RUN/STEP/TASK` reruns one step on the
// inputs of a past task, in a scratch run that never counts as a run.

// spinSquareOf3 is the Square task of FlakyFlow's run that got item 3 (the
// one that panics, caught into SquareFailed).
func spinSquareOf3(t *testing.T, b *hcBin, run string) string {
	t.Helper()
	for _, task := range b.tasks("FlakyFlow", run, "Square") {
		var v struct{ SquareFailed *struct{ Message string } }
		b.dump(run+"/Square/"+task, &v)
		if v.SquareFailed != nil {
			return task
		}
	}
	t.Fatalf("no Square task of run %s got item 3", run)
	return ""
}

func TestSpinCLI(t *testing.T) {
	b := hcExample(t, "flaky")
	run := b.okRun()
	sq := spinSquareOf3(t, b, run)
	join := b.tasks("FlakyFlow", run, "Join")[0]

	t.Run("Plain", func(t *testing.T) {
		out := b.ok("spin", run+"/Start/1").stdout
		if !strings.Contains(out, "done: Start changed 2 artifacts") ||
			!strings.Contains(out, "StartedAt (int64) = ") || !strings.Contains(out, "Items ([]int) = [1,2,3,4,5]   [as in "+run+"/Start/1]") {
			t.Errorf("spin of Start:\n%s", out)
		}
	})

	t.Run("ForeachBody", func(t *testing.T) {
		// On its own inputs, item 3 panics again and is caught again.
		out := b.ok("spin", run+"/Square/"+sq).stdout
		if !strings.Contains(out, "SquareFailed (*rt.Failure)") {
			t.Errorf("spin of the item that panics:\n%s", out)
		}
		// With the list overridden, the same task gets item 7 from the
		// foreach stack: index 2.
		out = b.ok("spin", run+"/Square/"+sq, "--artifact", "Items=[1,2,7,4,5]").stdout
		if !strings.Contains(out, "Squared (int) = 49") || !strings.Contains(out, "with Items replaced") {
			t.Errorf("spin with Items overridden:\n%s", out)
		}
		scratch := spinScratchOf(t, out)
		var squared int
		b.dump(scratch+"/Square/"+sq, &squared, "--artifact", "Squared")
		if squared != 49 {
			t.Errorf("dump of the spun task: Squared = %d, want 49", squared)
		}
		// The past run is untouched.
		var v struct{ Items []int }
		b.dump(run+"/Start", &v)
		if !slices.Equal(v.Items, []int{1, 2, 3, 4, 5}) {
			t.Errorf("the past run's Items changed: %v", v.Items)
		}
	})

	t.Run("Join", func(t *testing.T) {
		out := b.ok("spin", run+"/Join/"+join, "--artifact", "Squared=10").stdout
		if !strings.Contains(out, "squares [10 10 10 10]") || !strings.Contains(out, "Squares ([]int) = [10,10,10,10]   ["+run+"/Join/"+join+" had [1,4,16,25]]") {
			t.Errorf("spin of the join with every input's Squared replaced:\n%s", out)
		}
		// --quiet hides the task's output, not the summary.
		out = b.ok("spin", run+"/Join/"+join, "--quiet").stdout
		if strings.Contains(out, "squares [") || !strings.Contains(out, "done: Join changed") || !strings.Contains(out, "[as in ") {
			t.Errorf("spin --quiet:\n%s", out)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		before := spinScratchRuns(t, b)
		b.fails([]string{"spin", run + "/Square/" + sq, "--artifact", `Items=["a"]`}, `--artifact Items=["a"] is not JSON of type []int`)
		b.fails([]string{"spin", run + "/Square/" + sq, "--artifact", "Items={"}, "is not JSON of type []int", "not valid JSON")
		b.fails([]string{"spin", run + "/Square/" + sq, "--artifact", "Items=[1]"}, "has 1 items", "item 2 of the foreach")
		b.fails([]string{"spin", run + "/Square/" + sq, "--artifact", "Nope=1"}, `no artifact "Nope"`, "Squared")
		b.fails([]string{"spin", run + "/Square/" + sq, "--artifact", "Items"}, "is not NAME=JSON")
		b.fails([]string{"spin", run + "/Square"}, "names no task")
		b.fails([]string{"spin", run + "/square/" + sq}, `did you mean "Square"?`)
		b.fails([]string{"spin", run + "/Square/999"}, `task "999" not found`)
		b.fails([]string{"spin", "77/Start/1"}, `run "77"`, "not found")
		if after := spinScratchRuns(t, b); !slices.Equal(before, after) {
			t.Errorf("bad input left scratch runs behind: %v, then %v", before, after)
		}
	})

	t.Run("NeverARun", func(t *testing.T) {
		// A failed run, spun: its End is rerun on its inputs and, with the
		// "bug" gone (no FLAKY_FAIL_END in spin's environment), succeeds.
		failed, r := b.runFlow([]string{"FLAKY_FAIL_END=1"})
		if r.code != 1 {
			t.Fatalf("FLAKY_FAIL_END=1 run: %s", r)
		}
		end := b.tasks("FlakyFlow", failed, "End")[0]
		out := b.ok("spin", failed+"/End/"+end).stdout
		if !strings.Contains(out, "done: End") {
			t.Errorf("spin of the failed End:\n%s", out)
		}
		if ids := b.runsIDs("--all"); !slices.Equal(ids, []string{failed, run}) {
			t.Errorf("runs --all = %v; want only the real runs [%s %s]", ids, failed, run)
		}
		// resume picks the latest real run, not a scratch one.
		r = b.ok("resume")
		if !strings.Contains(r.stdout, "resuming run "+failed+" ") {
			t.Errorf("resume after spins did not resume run %s:\n%s", failed, r.stdout)
		}
	})

	t.Run("OldScratchRunsRemoved", func(t *testing.T) {
		// Each spin keeps the newest 5 scratch runs (spin.KeepScratch)
		// and removes the others, so spinning in a loop does not fill
		// the disk; the newest can still be dumped.
		var newest []string
		for range 7 {
			out := b.ok("spin", run+"/Start/1").stdout
			newest = append(newest, spinScratchOf(t, out))
		}
		newest = newest[len(newest)-5:]
		got := spinScratchRuns(t, b)
		slices.Sort(got)
		want := slices.Clone(newest)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("scratch runs after 7 more spins: %v; want the newest 5, %v", got, want)
		}
		var items []int
		b.dump(newest[4]+"/Start/1", &items, "--artifact", "Items")
		if !slices.Equal(items, []int{1, 2, 3, 4, 5}) {
			t.Errorf("dump of the newest scratch run: Items = %v", items)
		}
		b.fails([]string{"dump", "_spin-1/Start/1"}, `scratch run "_spin-1"`, "not found", "only the newest 5 scratch runs are kept")
	})
}

// spinScratchOf is the scratch run a spin's output names.
func spinScratchOf(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "(scratch run ")
	if i < 0 {
		t.Fatalf("spin output names no scratch run:\n%s", out)
	}
	rest := out[i+len("(scratch run "):]
	return rest[:strings.IndexAny(rest, "),")]
}

// spinScratchRuns lists the scratch run directories of FlakyFlow.
func spinScratchRuns(t *testing.T, b *hcBin) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(b.dir, ".flowc", "FlakyFlow"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "_spin-") {
			out = append(out, e.Name())
		}
	}
	return out
}
