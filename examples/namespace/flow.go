// Command namespace is NamespaceFlow (listing 6.7 of the Metaflow book): it
// prints the namespace its run belongs to, user:<you> by default.
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// NamespaceFlow shows which namespace a run lands in.
//
//flow:flow
type NamespaceFlow struct{}

//flow:step
//flow:next End
func (f *NamespaceFlow) Start(ctx context.Context) error {
	fmt.Println("my namespace is", rt.Current(ctx).Namespace)
	return nil
}

//flow:step
func (f *NamespaceFlow) End(ctx context.Context) error { return nil }
