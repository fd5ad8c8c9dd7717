//go:build tools

// Package tools pins the generator's build-time dependencies so that
// `go mod tidy` keeps them in go.mod.
package tools

import (
	_ "github.com/dave/jennifer/jen"
	_ "golang.org/x/tools/go/packages"
)
