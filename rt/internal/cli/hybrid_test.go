package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
)

// TestOnBatch: which steps a run sends to AWS Batch.
func TestOnBatch(t *testing.T) {
	g := &rt.Graph{Flow: "F", Steps: []*rt.Step{{Name: "Start"}, {Name: "Train", Batch: &rt.Batch{}}, {Name: "End"}}}
	for _, c := range []struct {
		o     hybridOpts
		steps []string
		why   string
		err   string
	}{
		{o: hybridOpts{}, steps: []string{"Train"}, why: "//flow:batch"},
		{o: hybridOpts{With: []string{"batch"}}, steps: []string{"Start", "Train", "End"}, why: "--with batch"},
		{o: hybridOpts{Local: true}},
		{o: hybridOpts{With: []string{"batch"}, Local: true}, err: "contradict"},
		{o: hybridOpts{With: []string{"kubernetes"}}, err: `--with "kubernetes" is not a way to run steps`},
	} {
		steps, why, err := c.o.onBatch(g)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: error %v, want %q", c.o, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(steps, c.steps) || why != c.why && len(c.steps) > 0 {
			t.Errorf("%+v: %q %q %v, want %q %q", c.o, steps, why, err, c.steps, c.why)
		}
	}
}
