package codepkg

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image is the code package as an image: the binary's layer on a base.
type Image struct {
	v1.Image
	Base       string  // the base image as given, "" for the empty image
	BaseDigest v1.Hash // the base's manifest digest (zero for the empty image)
}

func (p *Package) binaryLayer() (*layer, error) {
	p.layerOnce.Do(func() {
		p.layer, p.layerErr = newLayer(p.Binary.Path, p.Binary.Size, p.Binary.SHA256)
	})
	return p.layer, p.layerErr
}

// Image puts the binary on base ("" for an empty image; else a reference
// pulled from its registry with keychain, for the package's platform).
// Equal binaries on equal bases give equal images, byte for byte.
func (p *Package) Image(ctx context.Context, base string, keychain authn.Keychain) (*Image, error) {
	l, err := p.binaryLayer()
	if err != nil {
		return nil, err
	}
	pl := p.Binary.Platform
	out := &Image{Base: base}
	var img v1.Image
	if base == "" {
		img = mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	} else {
		ref, err := name.ParseReference(base)
		if err != nil {
			return nil, fmt.Errorf("--base-image %q is not an image reference; use registry/repository[:tag|@digest]", base)
		}
		img, err = remote.Image(ref, remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain),
			remote.WithPlatform(v1.Platform{OS: pl.OS, Architecture: pl.Arch}), remote.WithUserAgent("flowc"))
		if err != nil {
			return nil, fmt.Errorf("pulling --base-image %q: %v", base, err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("reading --base-image %q: %v", base, err)
		}
		if cf.OS != pl.OS || cf.Architecture != pl.Arch {
			return nil, fmt.Errorf("--base-image %q is %s/%s, not %s; pick a base for %s or a multi-platform one", base, cf.OS, cf.Architecture, pl, pl)
		}
		if out.BaseDigest, err = img.Digest(); err != nil {
			return nil, err
		}
	}
	mt, err := img.MediaType()
	if err != nil {
		return nil, err
	}
	oci := mt == types.OCIManifestSchema1
	lmt := types.OCILayer
	if !oci {
		lmt = types.DockerLayer
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:   l.withMediaType(lmt),
		History: v1.History{CreatedBy: "flowc package: " + Path, Comment: "flow binary sha256:" + p.Binary.SHA256},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = pl.OS, pl.Arch
	cf.Config.Entrypoint = []string{Path}
	cf.Config.Cmd = nil
	if cf.Config.Labels == nil {
		cf.Config.Labels = map[string]string{}
	}
	for k, v := range p.Labels() {
		cf.Config.Labels[k] = v
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	if oci {
		anns := map[string]string{"org.opencontainers.image.title": p.Flow}
		if rev := p.Binary.Setting("vcs.revision"); rev != "" {
			anns["org.opencontainers.image.revision"] = rev
		}
		if base != "" {
			anns["org.opencontainers.image.base.name"] = base
			anns["org.opencontainers.image.base.digest"] = out.BaseDigest.String()
		}
		img = mutate.Annotations(img, anns).(v1.Image)
	}
	out.Image = img
	return out, nil
}

// Tag is the tag an image is pushed under: derived from its digest, so it
// never moves (repositories with immutable tags accept it) and keeps the
// image from expiring as untagged.
func Tag(digest v1.Hash) string { return "flowc-" + digest.Hex }
