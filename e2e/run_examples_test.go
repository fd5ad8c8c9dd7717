package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestRunExamples builds every example of the repo, runs it once from an
// empty dir and checks its key artifact.
func TestRunExamples(t *testing.T) {
	examples := []string{"linear", "pets", "branch", "mergeartifacts", "foreach", "genrestats", "namespace",
		"sfntest", "dailysfntest", "firstflow", "secondflow"}
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, e := range examples {
		args = append(args, "./examples/"+e)
	}
	if r := execIn(t, repoRoot, goEnv(), "go", args...); r.code != 0 {
		t.Fatalf("go %s:\n%s", strings.Join(args, " "), r)
	}
	exe := func(t *testing.T, name string) *flowBin { return binIn(t, filepath.Join(bin, name)) }

	t.Run("linear", func(t *testing.T) {
		b := exe(t, "linear")
		var v string
		b.dump(b.runFlow(), &v, "--artifact", "MyVar")
		if v != "hello world" {
			t.Errorf("MyVar = %q", v)
		}
	})
	t.Run("pets", func(t *testing.T) {
		b := exe(t, "pets")
		var pets []string
		b.dump(b.runFlow(), &pets, "--artifact", "Pets")
		if want := []string{"dogs", "cats", "budgies", "lions", "wolves", "elephants"}; !slices.Equal(pets, want) {
			t.Errorf("Pets = %q, want %q", pets, want)
		}
	})
	t.Run("branch", func(t *testing.T) {
		b := exe(t, "branch")
		id := b.runFlow()
		var total, a, bx int
		b.dump(id, &total, "--artifact", "Total")
		b.dump(id+"/A", &a, "--artifact", "X")
		b.dump(id+"/B", &bx, "--artifact", "X")
		if a != 1 || bx != 2 || total != 3 {
			t.Errorf("A.X %d, B.X %d, Total %d; want 1, 2, 3", a, bx, total)
		}
	})
	t.Run("mergeartifacts", func(t *testing.T) {
		b := exe(t, "mergeartifacts")
		var end map[string]json.RawMessage
		b.dump(b.runFlow(), &end)
		got := map[string]string{}
		for k, v := range end {
			got[k] = string(v)
		}
		if want := map[string]string{"PassDown": `"a"`, "Common": "5", "X": "1", "FromA": "6"}; !reflect.DeepEqual(got, want) {
			t.Errorf("End = %v, want %v", got, want)
		}
		b.env = append(b.env, "MERGE_CONFLICT=1")
		id, r := b.tryRun()
		if r.code != 1 || !strings.Contains(r.stderr, `"X"`) {
			t.Errorf("MERGE_CONFLICT=1: want exit 1 naming X, got\n%s", r)
		}
		if s := b.runStatus(id); s != "failed" {
			t.Errorf("the conflicting run is %q, want failed", s)
		}
	})
	t.Run("foreach", func(t *testing.T) {
		b := exe(t, "foreach")
		var res []string
		b.dump(b.runFlow(), &res, "--artifact", "Results")
		if want := []string{"Stranger Things processed", "House of Cards processed", "Narcos processed"}; !slices.Equal(res, want) {
			t.Errorf("Results = %q, want %q", res, want)
		}
	})
	t.Run("genrestats", func(t *testing.T) {
		b := exe(t, "genrestats")
		var stats map[string][]float64
		b.dump(b.runFlow(), &stats, "--artifact", "GenreStats")
		if len(stats) != 5 {
			t.Errorf("GenreStats has %d genres, want 5 (--max-genres default): %v", len(stats), stats)
		}
		for g, q := range stats {
			if len(q) != 3 || !slices.IsSorted(q) || q[0] <= 0 {
				t.Errorf("genre %s: quartiles %v, want 3 positive ascending values", g, q)
			}
		}
		stats = nil // json.Unmarshal adds to a non-nil map
		b.dump(b.runFlow("--max-genres", "2"), &stats, "--artifact", "GenreStats")
		if len(stats) != 2 {
			t.Errorf("--max-genres 2: GenreStats has %d genres", len(stats))
		}
		// The default movies.csv is read from the working directory when
		// the run starts; the embedded copy only stands in when it is absent.
		csv := "movie_title,title_year,genres,gross\nA,2001,Noir,10\nB,2002,Noir,30\n"
		if err := os.WriteFile(filepath.Join(b.dir, "movies.csv"), []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		stats = nil
		b.dump(b.runFlow(), &stats, "--artifact", "GenreStats")
		if want := map[string][]float64{"noir": {15, 20, 25}}; !reflect.DeepEqual(stats, want) {
			t.Errorf("with movies.csv in the working directory: GenreStats = %v, want %v", stats, want)
		}
	})
	// The Step Functions chapter's flows, run locally (a schedule has no
	// effect here).
	for _, name := range []string{"sfntest", "dailysfntest"} {
		t.Run(name, func(t *testing.T) {
			b := exe(t, name)
			var doubled int
			b.dump(b.runFlow("--num", "4"), &doubled, "--artifact", "Doubled")
			if doubled != 8 {
				t.Errorf("--num 4: Doubled = %d, want 8", doubled)
			}
		})
	}
	t.Run("project", func(t *testing.T) {
		first := exe(t, "firstflow")
		second := binIn(t, filepath.Join(bin, "secondflow"))
		second.dir, second.env = first.dir, first.env // one datastore: SecondFlow reads FirstFlow's run
		first.runFlow()
		var model string
		second.dump(second.runFlow(), &model, "--artifact", "Model")
		if model != "this is a demo model" {
			t.Errorf("SecondFlow's Model = %q, want FirstFlow's", model)
		}
	})
	t.Run("namespace", func(t *testing.T) {
		b := exe(t, "namespace")
		id := b.runFlow()
		if out := b.ok("logs", id+"/Start").stdout; !strings.Contains(out, "my namespace is user:e2e") {
			t.Errorf("logs %s/Start (FLOWC_USER=e2e):\n%s", id, out)
		}
	})
}

// TestRunRepoGenerateClean: the committed generated files of the repo are
// what the generator writes now (what `go generate ./...` followed by `git
// diff` checks, without writing into the repo).
func TestRunRepoGenerateClean(t *testing.T) {
	r := execIn(t, repoRoot, goEnv(), flowcBin, "diff", "--name-only", "./...")
	if r.code != 0 {
		t.Errorf("flowc diff ./... in the repo: files out of date (run go generate ./...):\n%s", r)
	}
}
