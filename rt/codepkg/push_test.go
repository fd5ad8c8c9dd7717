package codepkg

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/flowc-dev/flowc/rt"
)

func testDef() *rt.FlowDef {
	return &rt.FlowDef{
		Graph: &rt.Graph{Flow: "TestFlow", Steps: []*rt.Step{{Name: "Start", Kind: rt.KindStart, Next: []string{"End"}}, {Name: "End", Kind: rt.KindEnd}}},
		Fields: []rt.FieldDef{
			{Name: "Movies", Kind: rt.FieldIncludeFile, ParamName: "movies", Default: "movies.csv", HasDefault: true, DefaultFile: []byte("title,genre\n")},
			{Name: "Count", Kind: rt.FieldArtifact},
		},
	}
}

// uploads counts what a client sends a registry: blob uploads started
// (POST .../blobs/uploads/) and manifests put.
type uploads struct{ blobs, manifests atomic.Int32 }

func (u *uploads) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/blobs/uploads/"):
			u.blobs.Add(1)
		case r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/"):
			u.manifests.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}

func (u *uploads) reset() { u.blobs.Store(0); u.manifests.Store(0) }

func testRegistry(t *testing.T) (host string, u *uploads) {
	u = &uploads{}
	srv := httptest.NewServer(u.wrap(registry.New(registry.Logger(log.New(io.Discard, "", 0)))))
	t.Cleanup(srv.Close)
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials of the machine's user
	return strings.TrimPrefix(srv.URL, "http://"), u
}

func fileSHA(t *testing.T, path string) (string, []byte) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), b
}

// layerFiles reads a layer's tar into name -> content (dirs map to "").
func layerFiles(t *testing.T, l v1.Layer) map[string][]byte {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = b
	}
}

