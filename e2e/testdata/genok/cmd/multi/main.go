// Command multi hosts both flows of lib in one binary: its first argument
// picks the flow ("multi squares run", "multi hello run").
package main

import (
	"context"
	"fmt"
	"os"

	"example.com/try/lib"
)

func main() {
	flows := map[string]func(context.Context, []string) int{
		"squares": lib.RunSquares,
		"hello":   lib.RunHello,
	}
	if len(os.Args) < 2 || flows[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: multi squares|hello <command>")
		os.Exit(2)
	}
	os.Exit(flows[os.Args[1]](context.Background(), os.Args[2:]))
}
