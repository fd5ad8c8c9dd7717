package client

import (
	"context"

	"github.com/flowc-dev/flowc/rt/internal/artifact"
)

// ArtifactInfo is what the datastore records of one artifact of a task,
// without its value: enough to show it without the flow's types (the
// CLI's dump, a run browser).
type ArtifactInfo struct {
	Name     string
	Type     string // the field's Go type, as the flow declared it ("[]int")
	Encoding string // rt.EncodingJSON or rt.EncodingRaw ([]byte and string fields)
	Size     int64  // serialized size in bytes
	Hash     string // sha256 hex of the serialized bytes: equal values, equal hashes
}

// ArtifactInfo returns the record of artifact name of the task's latest
// committed attempt.
func (t *Task) ArtifactInfo(ctx context.Context, name string) (ArtifactInfo, error) {
	a, err := t.artifact(ctx, name)
	if err != nil {
		return ArtifactInfo{}, err
	}
	return ArtifactInfo{Name: name, Type: a.Type, Encoding: a.Encoding, Size: a.Size, Hash: a.Hash}, nil
}

// RawArtifact returns the stored serialization of artifact name, read
// whole and checked against its hash and size: the JSON of a JSON
// artifact, the bytes of a raw one. A damaged blob is an error naming the
// artifact and its blob (and the blob is removed, so that the next task
// that produces the value writes it again).
func (t *Task) RawArtifact(ctx context.Context, name string) ([]byte, error) {
	a, err := t.artifact(ctx, name)
	if err != nil {
		return nil, err
	}
	return artifact.ReadRaw(t.c.st, t.path.Flow, name, a)
}
