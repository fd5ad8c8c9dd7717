package codepkg

import (
	"debug/elf"
	"fmt"
	"runtime"
	"strings"
)

// Platform is an os/arch pair of a Linux image.
type Platform struct {
	OS, Arch string
}

// DefaultPlatform is what cloud batch systems run unless told otherwise.
var DefaultPlatform = Platform{OS: "linux", Arch: "amd64"}

// platforms maps each supported platform to its ELF machine.
var platforms = map[Platform]elf.Machine{
	{"linux", "amd64"}: elf.EM_X86_64,
	{"linux", "arm64"}: elf.EM_AARCH64,
}

// ParsePlatform reads "linux/amd64" or "linux/arm64"; "" is DefaultPlatform.
func ParsePlatform(s string) (Platform, error) {
	if s == "" {
		return DefaultPlatform, nil
	}
	os, arch, _ := strings.Cut(s, "/")
	p := Platform{OS: os, Arch: arch}
	if _, ok := platforms[p]; !ok {
		return Platform{}, fmt.Errorf("--platform %q is not supported; use linux/amd64 or linux/arm64", s)
	}
	return p, nil
}

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// host reports whether p is the platform this process runs on.
func (p Platform) host() bool { return p.OS == runtime.GOOS && p.Arch == runtime.GOARCH }
