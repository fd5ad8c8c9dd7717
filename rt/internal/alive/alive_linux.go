package alive

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// startToken is "<boot id>/<start time>": the kernel's boot id (new at
// every boot) and the process's start time in clock ticks since boot
// (field 22 of /proc/<pid>/stat). A container restart keeps the boot id
// but not the start time of the process that gets the same PID.
func startToken(pid int) string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces
	// or parentheses itself: the fields after the last ')' are fixed.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state); the start time is field 22.
	if len(f) < 20 {
		return ""
	}
	return strings.TrimSpace(string(boot)) + "/" + f[19]
}
