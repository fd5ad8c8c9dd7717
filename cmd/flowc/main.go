// Command flowc generates the typed runner of each flow in a package. Run it
// from a //go:generate line:
//
//	//go:generate go run github.com/flowc-dev/flowc/cmd/flowc
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
