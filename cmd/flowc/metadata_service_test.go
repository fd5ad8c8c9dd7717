package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad options are refused in one line before anything connects.
func TestMetadataServiceBadOptions(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "token")
	os.WriteFile(empty, []byte("\n"), 0o600)
	t.Setenv("FLOWC_METADATA_TOKEN", "")
	t.Setenv("FLOWC_DATABASE_URL", "")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"metadata-service"}, "--database-url is missing"},
		{[]string{"metadata-service", "--database-url", "postgres://x@127.0.0.1:1/db", "--listen", "0.0.0.0:8080"}, "no token is set"},
		{[]string{"metadata-service", "--database-url", "postgres://x@127.0.0.1:1/db", "--token", "a", "--token-file", empty}, "pass one"},
		{[]string{"metadata-service", "--database-url", "postgres://x@127.0.0.1:1/db", "--token-file", empty}, "is empty"},
		{[]string{"metadata-service", "--database-url", "postgres://x@127.0.0.1:1/db", "--heartbeat-timeout", "1ms"}, "too short"},
		{[]string{"metadata-service", "--database-url", "mysql://nope"}, "not a PostgreSQL URL"},
		{[]string{"metadata-service", "--database-url", "postgres://u:hunter2@127.0.0.1:1/db"}, "connecting to PostgreSQL at 127.0.0.1:1/db"},
	}
	for _, c := range cases {
		code, _, stderr := runAt(t, t.TempDir(), c.args...)
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 || strings.Contains(stderr, "hunter2") {
			t.Errorf("flowc %s: code %d, stderr %q; want one line with %q and no password", strings.Join(c.args[1:], " "), code, stderr, c.want)
		}
	}
}
