package codepkg

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// layer is the one layer flowc adds: the binary at Path. It is built once,
// in one pass over the binary (tar, hash, compress), and kept in memory;
// go-containerregistry's own layers would compress it once for the digest
// and again for each write.
type layer struct {
	blob           []byte // gzip of the tar
	digest, diffID v1.Hash
	mediaType      types.MediaType
}

var _ v1.Layer = (*layer)(nil)

func (l *layer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *layer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *layer) Size() (int64, error)                { return int64(len(l.blob)), nil }
func (l *layer) MediaType() (types.MediaType, error) { return l.mediaType, nil }
func (l *layer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.blob)), nil
}
func (l *layer) Uncompressed() (io.ReadCloser, error) { return gzip.NewReader(bytes.NewReader(l.blob)) }

// withMediaType is the same bytes described as mt (a Docker base image wants
// Docker layer types, an OCI one OCI types).
func (l *layer) withMediaType(mt types.MediaType) *layer {
	c := *l
	c.mediaType = mt
	return &c
}

// epoch is every entry's modification time, so that the layer's bytes, and
// so its digest, depend on the binary alone.
var epoch = time.Unix(0, 0).UTC()

// newLayer writes the layer for the binary at path: /flowc/flow, and /tmp
// (an empty image has none, and tasks write temporary files).
func newLayer(path string, size int64, sum string) (*layer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var blob bytes.Buffer
	blob.Grow(int(size/2) + 1<<20)
	blobHash := sha256.New()
	zw, err := gzip.NewWriterLevel(io.MultiWriter(&blob, blobHash), gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	tarHash := sha256.New()
	tw := tar.NewWriter(io.MultiWriter(zw, tarHash))
	hdrs := []*tar.Header{
		{Typeflag: tar.TypeDir, Name: "flowc/", Mode: 0o755, ModTime: epoch},
		{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: epoch},
	}
	for _, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: Path[1:], Mode: 0o755, Size: size, ModTime: epoch}); err != nil {
		return nil, err
	}
	binHash := sha256.New()
	if n, err := io.Copy(io.MultiWriter(tw, binHash), f); err != nil {
		return nil, fmt.Errorf("reading %q: %w", path, err)
	} else if n != size || hex.EncodeToString(binHash.Sum(nil)) != sum {
		return nil, fmt.Errorf("%q changed while it was packaged; package it again", path)
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &layer{
		blob:      blob.Bytes(),
		digest:    v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(blobHash.Sum(nil))},
		diffID:    v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(tarHash.Sum(nil))},
		mediaType: types.OCILayer,
	}, nil
}
