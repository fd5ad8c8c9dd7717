package task

// storeGraph stores the flow's graph with the run when a cloud scheduler
// started it: such a run has no scheduler process of flowc's (its record
// has no PID), so its Start task is where the run begins. A local run's
// graph is stored by `run` or `resume` before any task starts, and a
// cloned Start (resume) never runs this. Each attempt of Start writes it,
// the same bytes: an attempt cannot know whether an earlier one got that
// far, and a retry of Start is rare.
func (t *task) storeGraph() error {
	if t.spec.Step != "Start" || t.run.PID > 0 {
		return nil
	}
	return t.st.PutGraph(t.def.Graph, t.spec.Run)
}
