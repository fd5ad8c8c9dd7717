package task

import "strings"

// trimStack keeps the part of a panicking step's goroutine stack that is
// the user's: from the panic site down to the generated step dispatcher.
// Dropped are the runtime's panic machinery (runtime.*, panic, debug.Stack),
// reflect and kong frames, and everything from the runtime's call of the
// dispatcher down (the task runner, the CLI, kong, main), which is the same
// in every task and says nothing about the failure. A stack whose shape it
// does not recognize loses only the runtime, reflect and kong frames.
func trimStack(stack []byte) string {
	lines := strings.Split(strings.TrimRight(string(stack), "\n"), "\n")
	if len(lines) == 0 {
		return ""
	}
	out := []string{lines[0]} // "goroutine N [running]:"
	for i := 1; i < len(lines); {
		fn := lines[i]
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], "\t") {
			j++ // the frame's file:line (one line, but be lenient)
		}
		name := frameName(fn)
		if name == dispatcherCaller {
			break
		}
		if !noiseFrame(name) {
			out = append(out, lines[i:j]...)
		}
		i = j
	}
	return strings.Join(out, "\n") + "\n"
}

// dispatcherCaller is the runtime frame that calls the generated step
// dispatcher; the user's frames are all above it.
const dispatcherCaller = "github.com/flowc-dev/flowc/rt/internal/task.(*task).call"

// frameName is the function of a stack frame line, without its arguments:
// "main.(*F).Start(0xc0000, ...)" is "main.(*F).Start"; "created by x in
// goroutine 1" is "x".
func frameName(line string) string {
	if rest, ok := strings.CutPrefix(line, "created by "); ok {
		name, _, _ := strings.Cut(rest, " ")
		return name
	}
	if i := strings.LastIndexByte(line, '('); i > 0 {
		return line[:i]
	}
	return line
}

func noiseFrame(name string) bool {
	switch {
	case name == "panic", strings.HasPrefix(name, "runtime."), strings.HasPrefix(name, "runtime/"),
		strings.HasPrefix(name, "reflect."), strings.HasPrefix(name, "github.com/alecthomas/kong"):
		return true
	case strings.HasPrefix(name, "github.com/flowc-dev/flowc/rt/internal/task."):
		return true // the recover and timeout closures around the step
	}
	return false
}
