package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunParams: a parameter of every kind, from defaults, flags and the
// environment, as stored and as the step saw it.
func TestRunParams(t *testing.T) {
	b := runFlowBin(t, "params")

	id := b.runFlow("--token", "s3cret")
	var seen string
	b.dump(id+"/Start", &seen, "--artifact", "Seen")
	if want := `world|5|false|0.5|1m30s|["a" "b"]|1,2|s3cret`; seen != want {
		t.Errorf("defaults: Start saw %s, want %s", seen, want)
	}
	var end map[string]json.RawMessage
	b.dump(id, &end)
	for k, v := range map[string]string{"Wait": "90000000000", "Origin": `{"x":1,"y":2}`, "Tags": `["a","b"]`, "Verbose": "false"} {
		if got := string(end[k]); got != v {
			t.Errorf("defaults: End.%s = %s, want %s", k, got, v)
		}
	}

	id = b.runFlow("--name", "Ann", "--count=-7", "--verbose", "--ratio", "2.25", "--wait", "1500ms",
		"--tags", "x;y,z;w", "--origin", `{"x":-3,"y":4}`, "--token", "t")
	b.dump(id+"/End", &seen, "--artifact", "Seen")
	if want := `Ann|-7|true|2.25|1.5s|["x" "y,z" "w"]|-3,4|t`; seen != want {
		t.Errorf("flags: End saw %s, want %s", seen, want)
	}

	envB := *b
	envB.env = append(envB.env, "FLOWC_PARAM_TOKEN=from-env", "FLOWC_PARAM_COUNT=3")
	id = envB.runFlow()
	b.dump(id+"/Start", &seen, "--artifact", "Seen")
	if want := `world|3|false|0.5|1m30s|["a" "b"]|1,2|from-env`; seen != want {
		t.Errorf("environment: Start saw %s, want %s", seen, want)
	}
}

// TestRunParamErrors: every bad command line is one line naming the
// problem, exit status 1, and no run recorded.
func TestRunParamErrors(t *testing.T) {
	b := runFlowBin(t, "params")
	for _, c := range []struct {
		args    []string
		phrases []string
	}{
		{[]string{"--token", "t", "--count", "abc"}, []string{"--count", `"abc"`}},
		{[]string{"--token", "t", "--ratio", "x"}, []string{"--ratio", `"x"`}},
		{[]string{"--token", "t", "--wait", "5x"}, []string{"--wait", `"5x"`}},
		{[]string{"--token", "t", "--origin", "{bad"}, []string{"--origin", "JSON"}},
		{[]string{"--token", "t", "--verbose=maybe"}, []string{"--verbose"}},
		{[]string{}, []string{"--token"}},
		{[]string{"--token", "t", "--nope"}, []string{"--nope"}},
		{[]string{"--token", "t", "--max-num-splits", "0"}, []string{"--max-num-splits"}},
	} {
		id, r := b.tryRun(c.args...)
		wantOneLineError(t, "run "+strings.Join(c.args, " "), r, c.phrases...)
		if id != "" {
			t.Errorf("run %s: a run (%s) was recorded", strings.Join(c.args, " "), id)
		}
	}
	if out := b.ok("runs").stdout; strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("runs lists runs after bad command lines only:\n%s", out)
	}
}

// TestRunIncludeFile: an includefile is read at run start and stored with
// the run, so changing the file later changes later runs only.
func TestRunIncludeFile(t *testing.T) {
	b := runFlowBin(t, "include")
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(b.dir, name), []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	type snap struct {
		Notes string
		Blob  []byte // JSON base64, as encoding/json reads it
		Lines int
	}
	blob1 := []byte{0, 1, 2, 0xff, '\n'}
	write("notes.txt", "one\ntwo\n")
	write("blob.bin", string(blob1))
	id1 := b.runFlow()
	write("notes.txt", "one\ntwo\nthree\n")
	write("blob.bin", "second")
	id2 := b.runFlow()
	write("other.txt", "x\n")
	id3 := b.runFlow("--notes", filepath.Join(b.dir, "other.txt"))

	for _, c := range []struct {
		id    string
		notes string
		blob  []byte
		lines int
	}{
		{id1, "one\ntwo\n", blob1, 2},
		{id2, "one\ntwo\nthree\n", []byte("second"), 3},
		{id3, "x\n", []byte("second"), 1},
	} {
		var s snap
		b.dump(c.id, &s)
		if s.Notes != c.notes || !bytes.Equal(s.Blob, c.blob) || s.Lines != c.lines {
			t.Errorf("run %s: got %+v, want Notes %q Blob %v Lines %d", c.id, s, c.notes, c.blob, c.lines)
		}
	}

	_, r := b.tryRun("--notes", "missing.txt")
	wantOneLineError(t, "run --notes missing.txt", r, "--notes", "missing.txt")
	os.Remove(filepath.Join(b.dir, "notes.txt"))
	_, r = b.tryRun()
	wantOneLineError(t, "run without notes.txt", r, "notes.txt")
}

// TestRunParamsDollar: a flow's doc, a parameter's doc and its default are
// literal text, ${...} included; kong would read that as one of its
// variables, and an unknown one failed every command of the binary.
func TestRunParamsDollar(t *testing.T) {
	b := runFlowBin(t, "dollar")
	help := b.ok("run", "--help").stdout
	for _, want := range []string{`--s="x ${X} $$ $"`, "Costs ${price} dollars"} {
		if !strings.Contains(help, want) {
			t.Errorf("run --help lacks %q:\n%s", want, help)
		}
	}
	if top := b.ok("--help").stdout; !strings.Contains(top, "DollarFlow costs ${price}.") {
		t.Errorf("--help lacks the flow's doc as written:\n%s", top)
	}
	id := b.runFlow()
	var s string
	b.dump(id+"/Start", &s, "--artifact", "S")
	if s != "x ${X} $$ $" {
		t.Errorf("S = %q, want the default as written", s)
	}
}
