// Command linear is a linear flow with one parameter of each kind. Its
// runner is generated (go generate in rt/runner).
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

// LinearFlow adds things up.
//
//flow:flow
type LinearFlow struct {
	// How to greet.
	//flow:param default=hello
	Greeting string
	// How many.
	//flow:param default=3
	Count int
	// Talk more.
	//flow:param
	Verbose bool
	// A ratio.
	//flow:param default=0.5
	Ratio float64
	// A duration.
	//flow:param default=1s
	Wait time.Duration
	// Some names.
	//flow:param default=a,b
	Names []string
	// JSON extras.
	//flow:param default={}
	Extra map[string]int
	// A required one.
	//flow:param required
	Need string
	// A file of notes.
	//flow:includefile default=notes.txt
	Notes string
	// A binary file.
	//flow:includefile
	Data []byte

	Message string
	Total   int
	Seen    []string
	Info    rt.Info
	Payload []byte
}

// Start greets.
//
//flow:step
//flow:next Middle
func (f *LinearFlow) Start(ctx context.Context) error {
	f.Message = f.Greeting + " " + strings.Join(f.Names, "+")
	f.Total = f.Count
	f.Payload = []byte{0, 1, 2, 255}
	fmt.Println("start says", f.Message)
	fmt.Fprintln(os.Stderr, "start warns")
	return nil
}

//flow:step
//flow:next End
func (f *LinearFlow) Middle(ctx context.Context) error {
	f.Total += len(f.Notes) + len(f.Data)
	f.Seen = append(f.Seen, "middle")
	f.Info = rt.Current(ctx)
	return nil
}

//flow:step
func (f *LinearFlow) End(ctx context.Context) error {
	f.Seen = append(f.Seen, "end")
	return nil
}
