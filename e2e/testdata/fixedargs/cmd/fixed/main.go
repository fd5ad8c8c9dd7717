// Command fixed runs the library flow fan.Fan with fixed args, not with its
// own command line: "fixed" runs it once, "fixed twice" twice in turn,
// "fixed inspect ARGS..." passes ARGS through (to read the runs back).
package main

import (
	"context"
	"os"

	"example.com/try/fan"
)

func main() {
	ctx := context.Background()
	fixed := []string{"run", "--quiet", "--max-workers", "2", "--n", "4"}
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "inspect":
		os.Exit(fan.RunFan(ctx, os.Args[2:]))
	case "twice":
		if code := fan.RunFan(ctx, fixed); code != 0 {
			os.Exit(code)
		}
		os.Exit(fan.RunFan(ctx, fixed))
	default:
		os.Exit(fan.RunFan(ctx, fixed))
	}
}
