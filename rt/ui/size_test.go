package ui

import (
	"io/fs"
	"testing"
)

// TestAssetsSize: the page's embedded files stay far below issue 12's
// 3 MB budget for what the browser adds to a binary (bench/ui.sh measures
// the whole addition: the package's code too).
func TestAssetsSize(t *testing.T) {
	var total int64
	err := fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		total += fi.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("embedded assets: %d bytes", total)
	if total > 3<<20 {
		t.Errorf("embedded assets are %d bytes, over the 3 MB budget", total)
	}
}
