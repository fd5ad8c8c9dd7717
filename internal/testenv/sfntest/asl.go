// Package sfntest is the Step Functions target's test harness: the ASL
// validator, and moto's server with Step Functions executing definitions
// and Batch running each job as a local process (moto.go).
package sfntest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/flowc-dev/flowc/internal/testenv"
)

// TB is what the harness needs of a test.
type TB interface {
	testenv.TB
	Helper()
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}

// here is this package's directory, where its tool files are.
func here() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

const aslHint = "asl-validator is not installed; run .ci/deps/asl-validator.sh (needs npm)"

// ASLValidator is the asl-validator that .ci/deps/asl-validator.sh
// installed for this package.json, or ends the test with testenv.Missing.
func ASLValidator(t TB) string {
	t.Helper()
	pkg, err := os.ReadFile(filepath.Join(here(), "npm", "package.json"))
	if err != nil {
		t.Fatalf("reading the harness's package.json: %v", err)
	}
	sum := sha256.Sum256(pkg)
	bin := filepath.Join(testenv.CacheDir("asl-validator"), hex.EncodeToString(sum[:])[:12], "node_modules", ".bin", "asl-validator")
	if _, err := os.Stat(bin); err != nil {
		testenv.Missing(t, aslHint)
	}
	if _, err := exec.LookPath("node"); err != nil {
		testenv.Missing(t, "node is not on PATH; install Node.js 20 or later (asl-validator runs on it)")
	}
	return bin
}

// ValidateASL runs asl-validator over the definition files and fails the
// test with its report when any of them is invalid.
func ValidateASL(t TB, files ...string) {
	t.Helper()
	bin := ASLValidator(t)
	args := []string{}
	for _, f := range files {
		args = append(args, "--json-path", f)
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("asl-validator refused a definition: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
