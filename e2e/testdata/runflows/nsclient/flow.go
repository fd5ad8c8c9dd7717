// Command nsclient is NSClientFlow: a step reads the datastore through the
// client, configured as a program would configure it (client.FromEnv), and
// records which namespace that client is in.
package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/client"
)

// NSClientFlow records what the client inside its Start task sees.
//
//flow:flow
type NSClientFlow struct {
	Seen  string // the client's current namespace
	Found string // "yes" when that client finds this very run, else its error
}

//flow:step
//flow:next End
func (f *NSClientFlow) Start(ctx context.Context) error {
	c, err := client.New(client.FromEnv())
	if err != nil {
		return err
	}
	f.Seen = c.CurrentNamespace()
	f.Found = "yes"
	if _, err := c.Flow("NSClientFlow").Run(ctx, rt.Current(ctx).RunID); err != nil {
		f.Found = err.Error()
	}
	return nil
}

//flow:step
func (f *NSClientFlow) End(ctx context.Context) error { return nil }
