package e2e

import (
	"os"
	"strings"
	"testing"
)

// chainArtifacts are the artifacts Start of ChainFlow writes, one per store
// path: a tiny raw string, a small JSON list, a 2 MiB compressible and a
// 2 MiB incompressible []byte (streamed, then written as raw blocks).
var chainArtifacts = []string{"Small", "Nums", "Text", "Noise"}

// chainOK checks that every artifact of run reads back through the CLI.
func chainOK(t *testing.T, b *flowBin, run string) {
	t.Helper()
	var end struct {
		Small string
		Nums  []int
		Text  []byte
		Noise []byte
		Sum   int
		Seen  int
	}
	b.dump(run, &end)
	const text = 2 << 20 / 20 * 20
	want := 499500 + 5 + text + 2<<20
	if end.Small != "hello" || len(end.Nums) != 1000 || len(end.Text) != text || len(end.Noise) != 2<<20 || end.Sum != want || end.Seen != want {
		t.Errorf("run %s reads back Small %q, %d Nums, %d+%d bytes, Sum %d, Seen %d", run, end.Small, len(end.Nums), len(end.Text), len(end.Noise), end.Sum, end.Seen)
	}
}

// TestIntegrityDamagedBlobRewritten (issue 7 item 1): after a byte of a
// stored blob is flipped, or a blob truncated, a new run producing the same
// values succeeds and its artifacts read back; before, the writers skipped
// every blob whose name existed and the new run could not be read.
func TestIntegrityDamagedBlobRewritten(t *testing.T) {
	b := integrityBin(t, "chain")
	first := b.runFlow()
	arts := b.artifacts("ChainFlow", first, "Start", b.onlyTaskOf("ChainFlow", first, "Start"))
	for i, name := range chainArtifacts {
		p := b.blobPath("ChainFlow", arts[name].Hash)
		z, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			z[len(z)/2] ^= 0x20 // a flipped byte
		} else {
			z = z[:len(z)/2] // a truncated blob
		}
		if err := os.WriteFile(p, z, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := b.runFlow()
	chainOK(t, b, second)
	chainOK(t, b, first) // the same blobs, repaired
}

// TestIntegrityResumeMissingBlob (issue 7 item 1): resume checks that the
// blobs of every task it would clone exist, and reruns the tasks whose
// blobs are gone; before, it cloned them and the resumed run failed
// reading them (or read as succeeded with artifacts that cannot be read).
func TestIntegrityResumeMissingBlob(t *testing.T) {
	b := integrityBin(t, "chain")
	b.env = append(b.env, "CHAIN_FAIL_END=1")
	first, r := b.tryRun()
	if r.code != 1 {
		t.Fatalf("run with CHAIN_FAIL_END: want exit status 1\n%s", r)
	}
	b.env = b.env[:len(b.env)-1]
	mid := b.onlyTaskOf("ChainFlow", first, "Middle")
	sum := b.artifacts("ChainFlow", first, "Middle", mid)["Sum"]
	if err := os.Remove(b.blobPath("ChainFlow", sum.Hash)); err != nil {
		t.Fatal(err)
	}
	r = b.ok("resume")
	if out := r.stdout + r.stderr; !strings.Contains(out, "rerunning from Middle") || !strings.Contains(out, first+"/Middle/"+mid+" is rerun") || strings.Contains(out, "cloning Middle") {
		t.Errorf("resume does not rerun Middle, whose blob is gone:\n%s", r)
	}
	chainOK(t, b, "2")

	// A blob found damaged by a reader is removed, so "rerun or resume"
	// is true of a succeeded run too: resume reruns from the step whose
	// blob it was.
	start := b.onlyTaskOf("ChainFlow", "2", "Start")
	small := b.artifacts("ChainFlow", "2", "Start", start)["Small"]
	p := b.blobPath("ChainFlow", small.Hash)
	z, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	z[len(z)-1] ^= 1
	if err := os.WriteFile(p, z, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := b.run("dump", "2", "--artifact", "Small")
	wantOneLineError(t, "dump of a damaged blob", bad, "rerun or resume")
	r = b.ok("resume", "--origin-run-id", "2")
	if !strings.Contains(r.stdout+r.stderr, "rerunning from Start") {
		t.Errorf("resume of run 2, whose Start blob was found damaged, does not rerun Start:\n%s", r)
	}
	chainOK(t, b, "3")
}

// TestIntegrityTornDataJSON (issue 7 item 3): a torn data.json (a power
// loss mid-write) is "not done" for resume, as a torn commit marker is,
// whether resume picks the step itself or is told to rerun that step;
// before, it blocked every resume.
func TestIntegrityTornDataJSON(t *testing.T) {
	for _, args := range [][]string{{"resume"}, {"resume", "Middle"}} {
		b := integrityBin(t, "chain")
		b.env = append(b.env, "CHAIN_FAIL_END=1")
		first, r := b.tryRun()
		if r.code != 1 {
			t.Fatalf("run with CHAIN_FAIL_END: want exit status 1\n%s", r)
		}
		b.env = b.env[:len(b.env)-1]
		p := b.taskDir("ChainFlow", first, "Middle", b.onlyTaskOf("ChainFlow", first, "Middle")) + "/0.data.json"
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, raw[:len(raw)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		r = b.ok(args...)
		if !strings.Contains(r.stdout+r.stderr, "rerunning from Middle") {
			t.Errorf("%v after a torn data.json of Middle:\n%s", args, r)
		}
		chainOK(t, b, "2")
	}
}

// TestIntegrityRecordChecked (issue 7 item 4): what a data.json claims is
// checked against the blob and the field: a wrong size, a wrong encoding,
// or a hash swapped for another valid blob is a one-line error, not a
// wrong value dumped silently; a wrong type is shown as recorded, said
// so, and stops the task that would decode it.
func TestIntegrityRecordChecked(t *testing.T) {
	b := integrityBin(t, "chain")
	run := b.runFlow()
	start := b.onlyTaskOf("ChainFlow", run, "Start")
	orig, err := os.ReadFile(b.taskDir("ChainFlow", run, "Start", start) + "/0.data.json")
	if err != nil {
		t.Fatal(err)
	}
	small := b.artifacts("ChainFlow", run, "Start", start)["Small"]
	for _, tc := range []struct {
		what     string
		artifact string
		edit     func(a map[string]any)
		phrase   string
	}{
		{"a wrong size", "Nums", func(a map[string]any) { a["Nums"].(map[string]any)["size"] = 12 }, "bytes"},
		{"a wrong size of a raw value", "Small", func(a map[string]any) { a["Small"].(map[string]any)["size"] = 3 }, "holds 5 bytes"},
		{"a wrong encoding", "Nums", func(a map[string]any) { a["Nums"].(map[string]any)["encoding"] = "raw" }, "encoding"},
		{"a string recorded as JSON", "Small", func(a map[string]any) { a["Small"].(map[string]any)["encoding"] = "json" }, `"raw"`},
		{"a hash swapped for another blob", "Nums", func(a map[string]any) { a["Nums"].(map[string]any)["hash"] = small.Hash }, "bytes"},
	} {
		b.editData("ChainFlow", run, "Start", start, tc.edit)
		r := b.run("dump", run+"/Start", "--artifact", tc.artifact, "--json")
		wantOneLineError(t, "dump with "+tc.what, r, tc.artifact, tc.phrase, "resume from its step")
		if err := os.WriteFile(b.taskDir("ChainFlow", run, "Start", start)+"/0.data.json", orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// A wrong type: dump shows the value as recorded and says that it is
	// not the field's type; the task that decodes the field refuses it.
	b.editData("ChainFlow", run, "Start", start, func(a map[string]any) { a["Nums"].(map[string]any)["type"] = "[]string" })
	d := b.run("dump", run+"/Start")
	note := `artifact "Nums" is recorded as type []string, but the flow's field Nums is []int now`
	if d.code != 0 || !strings.Contains(d.stdout, "Nums ([]string as recorded; the field is []int) = ") || !strings.Contains(d.stderr, note) {
		t.Errorf("dump with Nums recorded as a []string:\n%s", d)
	}
	if d := b.run("dump", run+"/Start", "--artifact", "Nums", "--json"); d.code != 0 || !strings.Contains(d.stderr, note) {
		t.Errorf("dump --json with Nums recorded as a []string:\n%s", d)
	}
	_, r := b.tryRun2("resume", "--origin-run-id", run, "Middle")
	if r.code != 1 || !strings.Contains(r.stderr, `is recorded as type []string (json), but field "Nums" has type []int (json)`) {
		t.Errorf("resume from Middle with Nums recorded as a []string:\n%s", r)
	}
}

// tryRun2 runs a run-starting command other than run (resume) and returns
// its run id and result.
func (b *flowBin) tryRun2(args ...string) (string, result) {
	b.t.Helper()
	f := b.t.TempDir() + "/run-id"
	r := b.run(append(append([]string{}, args...), "--quiet", "--run-id-file", f)...)
	id, _ := os.ReadFile(f)
	return strings.TrimSpace(string(id)), r
}
