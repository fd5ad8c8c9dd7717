package rt

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReservedCoversEnv: a parameter named like a setting the runtime
// reads from the environment would collide with it (FLOWC_<NAME> is the
// old spelling of the parameter's variable, refused with a message), so
// every FLOWC_ variable named in the runtime's and the targets' code must
// be in ReservedNames. The options' own variables are checked against
// the command line by the cli package's TestReservedNamesCoverOptions.
func TestReservedCoversEnv(t *testing.T) {
	lit := regexp.MustCompile(`"FLOWC_([A-Z0-9_]+)`)
	found := 0
	for _, root := range []string{".", "../targets"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
				name := m[1]
				if strings.HasSuffix(name, "_") || strings.HasPrefix(name, "PARAM_") {
					continue // a prefix: FLOWC_PARAM_<NAME> is a parameter's own
				}
				found++
				if _, ok := ReservedParam(name); !ok {
					t.Errorf("%s names FLOWC_%s, which is not in rt.ReservedNames; add %q, so no parameter can take its name",
						path, name, strings.ToLower(strings.ReplaceAll(name, "_", "-")))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found < 10 {
		t.Fatalf("found %d FLOWC_ variables in the runtime's code; the scan is broken", found)
	}
}
