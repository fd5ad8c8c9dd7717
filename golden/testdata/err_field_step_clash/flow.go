package main

import "context"

// A Go error stops the generator before types are known, but the
// annotations' own mistakes (a bad schedule) are reported with it.
//
//flow:flow
//flow:schedule cron="99 25 * * ? *"
type ClashFlow struct {
	Middle string
	Other  int
}

//flow:step
//flow:next Middle
func (f *ClashFlow) Start(ctx context.Context) error { f.Middle = "x"; return nil }

//flow:step
//flow:next End
func (f *ClashFlow) Middle(ctx context.Context) error { return nil }

//flow:step
func (f *ClashFlow) End(ctx context.Context) error { return nil }
