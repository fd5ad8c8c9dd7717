package task

import (
	"strings"
	"testing"
)

func TestTrimStack(t *testing.T) {
	in := `goroutine 1 [running]:
runtime/debug.Stack()
	/usr/local/go/src/runtime/debug/stack.go:26 +0x5e
github.com/flowc-dev/flowc/rt/internal/task.(*task).call.func1()
	/m/rt/internal/task/execute.go:170 +0x18
panic({0x4ae580?, 0x57e2a0?})
	/usr/local/go/src/runtime/panic.go:860 +0x13a
main.helper(...)
	/m/flow.go:14
main.(*F).Square(0xc000010000, {0x5a1b30, 0xc000012000}, 0x3)
	/m/flow.go:20 +0x45
main.init.func3({0x5a1b30?, 0xc000012000?}, {0x4e5f20?, 0xc000010000?}, {0x0?, {0x0?, 0x0?}})
	/m/f.flowc.go:99 +0x3a
github.com/flowc-dev/flowc/rt/internal/task.(*task).call(0xc00012a000, {0x5a1b30, 0xc000012000}, 0xc000014000)
	/m/rt/internal/task/execute.go:185 +0x10b
github.com/flowc-dev/flowc/rt/internal/cli.(*stepCmd).Run(0xc000120000, 0xc000122000)
	/m/rt/internal/cli/step.go:22 +0x1c5
reflect.Value.call({0x4e0000?, 0xc000120000?, 0x13?}, {0x50a2b0, 0x4}, {0xc000126000, 0x1, 0x1?})
	/usr/local/go/src/reflect/value.go:581 +0xca6
github.com/alecthomas/kong.callFunction({0x4e0000?, 0xc000120000?, 0x0?}, 0xc000124000)
	/root/go/pkg/mod/github.com/alecthomas/kong@v1.6.0/callbacks.go:98 +0x4e5
main.main()
	/m/f.flowc.go:120 +0x25
runtime.main()
	/usr/local/go/src/runtime/proc.go:283 +0x28b
`
	got := trimStack([]byte(in))
	want := `goroutine 1 [running]:
main.helper(...)
	/m/flow.go:14
main.(*F).Square(0xc000010000, {0x5a1b30, 0xc000012000}, 0x3)
	/m/flow.go:20 +0x45
main.init.func3({0x5a1b30?, 0xc000012000?}, {0x4e5f20?, 0xc000010000?}, {0x0?, {0x0?, 0x0?}})
	/m/f.flowc.go:99 +0x3a
`
	if got != want {
		t.Errorf("trimStack:\n%s\nwant:\n%s", got, want)
	}
	// A shape it does not know keeps all but the noise.
	odd := "goroutine 7 [running]:\nreflect.Value.Call()\n\t/r.go:1\nmain.x()\n\t/m.go:2\n"
	if got := trimStack([]byte(odd)); !strings.Contains(got, "main.x()") || strings.Contains(got, "reflect") {
		t.Errorf("unknown shape: %q", got)
	}
}
