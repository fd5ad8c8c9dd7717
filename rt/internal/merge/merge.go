package merge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Merge implements Inputs.MergeArtifacts. Per field: kept when the join
// already set it (its hash differs from the zero value's); taken when all
// inputs agree; taken from the one branch that changed it since the split;
// otherwise a conflict. A missing artifact counts as the zero value, so a
// branch that merely never touched a field does not conflict with one that
// set it. Conflicts are all reported at once, and nothing is set then.
func (s *Source) Merge(into any, o rt.MergeOptions) error {
	def := s.IO.Def
	for _, n := range slices.Concat(o.Include, o.Exclude) {
		if s.IO.Field(n) < 0 {
			return fmt.Errorf("MergeArtifacts: no artifact %q in flow %s", n, def.Graph.Flow)
		}
	}
	if s.zero == nil {
		s.zero = def.New()
	}
	type take struct {
		fd  *rt.FieldDef
		art store.Artifact
	}
	var takes []take
	var conflicts []string
	for k := range def.Fields {
		fd := &def.Fields[k]
		if slices.Contains(o.Exclude, fd.Name) || len(o.Include) > 0 && !slices.Contains(o.Include, fd.Name) {
			continue
		}
		zero, _, err := s.IO.Hash(s.zero, fd)
		if err != nil {
			return err
		}
		cur, _, err := s.IO.Hash(into, fd)
		if err != nil {
			return err
		}
		if cur != zero {
			continue // the join set it
		}
		hashOf := func(d *store.TaskData) (string, store.Artifact) {
			if a, ok := d.Artifacts[fd.Name]; ok {
				return a.Hash, a
			}
			return zero, store.Artifact{}
		}
		first, firstArt := hashOf(s.Inputs[0].Data)
		same := true
		for _, in := range s.Inputs[1:] {
			if h, _ := hashOf(in.Data); h != first {
				same = false
				break
			}
		}
		if same {
			if first != zero {
				takes = append(takes, take{fd, firstArt})
			} else if len(o.Include) > 0 {
				return fmt.Errorf("MergeArtifacts: %q is not set in any input", fd.Name)
			}
			continue
		}
		base, err := s.splitBase()
		if err != nil {
			return err
		}
		baseHash, _ := hashOf(base)
		changed := -1
		for i, in := range s.Inputs {
			if h, _ := hashOf(in.Data); h != baseHash {
				if changed >= 0 {
					changed = -2
					break
				}
				changed = i
			}
		}
		if changed < 0 {
			conflicts = append(conflicts, fd.Name)
			continue
		}
		_, art := hashOf(s.Inputs[changed].Data)
		if art.Hash == "" {
			// The changed branch lacks the artifact the base had:
			// nothing to take, so report it rather than guess.
			conflicts = append(conflicts, fd.Name)
			continue
		}
		takes = append(takes, take{fd, art})
	}
	if len(conflicts) > 0 {
		return conflictError(conflicts)
	}
	if s.Merged == nil {
		s.Merged = make(map[string]store.Artifact)
	}
	for _, t := range takes {
		t.fd.Reset(into)
		if err := s.IO.Decode(into, t.fd, t.art); err != nil {
			return fmt.Errorf("MergeArtifacts: %w", err)
		}
		s.Merged[t.fd.Name] = t.art
	}
	return nil
}

func (s *Source) splitBase() (*store.TaskData, error) {
	if s.base != nil {
		return s.base, nil
	}
	if s.Base == nil {
		return nil, fmt.Errorf("MergeArtifacts: the join has no split base to compare with")
	}
	b, err := s.Base()
	if err != nil {
		return nil, fmt.Errorf("MergeArtifacts: %w", err)
	}
	s.base = b
	return b, nil
}

func conflictError(names []string) error {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	list := strings.Join(q, ", ")
	if len(names) == 1 {
		return fmt.Errorf("MergeArtifacts: %s differs between the inputs; set it explicitly before MergeArtifacts or pass rt.Exclude(%s)", list, list)
	}
	return fmt.Errorf("MergeArtifacts: %s differ between the inputs; set them explicitly before MergeArtifacts or pass rt.Exclude(%s)", list, list)
}
