// Package merge is the runtime side of a join's inputs: rt.InputSource,
// loading each parent on demand, and MergeArtifacts decided by comparing
// artifact hashes, so merging never decodes a value it does not take.
package merge

import (
	"fmt"
	"reflect"
	"sync"

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
	// Base loads the data of the task that opened the split being joined
	// (to share what no branch changed, and for MergeArtifacts to tell
	// which branch changed a field); called once, or again after an error.
	Base func() (*store.TaskData, error)

	// Merged records the fields Merge set, by the artifact it took, so the
	// join can persist them without re-encoding.
	Merged map[string]store.Artifact

	base      *store.TaskData
	baseTried bool
	zero      any
	mu        sync.Mutex
	shared    map[string]reflect.Value // hash -> its decoded value
}

var _ rt.InputSource = (*Source)(nil)

// Len is the number of inputs.
func (s *Source) Len() int { return len(s.Inputs) }

// StepName is the step input i came from.
func (s *Source) StepName(i int) string { return s.Inputs[i].Ref.Step }

// Load decodes every artifact of input i into a new *F.
//
// A value no branch changed since the split (a foreach's own list, the
// parameters) is the same in every input: it is decoded once and shared by
// the inputs, not decoded again for each. Decoding it per input made a
// join of a foreach over n items cost O(n²): 10,000 inputs each decoded
// the 10,000-item list. Inputs are to be read, not changed: a slice or map
// that no branch changed is one value in memory.
func (s *Source) Load(i int) (any, error) {
	if i < 0 || i >= len(s.Inputs) {
		return nil, fmt.Errorf("input %d out of range; the join has %d inputs", i, len(s.Inputs))
	}
	in := s.Inputs[i]
	f := s.IO.Def.New()
	base := s.unchanged()
	for k := range s.IO.Def.Fields {
		fd := &s.IO.Def.Fields[k]
		art, ok := in.Data.Artifacts[fd.Name]
		if !ok {
			continue
		}
		if b, ok := base[fd.Name]; ok && b.Hash == art.Hash {
			if err := s.loadShared(f, fd, art); err != nil {
				return nil, fmt.Errorf("input %s: %w", in.Ref, err)
			}
			continue
		}
		if err := s.IO.Decode(f, fd, art); err != nil {
			return nil, fmt.Errorf("input %s: %w", in.Ref, err)
		}
	}
	return f, nil
}

// unchanged is the split base's artifacts, or none when it cannot be read
// (then every input decodes every field, as correct and slower).
func (s *Source) unchanged() map[string]store.Artifact {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.baseTried {
		s.baseTried = true
		if s.Base != nil && s.base == nil {
			if b, err := s.Base(); err == nil {
				s.base = b
			}
		}
	}
	if s.base == nil {
		return nil
	}
	return s.base.Artifacts
}

// loadShared sets field fd of f to the one decoded value of art.
func (s *Source) loadShared(f any, fd *rt.FieldDef, art store.Artifact) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	dst := reflect.ValueOf(f).Elem().FieldByName(fd.Name)
	if v, ok := s.shared[art.Hash]; ok && dst.IsValid() && dst.CanSet() {
		dst.Set(v)
		return nil
	}
	if err := s.IO.Decode(f, fd, art); err != nil {
		return err
	}
	if dst.IsValid() {
		if s.shared == nil {
			s.shared = map[string]reflect.Value{}
		}
		// A copy, so that a join assigning to this input's field does
		// not change what the next inputs get.
		v := reflect.New(dst.Type()).Elem()
		v.Set(dst)
		s.shared[art.Hash] = v
	}
	return nil
}
