package codepkg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePlatform(t *testing.T) {
	for _, s := range []string{"linux/amd64", "linux/arm64"} {
		p, err := ParsePlatform(s)
		if err != nil || p.String() != s {
			t.Errorf("ParsePlatform(%q) = %v, %v", s, p, err)
		}
	}
	if p, _ := ParsePlatform(""); p != DefaultPlatform {
		t.Errorf("ParsePlatform(\"\") = %v, want %v", p, DefaultPlatform)
	}
	for _, s := range []string{"windows/amd64", "linux", "linux/386", "darwin/arm64", "linux/amd64/v2"} {
		_, err := ParsePlatform(s)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), `"`+s+`"`) || !strings.Contains(err.Error(), "use linux/amd64 or linux/arm64") {
			t.Errorf("ParsePlatform(%q): %v; want a one-line error naming it and the fix", s, err)
		}
	}
}

func TestCheckELF(t *testing.T) {
	amd64 := Platform{"linux", "amd64"}
	arm64 := Platform{"linux", "arm64"}
	static := staticHello(t)
	if r, err := checkELF(static, amd64); err != nil || r != "" {
		t.Errorf("static linux/amd64 binary: %q, %v; want it accepted", r, err)
	}
	if r, _ := checkELF(static, arm64); r != "built for linux/amd64, not linux/arm64" {
		t.Errorf("static linux/amd64 binary for arm64: %q", r)
	}
	arm := goBuild(t, helloSrc, "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
	if r, err := checkELF(arm, arm64); err != nil || r != "" {
		t.Errorf("static linux/arm64 binary: %q, %v; want it accepted", r, err)
	}
	script := filepath.Join(t.TempDir(), "script")
	os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755)
	if r, _ := checkELF(script, amd64); r != "not a Linux executable (ELF)" {
		t.Errorf("shell script: %q", r)
	}
}

// A default cgo build that imports os/user is linux/amd64 in its build info
// and still needs the host's libc: only the ELF tells.
func TestCheckELFDynamic(t *testing.T) {
	if !haveCC() {
		t.Skip("no C compiler: install gcc to test dynamically linked binaries")
	}
	dyn := goBuild(t, "package main\n\nimport \"os/user\"\n\nfunc main() { user.Current() }\n", "CGO_ENABLED=1", "GOOS=linux", "GOARCH=amd64")
	r, err := checkELF(dyn, Platform{"linux", "amd64"})
	if err != nil || !strings.HasPrefix(r, "dynamically linked (needs ") || !strings.Contains(r, "libc") {
		t.Errorf("cgo os/user binary: %q, %v; want it refused as dynamically linked", r, err)
	}
	if _, err := newPackage(t.Context(), Options{Def: testDef(), Binary: dyn}, nil); err == nil ||
		!strings.Contains(err.Error(), "dynamically linked") || !strings.Contains(err.Error(), "CGO_ENABLED=0") || strings.Contains(err.Error(), "\n") {
		t.Errorf("packaging a dynamic --binary: %v; want a one-line refusal with the build command", err)
	}
}
