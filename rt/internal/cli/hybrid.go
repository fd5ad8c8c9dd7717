package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// Hybrid runs (DESIGN §4, Metaflow's @batch and run --with batch): a local
// run sends its //flow:batch steps to AWS Batch, or every step with
// --with batch, and runs the rest itself; --local keeps every step here.
// This file decides which steps go; hybrid_batch.go sends them (and
// nodeploy.go refuses to, in a binary built without the targets).

// hybridOpts are run's and resume's options for it.
type hybridOpts struct {
	With  []string `sep:"none" placeholder:"batch" help:"Run every step on AWS Batch (--with batch; the S3 datastore needed), not only the //flow:batch ones."`
	Local bool     `help:"Run every step here, //flow:batch ones too."`

	// The Batch settings (queue, role, code package), as step-functions
	// create takes them; none in a binary built with -tags flowc_nodeploy.
	batchOpts `embed:""`
}

// onBatch is the steps that go to AWS Batch, in graph order, and why (for
// messages): "--with batch" or "//flow:batch".
func (o *hybridOpts) onBatch(g *rt.Graph) (steps []string, why string, err error) {
	all := false
	for _, w := range o.With {
		switch {
		case w == "batch":
			all = true
		case strings.HasPrefix(w, "batch:"):
			return nil, "", fmt.Errorf("--with %s: a batch run's settings are flags here; pass --with batch with --job-queue, --job-role, --image-repository or --image", quote(w))
		default:
			return nil, "", fmt.Errorf("--with %s is not a way to run steps; use --with batch (every step on AWS Batch)", quote(w))
		}
	}
	if all && o.Local {
		return nil, "", errors.New("--with batch and --local contradict each other; --with batch sends every step to AWS Batch, --local none")
	}
	if o.Local {
		return nil, "", nil
	}
	why = "//flow:batch"
	if all {
		why = "--with batch"
	}
	for _, st := range g.Steps {
		if all || st.Batch != nil {
			steps = append(steps, st.Name)
		}
	}
	return steps, why, nil
}

// needS3 is the error of a batch run without the S3 datastore: a Batch
// job cannot reach this machine's files.
func (e *Env) needS3(steps []string, why string) error {
	if e.G.cfg.Datastore == "s3" {
		return nil
	}
	return fmt.Errorf("step %q runs on AWS Batch (%s), which needs the S3 datastore; pass --datastore s3 --datastore-root s3://bucket/prefix, or --local to run every step here", steps[0], why)
}
