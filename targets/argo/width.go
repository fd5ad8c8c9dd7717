package argo

import (
	"encoding/json"
	"fmt"
)

// Argo keeps every node of a run (each pod, DAG, retry, skipped task)
// in the Workflow object's status. Once the object is over the
// controller's MAX_WORKFLOW_SIZE (1 MiB by default) the controller gzips
// the nodes; a run whose compressed nodes still do not fit fails midway
// ("workflow is longer than maximum allowed size ... offload node status
// is not supported") unless the controller offloads node status to a
// database (persistence.nodeStatusOffLoad). That is Argo's foreach
// width limit, and it depends only on --max-num-splits and the graph, so
// create checks it rather than a run finding it hours in.
const (
	// minNodeBytes is what one node takes of the compressed status at
	// least: measured on the v3.7.18 controller, 50 bytes for the
	// smallest pod node of a wide withSequence, 61 for flowc's (names
	// and parameters compress less). An estimate below the real size
	// refuses only runs that would fail.
	minNodeBytes = 50
)

// itemNodes is a lower bound on the workflow nodes one run of template
// name adds: its own node, a retried container's Retry node, and the
// nodes of a DAG's tasks. A fan-out adds its TaskGroup node (its items
// are not known here) and a recursive template (a loop's next pass) one
// node, as a skipped or omitted task does.
func itemNodes(templates []Template, name string) int {
	byName := map[string]*Template{}
	for i := range templates {
		byName[templates[i].Name] = &templates[i]
	}
	open := map[string]bool{}
	var nodes func(string) int
	nodes = func(name string) int {
		t := byName[name]
		if t == nil || open[name] {
			return 1
		}
		n := 1
		if t.RetryStrategy != nil {
			n++
		}
		if t.DAG != nil {
			open[name] = true
			for _, task := range t.DAG.Tasks {
				if task.WithSequence != nil {
					n++
				} else {
					n += nodes(task.Template)
				}
			}
			delete(open, name)
		}
		return n
	}
	return nodes(name)
}

// checkWidth refuses a deployment whose widest foreach, at
// --max-num-splits items, cannot fit the workflow's status, naming the
// largest --max-num-splits that fits. A nested foreach multiplies the
// widths, which only a run knows: it gets a note when the product of
// the limits would not fit.
func (b *builder) checkWidth(spec *WorkflowSpec) error {
	limit, splits := b.o.MaxWorkflowSize, b.o.MaxNumSplits
	if limit <= 0 || splits <= 0 {
		return nil
	}
	// The controller stores the template's spec in the run's status
	// (storedWorkflowTemplateSpec), so it counts against the limit too.
	js, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	room := limit - len(js)
	for _, sc := range b.order {
		if sc.foreach == nil {
			continue
		}
		perItem := itemNodes(spec.Templates, sc.tmpl)
		fit := room / (perItem * minNodeBytes)
		if fit < 1 {
			return fmt.Errorf("the WorkflowTemplate's spec is %d bytes, leaving no room for an item of foreach %q in the controller's %d-byte workflow size; give your controller's MAX_WORKFLOW_SIZE with --max-workflow-size", len(js), sc.foreach.Name, limit)
		}
		if sc.depth == 1 && splits > fit {
			return fmt.Errorf("foreach %q at --max-num-splits %d makes at least %d Argo workflow nodes (%d an item), over the controller's %d-byte workflow size even compressed; give --max-num-splits %d or less, or, with node status offloading on in the controller (persistence.nodeStatusOffLoad), --max-workflow-size 0",
				sc.foreach.Name, splits, splits*perItem, perItem, limit, fit)
		}
		if sc.depth > 1 && pow(splits, sc.depth) > fit {
			b.notes = append(b.notes, fmt.Sprintf("foreach %q is nested %d deep: a run fails once its foreaches make more than %d of its items together (%d-byte workflow size, about %d nodes an item); the foreach tasks check only --max-num-splits %d each",
				sc.foreach.Name, sc.depth, fit, limit, perItem, splits))
		}
	}
	return nil
}

// pow is n**k, capped at 1<<40 (past any width that fits).
func pow(n, k int) int {
	p := 1
	for range k {
		p *= n
		if p > 1<<40 {
			return 1 << 40
		}
	}
	return p
}
