package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHardenCLIMaxWorkers: an absurd --max-workers is a one-line error
// and no run, not an out-of-memory crash or a panic in makechan.
func TestHardenCLIMaxWorkers(t *testing.T) {
	b := runFlowBin(t, "linear")
	for _, n := range []string{"1000000000000", "4611686018427387904", "10001"} {
		id, r := b.tryRun("--max-workers", n)
		wantOneLineError(t, "run --max-workers "+n, r, "--max-workers "+n, "10000")
		if id != "" {
			t.Errorf("run --max-workers %s recorded run %s", n, id)
		}
	}
	noRuns(t, b, "absurd --max-workers")
	// Given through the environment, the message names the variable.
	env := &flowBin{t: t, path: b.path, dir: b.dir, env: append(b.env, "FLOWC_MAX_WORKERS=0")}
	_, r := env.tryRun()
	wantOneLineError(t, "FLOWC_MAX_WORKERS=0 run", r, "FLOWC_MAX_WORKERS=0 is below 1")
	_, r = env.tryRun("--max-workers", "20000")
	wantOneLineError(t, "FLOWC_MAX_WORKERS=0 run --max-workers 20000", r, "--max-workers 20000 is above 10000")
	noRuns(t, b, "a bad FLOWC_MAX_WORKERS")
	b.runFlow("--max-workers", "10000")
}

// TestHardenCLIIncludeFileKinds: an includefile must be a regular file no
// larger than --max-includefile-size (1 GiB by default): /dev/zero and a
// directory are refused at once, in one line, with no run recorded.
func TestHardenCLIIncludeFileKinds(t *testing.T) {
	b := runFlowBin(t, "include")
	os.WriteFile(filepath.Join(b.dir, "notes.txt"), []byte("one\ntwo\n"), 0o666)
	os.WriteFile(filepath.Join(b.dir, "blob.bin"), []byte("0123456789"), 0o666)
	cases := []struct {
		args    []string
		phrases []string
	}{
		{[]string{"--notes", "/dev/zero"}, []string{"--notes", `"/dev/zero"`, "not a regular file"}},
		{[]string{"--notes", b.dir}, []string{"--notes", "directory"}},
		{[]string{"--max-includefile-size", "9"}, []string{"--blob", `"blob.bin"`, "9 bytes", "--max-includefile-size"}},
		{[]string{"--max-includefile-size", "1XB"}, []string{"--max-includefile-size", `"1XB"`}},
	}
	if mkfifo != nil {
		fifo := filepath.Join(b.dir, "fifo")
		if err := mkfifo(fifo); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			args    []string
			phrases []string
		}{[]string{"--notes", fifo}, []string{"--notes", "named pipe"}})
	}
	for _, c := range cases {
		f := filepath.Join(t.TempDir(), "id")
		r := runWithin(t, b, 20*time.Second, append([]string{"run", "--quiet", "--run-id-file", f}, c.args...)...)
		wantOneLineError(t, "run "+strings.Join(c.args, " "), r, c.phrases...)
	}
	noRuns(t, b, "bad includefiles")

	// The limit is inclusive and reads FLOWC_MAX_INCLUDEFILE_SIZE too.
	b.runFlow("--max-includefile-size", "10")
	env := *b
	env.env = append(env.env, "FLOWC_MAX_INCLUDEFILE_SIZE=9")
	_, r := env.tryRun()
	wantOneLineError(t, "run with FLOWC_MAX_INCLUDEFILE_SIZE=9", r, "--blob", "9 bytes")
}

// TestHardenCLIRunIDFile: a --run-id-file that cannot be written is found
// before the run is recorded.
func TestHardenCLIRunIDFile(t *testing.T) {
	b := runFlowBin(t, "linear")
	for _, f := range []string{filepath.Join(b.dir, "no-such-dir", "id"), b.dir} {
		r := b.run("run", "--quiet", "--run-id-file", f)
		wantOneLineError(t, "run --run-id-file "+f, r, "--run-id-file", f)
	}
	noRuns(t, b, "a bad --run-id-file")
	// An existing file is overwritten with the id, nothing else.
	f := filepath.Join(b.dir, "id")
	os.WriteFile(f, []byte("a much longer previous content\n"), 0o666)
	b.ok("run", "--quiet", "--run-id-file", f)
	if got, _ := os.ReadFile(f); string(got) != "1" {
		t.Errorf("--run-id-file holds %q, want %q", got, "1")
	}
}

// TestHardenCLILongValues: a 100,000-character value in a bad command
// line is shown clipped, in a line of bounded length.
func TestHardenCLILongValues(t *testing.T) {
	b := runFlowBin(t, "params")
	long := strings.Repeat("a", 100000)
	for _, args := range [][]string{
		{"run", "--token", "t", "--count", long},
		{"run", "--token", "t", "--tag", long + "\n"},
		{"run", "--token", "t", "--origin", long},
		{"dump", long},
		{"dump", "1/" + long},
		{"logs", "1/Start", "--attempt", long},
	} {
		what := strings.Join(args, " ")[:30] + "..."
		r := b.run(args...)
		wantOneLineError(t, what, r, "aaaa")
		if len(r.stderr) > 2500 || strings.Contains(r.stderr, long[:1000]) {
			t.Errorf("%s: error line of %d bytes", what, len(r.stderr))
		}
	}
}
