package rt

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt/codec"
)

// ArtifactSource is a finished run or task whose artifacts can be read back;
// rt/client's Run and Task implement it. Generated Load<Flow> functions take
// one so that they need not import the client.
type ArtifactSource interface {
	// ReadArtifact finds the artifact name and calls decode with a reader of
	// its serialized bytes (verified against its hash) and their size.
	// found is false, with a nil error, when the source has no such artifact.
	ReadArtifact(ctx context.Context, name string, decode func(r *codec.Reader, size int64) error) (found bool, err error)
}

// LoadFlow fills f (a *F of def's flow) with every artifact src has. Fields
// src does not have stay zero. Generated Load<Flow> functions call it.
func LoadFlow(ctx context.Context, src ArtifactSource, def *FlowDef, f any) error {
	for i := range def.Fields {
		fd := &def.Fields[i]
		_, err := src.ReadArtifact(ctx, fd.Name, func(r *codec.Reader, size int64) error {
			return fd.Decode(f, r, size)
		})
		if err != nil {
			return fmt.Errorf("loading artifact %q of flow %s: %w", fd.Name, def.Graph.Flow, err)
		}
	}
	return nil
}
