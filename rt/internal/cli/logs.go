package cli

import (
	"bufio"
	"fmt"
	"io"

	"github.com/flowc-dev/flowc/rt/internal/store"
)

type logsCmd struct {
	Target  string `arg:"" placeholder:"RUN/STEP[/TASK]" help:"The task (or every task of the step)."`
	Stderr  bool   `help:"Show stderr instead of stdout."`
	Attempt int    `default:"-1" help:"Attempt number (default: the latest)."`
}

func (c *logsCmd) Run(e *Env) error {
	t, err := parseTarget(c.Target, true)
	if err != nil {
		return err
	}
	st, err := e.OpenStore()
	if err != nil {
		return err
	}
	paths, err := e.tasks(st, t)
	if err != nil {
		return err
	}
	stream := "stdout"
	if c.Stderr {
		stream = "stderr"
	}
	w := bufio.NewWriter(e.Stdout)
	defer w.Flush()
	for _, p := range paths {
		attempt := c.Attempt
		if attempt < 0 {
			attempt = 0
			if d, err := st.LatestDone(p); err == nil {
				attempt = d.Attempt
			}
		}
		if len(paths) > 1 {
			fmt.Fprintf(w, "==> %s/%s/%s (attempt %d) <==\n", p.Run, p.Step, p.Task, attempt)
		}
		if err := copyLog(w, st, p, attempt, stream); err != nil {
			return err
		}
	}
	return nil
}

func copyLog(w io.Writer, st *store.Store, p store.TaskPath, attempt int, stream string) error {
	r, err := st.OpenLog(p, attempt, stream)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return err
}
