// Command fulldisk is FullDiskFlow: with FULLDISK_FILL set, its End step
// fills the file system under that path, so whatever the run writes after
// it (End's own commit, the final run status) finds the disk full.
package main

import (
	"context"
	"os"
)

// FullDiskFlow fills the disk in End.
//
//flow:flow
type FullDiskFlow struct {
	Note string
}

//flow:step
//flow:next End
func (f *FullDiskFlow) Start(ctx context.Context) error {
	f.Note = "started"
	return nil
}

//flow:step
func (f *FullDiskFlow) End(ctx context.Context) error {
	path := os.Getenv("FULLDISK_FILL")
	if path == "" {
		return nil
	}
	fill, err := os.Create(path)
	if err != nil {
		return err
	}
	defer fill.Close()
	// Big writes, then smaller ones, until not one more byte fits.
	for size := 1 << 20; size > 0; size /= 2 {
		buf := make([]byte, size)
		for {
			if _, err := fill.Write(buf); err != nil {
				break
			}
		}
	}
	return nil
}
