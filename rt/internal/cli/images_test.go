//go:build !flowc_nodeploy

package cli

import (
	"strings"
	"testing"
)

// TestPushImagesBoth: step-functions create and hybrid runs refuse
// --image with --image-repository, as argo-workflows create does; before,
// step-functions create took --image and ignored the repository.
func TestPushImagesBoth(t *testing.T) {
	_, err := pushImages(&Env{}, imageOpts{Image: "reg/flow@sha256:00", Repository: "reg/flows"}, []string{""})
	if err == nil || !strings.Contains(err.Error(), "--image and --image-repository both given") {
		t.Fatalf("pushImages with both: %v, want the one-line refusal", err)
	}
}
