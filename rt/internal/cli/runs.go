package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

type runsCmd struct {
	All bool `help:"List the runs of every namespace, not only the current one."`
}

func (c *runsCmd) Run(e *Env) error {
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	flow := e.Def.Graph.Flow
	ids, err := st.ListRuns(flow)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	current := e.namespace()
	all := c.All || current == ""
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	header := "ID\tSTATUS\tSTARTED\tDURATION\tORIGIN\t"
	if all {
		header += "NAMESPACE\t"
	}
	fmt.Fprintln(w, header+"TAGS")
	for _, id := range ids {
		r, err := st.GetRun(flow, id)
		if err != nil {
			fmt.Fprintf(w, "%s\t(unreadable: %v)\t\t\t\t\n", id, err)
			continue
		}
		if !all && !ns.Visible(r.Namespace, current) {
			continue
		}
		dur := "-"
		if !r.Finished.IsZero() {
			dur = r.Finished.Sub(r.Started).Round(time.Millisecond).String()
		}
		origin := "-"
		if r.Origin != "" {
			origin = r.Origin
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t", r.ID, status(r), r.Started.Local().Format("2006-01-02 15:04:05"), dur, origin)
		if all {
			fmt.Fprintf(w, "%s\t", r.Namespace)
		}
		fmt.Fprintf(w, "%s\n", strings.Join(r.Tags, ","))
	}
	return w.Flush()
}