// checkImage checks what an image pulled back holds: the binary at
// /flowc/flow byte for byte, the labels, the entrypoint, the platform.
func checkImage(t *testing.T, img v1.Image, bin string) {
	t.Helper()
	sum, want := fileSHA(t, bin)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("platform %s/%s, want linux/amd64", cf.OS, cf.Architecture)
	}
	if got := cf.Config.Entrypoint; len(got) != 1 || got[0] != Path {
		t.Errorf("entrypoint %q, want [%s]", got, Path)
	}
	l := cf.Config.Labels
	if l[LabelBinarySHA256] != sum {
		t.Errorf("label %s = %q, want %q", LabelBinarySHA256, l[LabelBinarySHA256], sum)
	}
	if l[LabelFlow] != "TestFlow" || l[LabelGraphSHA256] == "" || !strings.HasPrefix(l[LabelGoVersion], "go1.") || l[LabelMain] != "example.com/hello" {
		t.Errorf("labels %v: want the flow, graph hash, Go version and main package", l)
	}
	inc := sha256.Sum256([]byte("title,genre\n"))
	if l[LabelIncludes] != `{"Movies":"`+hex.EncodeToString(inc[:])+`"}` {
		t.Errorf("label %s = %q", LabelIncludes, l[LabelIncludes])
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	files := layerFiles(t, layers[len(layers)-1])
	if !bytes.Equal(files["flowc/flow"], want) {
		t.Errorf("flowc/flow in the layer is %d bytes, not the binary's %d bytes", len(files["flowc/flow"]), len(want))
	}
	if _, ok := files["tmp/"]; !ok {
		t.Errorf("the layer has no /tmp: %v", keys(files))
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPushPullBack(t *testing.T) {
	host, up := testRegistry(t)
	ctx := t.Context()
	bin := staticHello(t)
	kc := Keychain(ctx)
	push := func(base string) string {
		t.Helper()
		p, err := newPackage(ctx, Options{Def: testDef(), Binary: bin}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		ref, err := p.Push(ctx, host+"/flows/test", base, kc)
		if err != nil {
			t.Fatal(err)
		}
		return ref
	}
	ref := push("")
	if !strings.HasPrefix(ref, host+"/flows/test@sha256:") {
		t.Fatalf("Push returned %q, want a digest reference in %s/flows/test", ref, host)
	}
	if up.blobs.Load() == 0 || up.manifests.Load() != 1 {
		t.Fatalf("first push: %d blob uploads, %d manifests; want some and 1", up.blobs.Load(), up.manifests.Load())
	}

	r := mustRef(t, ref)
	img, err := remote.Image(r)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d.String() != r.Identifier() {
		t.Errorf("pulled digest %s, pushed %s", d, r.Identifier())
	}
	checkImage(t, img, bin)
	tagged, err := remote.Head(mustRef(t, host+"/flows/test:"+Tag(mustHash(t, r.Identifier()))))
	if err != nil || tagged.Digest.String() != r.Identifier() {
		t.Errorf("the image is not tagged by its digest: %v %v", tagged, err)
	}

	// The same binary again, from a new Package: nothing is uploaded.
	up.reset()
	if again := push(""); again != ref {
		t.Errorf("second push gave %q, first %q: the image is not deterministic", again, ref)
	}
	if n, m := up.blobs.Load(), up.manifests.Load(); n != 0 || m != 0 {
		t.Errorf("second push of the same binary: %d blob uploads, %d manifests; want none", n, m)
	}

	// On a base: the binary's layer is in the registry already, so only
	// the new config and manifest go up.
	up.reset()
	onBase := push(ref)
	if onBase == ref {
		t.Fatal("the image on a base has the digest of the image without it")
	}
	if n, m := up.blobs.Load(), up.manifests.Load(); n != 1 || m != 1 {
		t.Errorf("push on a base: %d blob uploads, %d manifests; want 1 (the config) and 1", n, m)
	}
	img2, err := remote.Image(mustRef(t, onBase))
	if err != nil {
		t.Fatal(err)
	}
	checkImage(t, img2, bin)
	if ls, _ := img2.Layers(); len(ls) != 2 {
		t.Errorf("image on a base has %d layers, want 2", len(ls))
	}
	if m, _ := img2.Manifest(); m.Annotations["org.opencontainers.image.base.digest"] != r.Identifier() {
		t.Errorf("manifest annotations %v: want the base's digest", m.Annotations)
	}

	// --image: a prebuilt image is checked against the binary.
	p, err := newPackage(ctx, Options{Def: testDef(), Binary: bin}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got, err := p.Prebuilt(ctx, host+"/flows/test:"+Tag(mustHash(t, r.Identifier())), kc); err != nil || got != ref {
		t.Errorf("Prebuilt(tag) = %q, %v; want %q", got, err, ref)
	}
	other := goBuild(t, "package main\n\nfunc main() { println(\"other\") }\n", "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	po, err := newPackage(ctx, Options{Def: testDef(), Binary: other}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer po.Close()
	if _, err := po.Prebuilt(ctx, ref, kc); err == nil || !strings.Contains(err.Error(), "not this binary's") {
		t.Errorf("Prebuilt with another binary: %v; want a mismatch error", err)
	}
}

func mustHash(t *testing.T, s string) v1.Hash {
	h, err := v1.NewHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestBaseImageOtherPlatform(t *testing.T) {
	host, _ := testRegistry(t)
	cf, _ := empty.Image.ConfigFile()
	cf.OS, cf.Architecture = "linux", "arm64"
	arm, err := mutate.ConfigFile(empty.Image, cf)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(mustRef(t, host+"/base/arm:1"), arm); err != nil {
		t.Fatal(err)
	}
	p, err := newPackage(t.Context(), Options{Def: testDef(), Binary: staticHello(t)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = p.Image(t.Context(), host+"/base/arm:1", Keychain(t.Context()))
	if err == nil || !strings.Contains(err.Error(), "is linux/arm64, not linux/amd64") {
		t.Errorf("arm64 base for an amd64 package: %v", err)
	}
	for _, repo := range []string{"", host + "/flows/x:latest", host + "/flows/x@sha256:" + strings.Repeat("0", 64)} {
		if _, err := p.Push(t.Context(), repo, "", Keychain(t.Context())); err == nil || !strings.Contains(err.Error(), "image-repository") {
			t.Errorf("Push to %q: %v; want an --image-repository error", repo, err)
		}
	}
}

// Save writes an OCI image layout that go-containerregistry reads back as
// the image Push would push.
func TestSaveLayout(t *testing.T) {
	bin := staticHello(t)
	p, err := newPackage(t.Context(), Options{Def: testDef(), Binary: bin}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	img, err := p.Image(t.Context(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "image.tar")
	if err := Save(img, file); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	untar(t, file, dir)
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	got, err := idx.Image(want)
	if err != nil {
		t.Fatalf("the layout has no image %s: %v", want, err)
	}
	checkImage(t, got, bin)
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 1 || im.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != Tag(want) {
		t.Errorf("index.json %+v", im)
	}
	size := func(p string) int64 { st, _ := os.Stat(p); return st.Size() }
	if s, b := size(file), size(bin); float64(s) > 1.2*float64(b) {
		t.Errorf("image tarball %d bytes for a %d-byte binary: more than 1.2x", s, b)
	}
	if err := Save(img, filepath.Join(t.TempDir(), "no", "such", "dir.tar")); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

func untar(t *testing.T, file, dir string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, h.Name)
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		b, _ := io.ReadAll(tr)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
