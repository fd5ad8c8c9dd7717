package codepkg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
)

// Binary is the flow binary that ships.
type Binary struct {
	Path     string
	Size     int64
	SHA256   string // hex
	Platform Platform
	Info     *debug.BuildInfo
	// Built is set when the binary was built for the platform because the
	// running one did not fit; Reason says why it did not.
	Built  bool
	Reason string
}

// Setting returns a build setting recorded in the binary ("" when absent).
func (b *Binary) Setting(key string) string { return setting(b.Info, key) }

func setting(bi *debug.BuildInfo, key string) string {
	for _, s := range bi.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// inspect reads the file at path as the binary for p; reason is why it
// cannot ship ("" when it can).
func inspect(path string, p Platform) (b *Binary, reason string, err error) {
	reason, err = checkELF(path, p)
	if err != nil {
		return nil, "", err
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("reading the Go build info of %q: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, "", fmt.Errorf("reading %q: %w", path, err)
	}
	return &Binary{Path: path, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), Platform: p, Info: info}, reason, nil
}

// buildHint is the command that builds the binary for p, for messages.
func buildHint(bi *debug.BuildInfo, p Platform) string {
	pkg := "."
	if bi != nil && bi.Path != "" {
		pkg = bi.Path
	}
	return fmt.Sprintf("GOOS=%s GOARCH=%s CGO_ENABLED=0 go build -o flow-%s-%s %s", p.OS, p.Arch, p.OS, p.Arch, pkg)
}

// build builds the main package of running (the build info of the running
// binary) for p, statically, into dir, and returns the file's path: from
// the module in src when that is the module the binary came from, else,
// for a released version, with `go install pkg@version`.
func build(ctx context.Context, running *debug.BuildInfo, p Platform, src, dir string) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the Go toolchain is not on PATH")
	}
	if running == nil || running.Path == "" {
		return "", errors.New("the running binary has no Go build info")
	}
	env := append(os.Environ(), "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0")
	if setting(running, "GOARCH") == p.Arch {
		for _, k := range []string{"GOAMD64", "GOARM64"} {
			if v := setting(running, k); v != "" {
				env = append(env, k+"="+v)
			}
		}
	}
	// The flags the running binary was built with, so that the rebuilt one
	// is the same program; VCS stamping as it was, so the labels agree.
	flags := []string{"-buildvcs=" + fmt.Sprint(setting(running, "vcs") != "")}
	for _, k := range []string{"-tags", "-ldflags", "-gcflags", "-asmflags"} {
		if v := setting(running, k); v != "" {
			flags = append(flags, k+"="+v)
		}
	}
	if setting(running, "-trimpath") == "true" {
		flags = append(flags, "-trimpath")
	}
	run := func(dir string, env []string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, gobin, args...)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err != nil {
			msg := strings.TrimSpace(out.String())
			if msg == "" {
				msg = err.Error()
			}
			return "", fmt.Errorf("go %s: %s", args[0], msg)
		}
		return out.String(), nil
	}

	// The source in reach first: since Go 1.24 a build in a repository
	// records a pseudo-version, so a version alone does not mean a release.
	out, listErr := run(src, nil, "list", "-f", "{{.Module.Path}} {{.Module.Main}}", running.Path)
	v := running.Main.Version
	if listErr != nil || strings.TrimSpace(out) != running.Main.Path+" true" {
		if v == "" || v == "(devel)" || strings.HasSuffix(v, "+dirty") {
			if listErr != nil {
				return "", fmt.Errorf("the source of %s is not in reach of %q: %w", running.Path, src, listErr)
			}
			return "", fmt.Errorf("%q is not in module %s, which the binary was built from", src, running.Main.Path)
		}
		// A release: the module cache or proxy has its source. go install
		// refuses GOBIN for cross builds, so it installs into a scratch
		// GOPATH (sharing the real module cache) instead.
		cache, err := run(src, nil, "env", "GOMODCACHE")
		if err != nil {
			return "", err
		}
		gopath := filepath.Join(dir, "gopath")
		env = append(env, "GOPATH="+gopath, "GOMODCACHE="+strings.TrimSpace(cache), "GOBIN=")
		args := append(append([]string{"install"}, flags...), running.Path+"@"+v)
		if _, err := run(src, env, args...); err != nil {
			return "", err
		}
		var found string
		filepath.WalkDir(filepath.Join(gopath, "bin"), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				found = path
			}
			return nil
		})
		if found == "" {
			return "", fmt.Errorf("go install %s@%s wrote no binary", running.Path, v)
		}
		return found, nil
	}

	bin := filepath.Join(dir, "flow")
	args := append(append([]string{"build", "-o", bin}, flags...), running.Path)
	if _, err := run(src, env, args...); err != nil {
		return "", err
	}
	return bin, nil
}

// sameProgram checks that built came from the source running did: the same
// main package, dependency versions and VCS revision. An uncommitted change
// made after the running binary was built cannot be seen.
func sameProgram(running, built *debug.BuildInfo) error {
	if running.Path != built.Path {
		return fmt.Errorf("main package %s, not %s", built.Path, running.Path)
	}
	for _, k := range []string{"vcs.revision", "vcs.modified"} {
		if a, b := setting(running, k), setting(built, k); a != b {
			return fmt.Errorf("%s %q, not %q", k, b, a)
		}
	}
	a, b := moduleList(running), moduleList(built)
	for _, m := range a {
		if !slices.Contains(b, m) {
			return fmt.Errorf("it does not have %s", m)
		}
	}
	for _, m := range b {
		if !slices.Contains(a, m) {
			return fmt.Errorf("it has %s", m)
		}
	}
	return nil
}

// moduleList is the dependencies as sorted "path@version" (with "=>
// replacement" when replaced).
func moduleList(bi *debug.BuildInfo) []string {
	var out []string
	for _, d := range bi.Deps {
		s := d.Path + "@" + d.Version
		if d.Replace != nil {
			s += "=>" + d.Replace.Path
			if d.Replace.Version != "" {
				s += "@" + d.Replace.Version
			}
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
