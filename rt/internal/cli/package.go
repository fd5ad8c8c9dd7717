//go:build !flowc_nodeploy

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/flowc-dev/flowc/rt/codepkg"
)

// A task started from an image flowc built runs as codepkg.Path; the image
// may be the binary alone, with no CA bundle, and the task must still reach
// S3 over TLS, so it gets the roots compiled into the binary. Anywhere else
// this costs one string comparison at start-up.
func init() {
	if len(os.Args) > 0 && os.Args[0] == codepkg.Path {
		codepkg.UseBundledRoots()
	}
}

type packageCmd struct {
	List packageListCmd `cmd:"" help:"Print what a deployment ships: the binary, how it was built, the flow."`
	Save packageSaveCmd `cmd:"" help:"Write the code package as an OCI image layout tarball (docker load, podman load, skopeo read it)."`
}

// packageOpts choose the binary that ships.
type packageOpts struct {
	Platform string `default:"linux/amd64" placeholder:"linux/amd64|linux/arm64" help:"The platform the tasks run on."`
	Binary   string `placeholder:"FILE" help:"The flow binary to ship: a static Linux build of this flow (default: this binary, or one built for --platform from its module)."`
}

func (o *packageOpts) open(e *Env) (*codepkg.Package, error) {
	pl, err := codepkg.ParsePlatform(o.Platform)
	if err != nil {
		return nil, err
	}
	return codepkg.New(e.Ctx, codepkg.Options{Def: e.Def, Platform: pl, Binary: o.Binary, Log: e.Stderr})
}

type packageListCmd struct {
	packageOpts
	JSON bool `name:"json" help:"Print it as JSON."`
}

// packageList is `package list --json`.
type packageList struct {
	Flow         string            `json:"flow"`
	GraphSHA256  string            `json:"graph_sha256"`
	Binary       string            `json:"binary"`
	Built        bool              `json:"built,omitempty"`
	Size         int64             `json:"size"`
	SHA256       string            `json:"sha256"`
	Platform     string            `json:"platform"`
	GoVersion    string            `json:"go_version"`
	Main         string            `json:"main"`
	Module       string            `json:"module"`
	Modules      []string          `json:"modules"`
	VCS          string            `json:"vcs,omitempty"`
	VCSRevision  string            `json:"vcs_revision,omitempty"`
	VCSTime      string            `json:"vcs_time,omitempty"`
	VCSModified  bool              `json:"vcs_modified"`
	Includefiles []codepkg.Include `json:"includefiles"`
	Labels       map[string]string `json:"labels"`
}

func (c *packageListCmd) Run(e *Env) error {
	p, err := c.open(e)
	if err != nil {
		return err
	}
	defer p.Close()
	b := p.Binary
	l := packageList{
		Flow: p.Flow, GraphSHA256: p.GraphSHA256,
		Binary: b.Path, Built: b.Built, Size: b.Size, SHA256: b.SHA256, Platform: b.Platform.String(),
		GoVersion: b.Info.GoVersion, Main: b.Info.Path, Module: b.Info.Main.Path + "@" + b.Info.Main.Version,
		VCS: b.Setting("vcs"), VCSRevision: b.Setting("vcs.revision"), VCSTime: b.Setting("vcs.time"),
		VCSModified:  b.Setting("vcs.modified") == "true",
		Includefiles: append([]codepkg.Include{}, p.Includes...), Labels: p.Labels(),
	}
	for _, d := range b.Info.Deps {
		s := d.Path + "@" + d.Version
		if d.Replace != nil {
			s += " => " + d.Replace.Path + "@" + d.Replace.Version
		}
		l.Modules = append(l.Modules, strings.TrimSuffix(s, "@"))
	}
	if c.JSON {
		j, err := json.MarshalIndent(l, "", "  ")
		if err != nil {
			return err
		}
		_, err = e.Stdout.Write(append(j, '\n'))
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	defer w.Flush()
	fmt.Fprintf(w, "flow\t%s\n", l.Flow)
	fmt.Fprintf(w, "graph\tsha256:%s\n", l.GraphSHA256)
	if b.Built {
		fmt.Fprintf(w, "binary\tbuilt from %s for %s (the running binary is %s)\n", l.Main, l.Platform, b.Reason)
	} else {
		fmt.Fprintf(w, "binary\t%s\n", l.Binary)
	}
	fmt.Fprintf(w, "size\t%d bytes (%.1f MiB)\n", l.Size, float64(l.Size)/(1<<20))
	fmt.Fprintf(w, "sha256\t%s\n", l.SHA256)
	fmt.Fprintf(w, "platform\t%s, static\n", l.Platform)
	fmt.Fprintf(w, "go\t%s\n", l.GoVersion)
	fmt.Fprintf(w, "main\t%s\n", l.Main)
	fmt.Fprintf(w, "module\t%s\n", l.Module)
	switch {
	case l.VCSRevision == "":
		fmt.Fprintf(w, "vcs\tnot recorded (built outside a repository or with -buildvcs=false)\n")
	case l.VCSModified:
		fmt.Fprintf(w, "vcs\t%s %s %s, modified (uncommitted changes)\n", l.VCS, l.VCSRevision, l.VCSTime)
	default:
		fmt.Fprintf(w, "vcs\t%s %s %s, clean\n", l.VCS, l.VCSRevision, l.VCSTime)
	}
	for _, in := range l.Includefiles {
		fmt.Fprintf(w, "includefile\t%s (--%s) default %q: %d bytes, sha256:%s\n", in.Field, in.Param, in.Path, in.Size, in.SHA256)
	}
	for i, m := range l.Modules {
		key := ""
		if i == 0 {
			key = "modules"
		}
		fmt.Fprintf(w, "%s\t%s\n", key, m)
	}
	return nil
}

type packageSaveCmd struct {
	packageOpts
	File      string `arg:"" placeholder:"FILE" help:"The tarball to write."`
	BaseImage string `placeholder:"REF" help:"The image to put the binary on (default: an empty image; the binary is the whole environment)."`
}

func (c *packageSaveCmd) Run(e *Env) error {
	p, err := c.open(e)
	if err != nil {
		return err
	}
	defer p.Close()
	img, err := p.Image(e.Ctx, c.BaseImage, codepkg.Keychain(e.Ctx))
	if err != nil {
		return err
	}
	if err := codepkg.Save(img, c.File); err != nil {
		return fmt.Errorf("writing %q: %v", c.File, err)
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s: %s image %s, %s (binary sha256:%s)\n", c.File, p.Binary.Platform, digest, codepkg.Tag(digest), p.Binary.SHA256)
	return nil
}
