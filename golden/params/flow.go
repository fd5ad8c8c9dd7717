package main

import (
	"context"
	"time"
)

// Config is a JSON parameter.
type Config struct {
	Depth int               `json:"depth"`
	Tags  map[string]string `json:"tags"`
}

// ParamsFlow has a parameter of every kind.
//
//flow:flow
type ParamsFlow struct {
	// Who to greet.
	//flow:param default=world
	Name string
	// Verbose output.
	//flow:param
	Verbose bool
	//flow:param default=5
	Count int
	//flow:param default=-9000000000
	Big int64
	//flow:param default=7 name=small
	Small uint8
	//flow:param default=0.5
	Ratio float64
	//flow:param default=1m30s
	Wait time.Duration
	// Genres to keep, separated by ";".
	//flow:param default=a;b separator=;
	Genres []string
	//flow:param default=1,2,3
	Sizes []int
	//flow:param default="{\"depth\":2}"
	Config Config
	//flow:param required
	Token string
	//flow:param name=alpha_mode
	Alpha string
}

//flow:step
//flow:next End
func (f *ParamsFlow) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *ParamsFlow) End(ctx context.Context) error {
	return nil
}
