package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/metadata"
)

type runsCmd struct {
	All bool     `help:"List the runs of every namespace, not only the current one."`
	Tag []string `sep:"none" placeholder:"TAG" help:"Only runs carrying this tag, a user or system tag (repeatable: all of them)."`
}

// Run lists through rt/client, so the CLI and the client agree on which
// runs exist, which are visible and what their status is.
func (c *runsCmd) Run(e *Env) error {
	ns := e.namespace()
	all := c.All || ns == ""
	if all {
		ns = ""
	}
	cl, err := e.clientIn(ns)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	header := "ID\tSTATUS\tSTARTED\tDURATION\tORIGIN\t"
	if all {
		header += "NAMESPACE\t"
	}
	fmt.Fprintln(w, header+"TAGS")
	rows := 0
	for r, err := range cl.Flow(e.Def.Graph.Flow).RunsSeq(e.Ctx, c.Tag...) {
		if errors.Is(err, metadata.ErrListing) {
			if rows > 0 { // the runs listed before it failed
				w.Flush()
			}
			return err // a listing refused from the start prints no table
		}
		rows++
		if err != nil {
			// One damaged record must not hide the other runs.
			fmt.Fprintf(w, "?\t(unreadable: %s)\t\t\t\t\n", oneLine(err))
			continue
		}
		dur := "-"
		if f := r.FinishedAt(); !f.IsZero() {
			dur = f.Sub(r.Started()).Round(time.Millisecond).String()
		}
		origin := "-"
		if r.Origin() != "" {
			origin = r.Origin()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t", r.ID(), r.Status(), r.Started().Local().Format("2006-01-02 15:04:05"), dur, origin)
		if all {
			fmt.Fprintf(w, "%s\t", r.Namespace())
		}
		fmt.Fprintf(w, "%s\n", strings.Join(r.Tags(), ","))
	}
	return w.Flush()
}

func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
