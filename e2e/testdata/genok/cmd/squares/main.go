// Command squares runs lib.Squares through its exported runner.
package main

import (
	"context"
	"os"

	"example.com/try/lib"
)

func main() { os.Exit(lib.RunSquares(context.Background(), os.Args[1:])) }
