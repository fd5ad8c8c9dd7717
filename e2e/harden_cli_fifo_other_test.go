//go:build !unix

package e2e

var mkfifo func(path string) error
