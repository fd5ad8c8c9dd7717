package cli

import (
	"bufio"
	"fmt"
)

// The tag commands go through rt/client, which owns the one write a reader
// may make (tags, under the run record's lock).

type tagCmd struct {
	Add    tagAddCmd    `cmd:"" help:"Add tags to a run."`
	Remove tagRemoveCmd `cmd:"" help:"Remove user tags from a run (system tags stay)."`
	List   tagListCmd   `cmd:"" help:"List the tags of a run: user tags, then system tags marked (system)."`
}

type tagArgs struct {
	ID   string   `arg:"" name:"run" help:"The run id."`
	Tags []string `arg:"" name:"tag" help:"The tags."`
}

type tagAddCmd struct{ tagArgs }

type tagRemoveCmd struct{ tagArgs }

type tagListCmd struct {
	ID string `arg:"" name:"run" help:"The run id."`
}

func (c *tagAddCmd) Run(e *Env) error {
	r, err := e.clientRun(c.ID)
	if err != nil {
		return err
	}
	return r.AddTags(e.Ctx, c.Tags...)
}

func (c *tagRemoveCmd) Run(e *Env) error {
	r, err := e.clientRun(c.ID)
	if err != nil {
		return err
	}
	return r.RemoveTags(e.Ctx, c.Tags...)
}

func (c *tagListCmd) Run(e *Env) error {
	r, err := e.clientRun(c.ID)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.Stdout)
	for _, t := range r.Tags() {
		fmt.Fprintln(w, t)
	}
	for _, t := range r.SysTags() {
		fmt.Fprintf(w, "%s (system)\n", t)
	}
	return w.Flush()
}
