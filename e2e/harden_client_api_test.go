package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hcClientSrc reads and tags runs with rt/client, as another program of
// the user's would: flow, a finished run and a killed run come as args.
const hcClientSrc = `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/rt/client"
)

type report struct {
	Steps                  []string
	Status, KilledStatus   string
	KilledFinished         bool
	Added, Removed, Reread []string
	SysRemove, BadTag      string
}

func main() {
	if err := read(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(1)
	}
}

func read(flow, id, killed string) error {
	ctx := context.Background()
	c, err := client.New(client.FromEnv())
	if err != nil {
		return err
	}
	var r report
	run, err := c.Flow(flow).Run(ctx, id)
	if err != nil {
		return err
	}
	steps, err := run.Steps(ctx)
	if err != nil {
		return err
	}
	for _, s := range steps {
		r.Steps = append(r.Steps, s.Name())
	}
	r.Status = string(run.Status())
	k, err := c.Flow(flow).Run(ctx, killed)
	if err != nil {
		return err
	}
	var st client.Status = k.Status()
	r.KilledStatus, r.KilledFinished = string(st), k.Finished()

	if err := run.AddTags(ctx, "reviewed", "gold", "reviewed"); err != nil {
		return err
	}
	r.Added = run.Tags()
	if err := run.RemoveTags(ctx, "gold", "never-there"); err != nil {
		return err
	}
	r.Removed = run.Tags()
	if err := run.RemoveTags(ctx, "user:alice"); err != nil {
		r.SysRemove = err.Error()
	}
	if err := run.AddTags(ctx, " "); err != nil {
		r.BadTag = err.Error()
	}
	again, err := c.Flow(flow).Run(ctx, id)
	if err != nil {
		return err
	}
	r.Reread = again.Tags()
	return json.NewEncoder(os.Stdout).Encode(r)
}
`

// TestHardenClientAPI: rt/client agrees with the CLI on a killed run's
// status, lists steps in graph order, and adds and removes tags that the
// CLI then sees.
func TestHardenClientAPI(t *testing.T) {
	m := newModule(t, map[string]string{"reader/main.go": hcClientSrc})
	m.goCmd("build", "-o", m.path("reader/reader"), "./reader")

	b := hcExample(t, "flaky")
	id := b.okRun("--tag", "first")
	killed := hcKilledRun(t, b)
	if row := b.runsIDs("--tag", "first"); !slices.Equal(row, []string{id}) {
		t.Fatalf("runs --tag first = %v", row)
	}
	if out := b.ok("runs").stdout; !strings.Contains(out, "killed") {
		t.Fatalf("the CLI does not show run %s as killed:\n%s", killed, out)
	}

	r := execIn(t, b.dir, hcEnv(b.env...), m.path("reader/reader"), "FlakyFlow", id, killed)
	if r.code != 0 {
		t.Fatalf("reader: %s", r)
	}
	var rep struct {
		Steps                  []string
		Status, KilledStatus   string
		KilledFinished         bool
		Added, Removed, Reread []string
		SysRemove, BadTag      string
	}
	hcJSON(t, r.stdout, &rep)
	if want := []string{"Start", "Unstable", "Square", "Join", "Sleepy", "End"}; !slices.Equal(rep.Steps, want) {
		t.Errorf("Run.Steps = %v; want graph order %v", rep.Steps, want)
	}
	if rep.Status != "succeeded" || rep.KilledStatus != "killed" || !rep.KilledFinished {
		t.Errorf("Status() = %q, killed run's = %q (finished %v); want succeeded, killed (finished), as the CLI says", rep.Status, rep.KilledStatus, rep.KilledFinished)
	}
	if !slices.Equal(rep.Added, []string{"first", "reviewed", "gold"}) || !slices.Equal(rep.Removed, []string{"first", "reviewed"}) || !slices.Equal(rep.Reread, rep.Removed) {
		t.Errorf("tags: after add %v, after remove %v, read again %v", rep.Added, rep.Removed, rep.Reread)
	}
	if !strings.Contains(rep.SysRemove, `"user:alice"`) || !strings.Contains(rep.SysRemove, "system tag") {
		t.Errorf("removing a system tag: %q; want an error naming it", rep.SysRemove)
	}
	if !strings.Contains(rep.BadTag, "tags are one non-blank line") {
		t.Errorf("adding a blank tag: %q; want an error", rep.BadTag)
	}
	// The CLI sees what the client wrote.
	list := b.ok("tag", "list", id).stdout
	if !strings.HasPrefix(list, "first\nreviewed\n") || strings.Contains(list, "gold") {
		t.Errorf("tag list after the client's edits:\n%s", list)
	}
	if got := b.runsIDs("--tag", "reviewed"); !slices.Equal(got, []string{id}) {
		t.Errorf("runs --tag reviewed = %v; want [%s]", got, id)
	}
}

// hcKilledRun starts FlakyFlow with End hanging, kills the runner with
// SIGKILL once End runs, and returns the run's id.
func hcKilledRun(t *testing.T, b *hcBin) string {
	t.Helper()
	hang := filepath.Join(b.dir, "hanging")
	idFile := filepath.Join(b.dir, "killed-id")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := b.startEnv(ctx, []string{"FLAKY_HANG=" + hang}, "run", "--quiet", "--run-id-file", idFile)
	for {
		if _, err := os.Stat(hang); err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("End never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := r.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	r.Wait()
	id, err := os.ReadFile(idFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(id)
}
