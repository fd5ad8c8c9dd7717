package cli

import (
	"bufio"
	"fmt"
	"slices"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

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
	for _, t := range c.Tags {
		if err := validTag("tag", t); err != nil {
			return err
		}
	}
	return c.update(e, func(r *store.Run) error {
		for _, t := range c.Tags {
			if !slices.Contains(r.Tags, t) {
				r.Tags = append(r.Tags, t)
			}
		}
		return nil
	})
}

func (c *tagRemoveCmd) Run(e *Env) error {
	return c.update(e, func(r *store.Run) error {
		for _, t := range c.Tags {
			if slices.Contains(r.SysTags, t) && !slices.Contains(r.Tags, t) {
				return fmt.Errorf("tag %q of run %s is a system tag; system tags cannot be removed", t, r.ID)
			}
		}
		r.Tags = slices.DeleteFunc(r.Tags, func(t string) bool { return slices.Contains(c.Tags, t) })
		return nil
	})
}

// update changes the run's record under its lock, so a tag edit and the
// scheduler's status change never lose each other.
func (a *tagArgs) update(e *Env, fn func(*store.Run) error) error {
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	if err := store.ValidID("run id", a.ID); err != nil {
		return err
	}
	if _, err := e.run(st, a.ID); err != nil {
		return err
	}
	return st.UpdateRun(e.Def.Graph.Flow, a.ID, fn)
}

func (c *tagListCmd) Run(e *Env) error {
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	if err := store.ValidID("run id", c.ID); err != nil {
		return err
	}
	r, err := e.run(st, c.ID)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.Stdout)
	for _, t := range r.Tags {
		fmt.Fprintln(w, t)
	}
	for _, t := range r.SysTags {
		fmt.Fprintf(w, "%s (system)\n", t)
	}
	return w.Flush()
}
