package argotest

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// images pulls the images pods name, as the kubelet does, and unpacks
// each one's file system once (by reference: flowc's are by digest) under
// dir. A pod's command is then the file of that path in its image, so the
// test runs what the deployment pushed, not a binary the test chose.
type images struct {
	dir   string
	mu    sync.Mutex
	roots map[string]*imageRoot
}

type imageRoot struct {
	once sync.Once
	dir  string
	err  error
}

// loopbackImage reports whether ref is in a registry on this machine:
// those images are pulled; any other image stands for this machine's own
// file system (a test's /bin/true).
func loopbackImage(ref string) bool {
	return strings.HasPrefix(ref, "127.0.0.1:") || strings.HasPrefix(ref, "localhost:")
}

// root is the unpacked file system of image ref.
func (im *images) root(ref string) (string, error) {
	im.mu.Lock()
	r := im.roots[ref]
	if r == nil {
		r = &imageRoot{dir: filepath.Join(im.dir, fmt.Sprint(len(im.roots)))}
		im.roots[ref] = r
	}
	im.mu.Unlock()
	r.once.Do(func() { r.err = unpack(ref, r.dir) })
	return r.dir, r.err
}

// unpack writes the flattened layers of image ref into dir. A loopback
// registry is reached over plain HTTP (go-containerregistry's rule).
func unpack(ref, dir string) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return fmt.Errorf("image %q: %v", ref, err)
	}
	img, err := remote.Image(r)
	if err != nil {
		return fmt.Errorf("pulling image %q: %v", ref, err)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("unpacking image %q: %v", ref, err)
		}
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(h.Name, "/")))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return fmt.Errorf("image %q: entry %q leaves the image", ref, h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777|0o200)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
