// Command include is IncludeFlow: files read at run start and stored with
// the run.
package main

import (
	"context"
	"strings"
)

// IncludeFlow counts the lines of its notes.
//
//flow:flow
type IncludeFlow struct {
	// The notes; the default is read from the working directory, since
	// no notes.txt is next to the flow when it is generated.
	//flow:includefile default=notes.txt
	Notes string
	// Raw bytes.
	//flow:includefile default=blob.bin
	Blob []byte

	Lines int
}

//flow:step
//flow:next End
func (f *IncludeFlow) Start(ctx context.Context) error {
	f.Lines = len(strings.Split(strings.TrimSpace(f.Notes), "\n"))
	return nil
}

//flow:step
func (f *IncludeFlow) End(ctx context.Context) error { return nil }
