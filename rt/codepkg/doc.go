// Package codepkg builds the code package of a flow: the flow binary, for a
// Linux platform and statically linked, as the single layer of an OCI image
// at /flowc/flow (DESIGN §8.1). It needs no Docker: the image is assembled in
// memory with go-containerregistry, saved as an OCI image layout tarball or
// pushed to a registry and referenced by digest.
//
// The binary that ships is the running one when it is a static ELF for the
// platform; otherwise it is rebuilt with the Go toolchain from the module its
// build info names (GOOS/GOARCH set, CGO_ENABLED=0), or refused with one line
// saying how to build it. Deployment targets call New, then Push once per
// distinct base image.
//
// Nothing here runs at package initialization: a flow binary links this
// package, and its tasks must start as fast as a binary without it.
package codepkg

// Path is where the binary sits in every image flowc builds.
const Path = "/flowc/flow"

// LabelBinarySHA256 is the image label holding the sha256 of the binary at
// Path; a prebuilt image (--image) is accepted only when it matches.
const LabelBinarySHA256 = "dev.flowc.binary.sha256"

// Labels recording what the image ships (config labels; the manifest carries
// the standard org.opencontainers.image.* annotations too).
const (
	LabelFlow        = "dev.flowc.flow"
	LabelGraphSHA256 = "dev.flowc.graph.sha256"
	LabelGoVersion   = "dev.flowc.go.version"
	LabelMain        = "dev.flowc.main"         // main package path
	LabelModule      = "dev.flowc.module"       // main module path@version
	LabelModules     = "dev.flowc.modules"      // dependencies, "path@version" comma-separated, sorted
	LabelVCSRevision = "dev.flowc.vcs.revision" // "" when the build was not stamped
	LabelVCSModified = "dev.flowc.vcs.modified" // "true" or "false"; absent when not stamped
	LabelVCSTime     = "dev.flowc.vcs.time"
	LabelIncludes    = "dev.flowc.includefiles" // JSON: field -> sha256 of the embedded default
)
