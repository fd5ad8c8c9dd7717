package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/flowc-dev/flowc/rt/client"
)

type logsCmd struct {
	Target  string `arg:"" placeholder:"RUN/STEP[/TASK]" help:"The task (or every task of the step)."`
	Stderr  bool   `help:"Show stderr instead of stdout."`
	Attempt int    `default:"-1" help:"Attempt number (default: the latest)."`
}

// Run reads through rt/client, as every reader of runs should.
func (c *logsCmd) Run(e *Env) error {
	t, err := parseTarget(c.Target, true)
	if err != nil {
		return err
	}
	if c.Attempt < -1 {
		return fmt.Errorf("--attempt %d is not an attempt; attempts count from 0", c.Attempt)
	}
	r, err := e.clientRun(t.run)
	if err != nil {
		return err
	}
	tasks, err := e.clientTasks(r, t)
	if err != nil {
		return err
	}
	stream := "stdout"
	if c.Stderr {
		stream = "stderr"
	}
	w := bufio.NewWriter(e.Stdout)
	defer w.Flush()
	var missing error
	var killed []string // noted on stderr after the output, which is up to the kill
	var failed []string // so are failed attempts: one killed by a second
	// interrupt or a timeout has no word of it in its own output
	shown := 0
	for _, task := range tasks {
		rc, err := task.Log(e.Ctx, stream, c.Attempt)
		if errors.Is(err, client.ErrNotFound) && len(tasks) > 1 {
			// Of a step's tasks only those that were retried have a
			// later attempt; show those, and fail only if none has it.
			missing = err
			continue
		}
		if err != nil {
			return err
		}
		attempt := c.Attempt
		if attempt < 0 {
			attempt = task.Attempt()
		}
		if why := task.KillCause(); why != "" {
			// Log showed the killed attempt, the last one started,
			// unless another was asked for.
			if have, err := task.Attempts(e.Ctx); err == nil && len(have) > 0 && (c.Attempt < 0 || c.Attempt == have[len(have)-1]) {
				attempt = have[len(have)-1]
				killed = append(killed, fmt.Sprintf("task %s/%s/%s was killed (%s)", task.RunID(), task.Step(), task.ID(), why))
			}
		}
		if f := task.Failure(); f != nil && attempt == task.Attempt() && task.KillCause() == "" {
			failed = append(failed, fmt.Sprintf("task %s/%s/%s failed (attempt %d): %s", task.RunID(), task.Step(), task.ID(), attempt, f.Message))
		}
		if len(tasks) > 1 {
			fmt.Fprintf(w, "==> %s/%s/%s (attempt %d) <==\n", task.RunID(), task.Step(), task.ID(), attempt)
		}
		_, err = io.Copy(w, rc)
		rc.Close()
		if err != nil {
			return err
		}
		shown++
	}
	if len(failed) > 0 {
		w.Flush()
		note := failed[0]
		if len(failed) > 1 {
			note = fmt.Sprintf("%s; and %s", note, plural(len(failed)-1, "more failed task"))
		}
		fmt.Fprintf(e.Stderr, "%s: note: %s\n", e.Name, clipLine(note))
	}
	if len(killed) > 0 {
		w.Flush()
		note := killed[0]
		if len(killed) > 1 {
			note = fmt.Sprintf("%d tasks of %s/%s were killed: %s", len(killed), t.run, t.step, strings.Join(killed, "; "))
		}
		fmt.Fprintf(e.Stderr, "%s: note: %s; the output shown ends at the kill\n", e.Name, clipLine(note))
	}
	if shown == 0 && missing != nil {
		return fmt.Errorf("no task of step %q in run %s has attempt %d; the last one's: %w", t.step, t.run, c.Attempt, missing)
	}
	return nil
}
