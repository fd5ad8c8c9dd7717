package argo_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/targets/argo"
)

// TestClusterWidthEstimate checks create's foreach width check
// (width.go) against the real controller: a run of ChecksFlow's wide
// foreach has at least as many nodes as the check counts an item, and
// its Workflow, with the nodes compressed as the controller compresses
// them, is at least the size the check estimates, and its nodes not far
// above what the check counts for them, so the check refuses only runs
// that would fail, and near where they fail.
func TestClusterWidthEstimate(t *testing.T) {
	e := cluster(t)
	d := e.deployer(t, testdataBinary(t, "checks"), "width")
	const width = 200
	d.create("checks-width", "--max-num-splits", strconv.Itoa(width))
	var wt argo.WorkflowTemplate
	out := d.ok("argo-workflows", "--name", "checks-width", "create", "--only-yaml", "--image", "x", "--max-num-splits", strconv.Itoa(width))
	if err := yaml.Unmarshal([]byte(out), &wt); err != nil {
		t.Fatal(err)
	}
	perItem := argo.ItemNodes(&wt, "foreach-wide")
	if perItem < 2 {
		t.Fatalf("the body of Wide counts %d nodes an item; it has a DAG node and a pod at least", perItem)
	}
	spec, _ := json.Marshal(wt.Spec)
	estimate := len(spec) + width*perItem*argo.MinNodeBytes

	id := d.trigger("checks-width", "--mode", "wide", "--width", strconv.Itoa(width))
	d.runOK(id)
	var wf map[string]any
	if err := d.e.c.Do("GET", "/apis/argoproj.io/v1alpha1/namespaces/"+clusterNS+"/workflows/"+strings.TrimPrefix(id, "argo-"), nil, &wf); err != nil {
		t.Fatal(err)
	}
	status := wf["status"].(map[string]any)
	nodes, _ := status["nodes"].(map[string]any)
	if len(nodes) < width*perItem {
		t.Errorf("the run has %d nodes; the check counts at least %d (%d an item)", len(nodes), width*perItem, perItem)
	}
	// What the controller measures once the object is too big: the
	// Workflow with status.nodes gzipped and base64-encoded.
	raw, _ := json.Marshal(nodes)
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(raw)
	w.Close()
	delete(status, "nodes")
	status["compressedNodes"] = base64.StdEncoding.EncodeToString(z.Bytes())
	actual, _ := json.Marshal(wf)
	t.Logf("%d nodes (%d counted), workflow %d bytes compressed, estimate %d (%.2f)", len(nodes), width*perItem, len(actual), estimate, float64(estimate)/float64(len(actual)))
	if estimate > len(actual) {
		t.Errorf("the check estimates %d bytes, over the run's real %d: it would refuse runs that fit", estimate, len(actual))
	}
	// The part that grows with the width: the nodes.
	if counted, real := width*perItem*argo.MinNodeBytes, len(status["compressedNodes"].(string)); 2*counted < real {
		t.Errorf("the check counts %d bytes of nodes, under half the run's real %d: it would let through runs that fail", counted, real)
	}
}
