package testenv

import (
	"os"
	"os/exec"
)

// ChromiumHint is the line a test without Chromium skips with.
const ChromiumHint = "Chromium is not installed; run bash .ci/deps/chromium.sh (Debian: apt-get install -y chromium) or set FLOWC_CHROMIUM to its binary"

// Chromium returns the path of the Chromium binary the browser tests drive:
// $FLOWC_CHROMIUM, else Debian's /usr/bin/chromium, else chromium or
// chromium-browser on PATH. Without one the test ends through Missing.
func Chromium(t TB) string {
	t.Helper()
	if p := os.Getenv("FLOWC_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		Missing(t, "FLOWC_CHROMIUM="+p+" does not exist; "+ChromiumHint)
		return ""
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(t, ChromiumHint)
	return ""
}
