package codepkg

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Push builds the image on base ("" for an empty one) and pushes it to the
// repository repo (registry/path, no tag), unless the repository already
// has it: blobs the registry holds are not uploaded again, and an image
// already pushed uploads nothing. It returns the image's digest reference,
// repo@sha256:..., which is what engines are given, so that a tag moved
// later cannot change what a deployment runs.
func (p *Package) Push(ctx context.Context, repo, base string, keychain authn.Keychain) (string, error) {
	r, err := parseRepository(repo)
	if err != nil {
		return "", err
	}
	img, err := p.Image(ctx, base, keychain)
	if err != nil {
		return "", err
	}
	digest, err := img.Digest()
	if err != nil {
		return "", err
	}
	tag := r.Tag(Tag(digest))
	if err := remote.Write(tag, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain), remote.WithUserAgent("flowc")); err != nil {
		return "", fmt.Errorf("pushing to --image-repository %q: %v", repo, err)
	}
	return r.Digest(digest.String()).String(), nil
}

// parseRepository checks --image-repository: a repository, not an image.
func parseRepository(repo string) (name.Repository, error) {
	if repo == "" {
		return name.Repository{}, fmt.Errorf("no --image-repository; pass one, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/flows")
	}
	if strings.ContainsAny(repo, "@") || strings.Contains(repo[strings.LastIndex(repo, "/")+1:], ":") {
		return name.Repository{}, fmt.Errorf("--image-repository %q names an image; give the repository without a tag or digest", repo)
	}
	r, err := name.NewRepository(repo)
	if err != nil {
		return name.Repository{}, fmt.Errorf("--image-repository %q is not a repository: %v", repo, err)
	}
	return r, nil
}

// Prebuilt checks a finished image (--image REF) against the package: for
// its platform, it must carry LabelBinarySHA256 equal to the binary's
// sha256. It returns the image's digest reference.
func (p *Package) Prebuilt(ctx context.Context, ref string, keychain authn.Keychain) (string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", fmt.Errorf("--image %q is not an image reference; use registry/repository[:tag|@digest]", ref)
	}
	pl := p.Binary.Platform
	img, err := remote.Image(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain),
		remote.WithPlatform(v1.Platform{OS: pl.OS, Architecture: pl.Arch}), remote.WithUserAgent("flowc"))
	if err != nil {
		return "", fmt.Errorf("pulling --image %q: %v", ref, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return "", fmt.Errorf("reading --image %q: %v", ref, err)
	}
	if cf.OS != pl.OS || cf.Architecture != pl.Arch {
		return "", fmt.Errorf("--image %q is %s/%s, not %s; build it for %s", ref, cf.OS, cf.Architecture, pl, pl)
	}
	if got := cf.Config.Labels[LabelBinarySHA256]; got != p.Binary.SHA256 {
		if got == "" {
			return "", fmt.Errorf("--image %q has no label %s; build it with `package save` or push it with --image-repository", ref, LabelBinarySHA256)
		}
		return "", fmt.Errorf("--image %q holds binary sha256 %s, not this binary's %s; rebuild the image from this binary", ref, got, p.Binary.SHA256)
	}
	digest, err := img.Digest()
	if err != nil {
		return "", err
	}
	return r.Context().Digest(digest.String()).String(), nil
}
