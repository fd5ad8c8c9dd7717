// Package merge is the runtime side of a join's inputs: rt.InputSource,
// loading each parent on demand, and MergeArtifacts decided by comparing
// artifact hashes, so merging never decodes a value it does not take.
package merge

import (
	"fmt"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/artifact"
	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Input is one parent of the join, with its committed data.
type Input struct {
	Ref  ipath.Ref
	Data *store.TaskData
}

// Source implements rt.InputSource.
type Source struct {
	IO     *artifact.IO
	Inputs []Input
	// Base loads the data of the task that opened the split being joined;
	// called at most once, only when a field differs between the inputs.
	Base func() (*store.TaskData, error)

	// Merged records the fields Merge set, by the artifact it took, so the
	// join can persist them without re-encoding.
	Merged map[string]store.Artifact

	base *store.TaskData
	zero any
}

var _ rt.InputSource = (*Source)(nil)

// Len is the number of inputs.
func (s *Source) Len() int { return len(s.Inputs) }

// StepName is the step input i came from.
func (s *Source) StepName(i int) string { return s.Inputs[i].Ref.Step }

// Load decodes every artifact of input i into a new *F.
func (s *Source) Load(i int) (any, error) {
	if i < 0 || i >= len(s.Inputs) {
		return nil, fmt.Errorf("input %d out of range; the join has %d inputs", i, len(s.Inputs))
	}
	in := s.Inputs[i]
	f := s.IO.Def.New()
	for k := range s.IO.Def.Fields {
		fd := &s.IO.Def.Fields[k]
		art, ok := in.Data.Artifacts[fd.Name]
		if !ok {
			continue
		}
		if err := s.IO.Decode(f, fd, art); err != nil {
			return nil, fmt.Errorf("input %s: %w", in.Ref, err)
		}
	}
	return f, nil
}
