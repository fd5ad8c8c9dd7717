// Command secondflow is SecondFlow of project demo_project: it reads the
// model of FirstFlow's latest run in the same namespace, which the
// project's deployments share.
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt/client"
)

// SecondFlow uses FirstFlow's model.
//
//flow:flow
//flow:project name=demo_project
type SecondFlow struct {
	Model string
}

// Start reads the model of FirstFlow's latest run.
//
//flow:step
//flow:next End
func (f *SecondFlow) Start(ctx context.Context) error {
	c, err := client.New(client.FromEnv())
	if err != nil {
		return err
	}
	run, err := c.Flow("FirstFlow").LatestRun(ctx)
	if err != nil {
		return err
	}
	if err := run.Data(ctx, "Model", &f.Model); err != nil {
		return err
	}
	fmt.Println("model:", f.Model)
	return nil
}

// End is done.
//
//flow:step
func (f *SecondFlow) End(ctx context.Context) error { return nil }
