//go:build flowc_tidy

package main

// The code flowc generates imports the runtime (rt/runner and what it
// needs: kong, zstd), which the generator itself does not link. go mod
// tidy and go get -tool consider every build tag, so this file, built by
// no one, makes them keep the runtime's modules and go.sum entries in a
// module that only names flowc as a tool: the first go generate works
// before any generated file exists, and tidy never drops what a later
// generation needs.
import _ "github.com/flowc-dev/flowc/rt/runner"
