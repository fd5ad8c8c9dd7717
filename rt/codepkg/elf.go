package codepkg

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
	"strings"
)

// checkELF says why the file at path cannot run as a task on p, or "" when
// it can: it must be an ELF for p's machine with neither an interpreter
// (PT_INTERP) nor shared libraries (DT_NEEDED). The platform recorded in the
// build info is not enough: a default cgo build for linux/amd64 that imports
// net or os/user is linux/amd64 and still needs the host's libc.
func checkELF(path string, p Platform) (reason string, err error) {
	r, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer r.Close()
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil || string(magic[:]) != elf.ELFMAG {
		return "not a Linux executable (ELF)", nil
	}
	f, err := elf.NewFile(r)
	if err != nil {
		return "not a Linux executable (ELF): " + err.Error(), nil
	}
	if want := platforms[p]; f.Machine != want || f.Class != elf.ELFCLASS64 {
		return fmt.Sprintf("built for %s, not %s", elfMachineName(f.Machine), p), nil
	}
	var interp bool
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			interp = true
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return "", fmt.Errorf("reading the dynamic section of %q: %w", path, err)
	}
	switch {
	case len(libs) > 0:
		return "dynamically linked (needs " + strings.Join(libs, ", ") + ")", nil
	case interp:
		return "dynamically linked (has an ELF interpreter)", nil
	}
	return "", nil
}

func elfMachineName(m elf.Machine) string {
	for p, pm := range platforms {
		if pm == m {
			return p.String()
		}
	}
	return strings.ToLower(strings.TrimPrefix(m.String(), "EM_"))
}
