// Command firstflow is FirstFlow of project demo_project: deployed as
// demo_project.user.<you>.FirstFlow, demo_project.test.<branch>.FirstFlow
// (--branch) or demo_project.prod.FirstFlow (--production). It makes the
// model that SecondFlow, of the same project, reads.
package main

//go:generate go tool flowc

import "context"

// FirstFlow makes a model.
//
//flow:flow
//flow:project name=demo_project
type FirstFlow struct {
	Model string
}

// Start makes the model.
//
//flow:step
//flow:next End
func (f *FirstFlow) Start(ctx context.Context) error {
	f.Model = "this is a demo model"
	return nil
}

// End is done.
//
//flow:step
func (f *FirstFlow) End(ctx context.Context) error { return nil }
