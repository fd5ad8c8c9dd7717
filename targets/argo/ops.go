package argo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/targets/deploy"
)

// Resources this target manages.
const (
	resTemplates = "workflowtemplates"
	resCrons     = "cronworkflows"
	resWorkflows = "workflows"
)

// Deployed is a deployment's WorkflowTemplate as it exists.
type Deployed struct {
	Name, Namespace string
	Annotations     map[string]string
}

// Find reads the WorkflowTemplate of deployment name; nil when there is
// none.
func (k *Kube) Find(ctx context.Context, ns, name string) (*Deployed, error) {
	var cur WorkflowTemplate
	err := k.Get(ctx, ns, resTemplates, name, &cur)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading WorkflowTemplate %q in namespace %q: %w", name, ns, err)
	}
	return &Deployed{Name: name, Namespace: ns, Annotations: cur.Metadata.Annotations}, nil
}

// Token is the production token recorded with the deployment, "" if none.
func (d *Deployed) Token() string { return d.Annotations[AnnotationToken] }

// CheckDatastore is deploy.CheckDatastore for this template: it refuses
// the datastore of the command at hand (root, on S3 or not) when the
// deployment's tasks use another one, and warns for a template made
// before AnnotationDatastore existed.
func (d *Deployed) CheckDatastore(root string, s3 bool) (warning string, err error) {
	return deploy.CheckDatastore(deploy.Deployed{What: fmt.Sprintf("WorkflowTemplate %q in namespace %q", d.Name, d.Namespace),
		Recorded: d.Annotations[AnnotationDatastore], Create: "argo-workflows create"}, root, s3)
}

// RecordedToken is the production token recorded with the deployment
// named name, "" when it does not exist or has none.
func (k *Kube) RecordedToken(ctx context.Context, ns, name string) (string, bool, error) {
	d, err := k.Find(ctx, ns, name)
	if d == nil || err != nil {
		return "", false, err
	}
	return d.Token(), true, nil
}

// Deploy applies the template, then the cron workflow, or deletes a cron
// workflow left from a schedule the flow no longer has.
func (k *Kube) Deploy(ctx context.Context, objs *Objects) error {
	t := objs.Template
	ns := t.Metadata.Namespace
	if err := k.Apply(ctx, ns, resTemplates, t.Metadata.Name, t, func(v string) { t.Metadata.ResourceVersion = v }); err != nil {
		return fmt.Errorf("applying WorkflowTemplate %q: %w", t.Metadata.Name, err)
	}
	if c := objs.Cron; c != nil {
		if err := k.Apply(ctx, ns, resCrons, c.Metadata.Name, c, func(v string) { c.Metadata.ResourceVersion = v }); err != nil {
			return fmt.Errorf("applying CronWorkflow %q: %w", c.Metadata.Name, err)
		}
		return nil
	}
	if err := k.Delete(ctx, ns, resCrons, t.Metadata.Name); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("deleting CronWorkflow %q of a schedule the flow no longer has: %w", t.Metadata.Name, err)
	}
	return nil
}

// Trigger submits a workflow of the deployment d (as Find read it) and
// returns its name.
func (k *Kube) Trigger(ctx context.Context, d *Deployed, paramsJSON string) (string, error) {
	var created Workflow
	escaped := paramsLiteral(paramsJSON)
	if err := k.Create(ctx, d.Namespace, resWorkflows, NewWorkflow(d.Name, d.Namespace, escaped), &created); err != nil {
		return "", fmt.Errorf("submitting a workflow of %q: %w", d.Name, err)
	}
	return created.Metadata.Name, nil
}

// paramsLiteral is the run's parameters (a JSON object) as the workflow
// parameter that reaches the Start task unchanged. Argo substitutes the
// parameter into the pod and then resolves any {{...}} in the result, so
// each '{' inside a string is written \u007b, which JSON reads back as
// '{'; the kubelet expands the pod's env value, so each '$' is doubled
// (literal).
func paramsLiteral(paramsJSON string) string {
	var b strings.Builder
	in, esc := false, false
	for i := 0; i < len(paramsJSON); i++ {
		c := paramsJSON[i]
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case in && c == '{':
			b.WriteString(`\u007b`)
			continue
		case c == '$':
			b.WriteString("$$")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Run is one workflow of a deployment, as list-runs shows it.
type Run struct {
	ID       string // argo-<workflow>
	Workflow string
	Phase    string // Pending, Running, Succeeded, Failed, Error
	Started  string
	Finished string
}

// ListRuns lists the workflows of deployment name, newest first, keeping
// those whose phase is in phases (all when empty).
func (k *Kube) ListRuns(ctx context.Context, ns, name string, phases []string) ([]Run, error) {
	wfs, err := k.ListWorkflows(ctx, ns, LabelDeployment+"="+name)
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, w := range wfs {
		phase := w.Status.Phase
		if phase == "" {
			phase = "Pending"
		}
		if len(phases) > 0 && !containsFold(phases, phase) {
			continue
		}
		runs = append(runs, Run{ID: RunID(w.Metadata.Name), Workflow: w.Metadata.Name, Phase: phase,
			Started: w.Status.StartedAt, Finished: w.Status.FinishedAt})
	}
	sort.Slice(runs, func(i, j int) bool {
		if runs[i].Started != runs[j].Started {
			return runs[i].Started > runs[j].Started
		}
		return runs[i].Workflow > runs[j].Workflow
	})
	return runs, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Terminate stops the workflow of run id (argo-<workflow>) of deployment
// name: spec.shutdown=Stop, Argo's `stop`, which stops its pods and then
// runs the exit handler, so the run is marked failed (Argo's Terminate
// skips the exit handler and would leave the run running forever).
func (k *Kube) Terminate(ctx context.Context, ns, name, runID string) error {
	wf, ok := strings.CutPrefix(runID, "argo-")
	if !ok || wf == "" {
		return fmt.Errorf("run %q is not an Argo run; its id is argo-<workflow>, as trigger and list-runs print it", runID)
	}
	var cur Workflow
	if err := k.Get(ctx, ns, resWorkflows, wf, &cur); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("run %q not found: no workflow %q in namespace %q", runID, wf, ns)
		}
		return err
	}
	if cur.Metadata.Labels[LabelDeployment] != name {
		return fmt.Errorf("run %q is not a run of deployment %q; give --name of its deployment", runID, name)
	}
	return k.Patch(ctx, ns, resWorkflows, wf, map[string]any{"spec": map[string]any{"shutdown": "Stop"}})
}

// Remove deletes the template and its cron workflow. Runs and their
// artifacts stay.
func (k *Kube) Remove(ctx context.Context, ns, name string) error {
	if err := k.Delete(ctx, ns, resCrons, name); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("deleting CronWorkflow %q: %w", name, err)
	}
	if err := k.Delete(ctx, ns, resTemplates, name); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("deployment %q not found in namespace %q", name, ns)
		}
		return fmt.Errorf("deleting WorkflowTemplate %q: %w", name, err)
	}
	return nil
}
