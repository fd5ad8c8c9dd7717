// Command params is ParamsFlow: a parameter of every kind.
package main

import (
	"context"
	"fmt"
	"time"
)

// Point is a JSON parameter.
type Point struct {
	X int `json:"x"`
	Y int `json:"y"`
}

// ParamsFlow echoes its parameters.
//
//flow:flow
type ParamsFlow struct {
	// Who to greet.
	//flow:param default=world
	Name string
	// How many times.
	//flow:param default=5
	Count int
	//flow:param
	Verbose bool
	//flow:param default=0.5
	Ratio float64
	//flow:param default=1m30s
	Wait time.Duration
	// Tags, separated by ";".
	//flow:param default=a;b separator=;
	Tags []string
	//flow:param default="{\"x\":1,\"y\":2}"
	Origin Point
	// A token nobody can guess.
	//flow:param required
	Token string

	// Seen is what the Start step saw, formatted there.
	Seen string
}

//flow:step
//flow:next End
func (f *ParamsFlow) Start(ctx context.Context) error {
	f.Seen = fmt.Sprintf("%s|%d|%t|%g|%s|%q|%d,%d|%s",
		f.Name, f.Count, f.Verbose, f.Ratio, f.Wait, f.Tags, f.Origin.X, f.Origin.Y, f.Token)
	return nil
}

//flow:step
func (f *ParamsFlow) End(ctx context.Context) error { return nil }
