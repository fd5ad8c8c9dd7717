// Package testenv holds what the test harnesses share: how a test that needs
// an optional tool (moto, PostgreSQL, Chromium, the Kubernetes control plane)
// reacts when the tool is not there.
package testenv

import (
	"os"
	"path/filepath"
)

// TB is the part of testing.TB that Missing uses; an interface so that a
// harness's own helpers need not import testing.
type TB interface {
	Helper()
	Skip(args ...any)
	Fatal(args ...any)
}

// RequireToolsEnv, when set to 1 (as .ci/run does after it installed every
// tool), turns a missing tool from a skip into a failure, so CI proves that
// every test ran.
const RequireToolsEnv = "FLOWC_REQUIRE_TOOLS"

// Missing ends a test whose tool is not available: a skip with hint (one
// line naming what to install, or the script that installs it), or a failure
// under FLOWC_REQUIRE_TOOLS=1.
func Missing(t TB, hint string) {
	t.Helper()
	if os.Getenv(RequireToolsEnv) == "1" {
		t.Fatal(hint + " (" + RequireToolsEnv + "=1: every tool must be present)")
	}
	t.Skip(hint)
}

// CacheDir is where .ci/deps scripts install tools and harnesses look for
// them: <user cache dir>/flowc/<name>.
func CacheDir(name string) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "flowc", name)
}
