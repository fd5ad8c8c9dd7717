package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/internal/task"
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
	ns := e.G.Namespace
	if ns == "" {
		ns = "user:" + task.UserName()
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATUS\tSTARTED\tDURATION\tTAGS")
	for _, id := range ids {
		r, err := st.GetRun(flow, id)
		if err != nil {
			fmt.Fprintf(w, "%s\t(unreadable: %v)\t\t\t\n", id, err)
			continue
		}
		if !c.All && r.Namespace != ns {
			continue
		}
		dur := "-"
		if !r.Finished.IsZero() {
			dur = r.Finished.Sub(r.Started).Round(time.Millisecond).String()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Started.Local().Format("2006-01-02 15:04:05"), dur, strings.Join(r.Tags, ","))
	}
	return w.Flush()
}
