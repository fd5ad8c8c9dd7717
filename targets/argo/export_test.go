package argo

// SetInClusterDir points the in-cluster config at dir instead of the
// service account mount, for the duration of a test.
func SetInClusterDir(dir string) (restore func()) {
	old := inClusterDir
	inClusterDir = dir
	return func() { inClusterDir = old }
}

// ItemNodes is the least number of workflow nodes one item of the
// foreach body template body adds (width.go).
func ItemNodes(wt *WorkflowTemplate, body string) int { return itemNodes(wt.Spec.Templates, body) }

// MinNodeBytes is what create counts a node to take of the compressed
// status.
const MinNodeBytes = minNodeBytes
