// Command flowc generates the typed runner of each flow in a package. A
// module names it as a tool (go get -tool github.com/flowc-dev/flowc/cmd/flowc)
// and runs it from a //go:generate line:
//
//	//go:generate go tool flowc
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
