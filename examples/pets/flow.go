// Command pets is PetsFlow: a static branch into two steps and a join that
// reads each branch's artifact by step name.
package main

//go:generate go tool flowc

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// PetsFlow lists good and bad pets in two branches and joins them.
//
//flow:flow
type PetsFlow struct {
	Pets []string
}

// Start branches into A and B.
//
//flow:step
//flow:next A B
func (f *PetsFlow) Start(ctx context.Context) error { return nil }

// A knows the good pets.
//
//flow:step
//flow:next Join
func (f *PetsFlow) A(ctx context.Context) error {
	f.Pets = []string{"dogs", "cats", "budgies"}
	return nil
}

// B knows the bad ones.
//
//flow:step
//flow:next Join
func (f *PetsFlow) B(ctx context.Context) error {
	f.Pets = []string{"lions", "wolves", "elephants"}
	return nil
}

// Join concatenates both lists.
//
//flow:step
//flow:next End
func (f *PetsFlow) Join(ctx context.Context, inputs rt.Inputs[*PetsFlow]) error {
	a, b := inputs.Step("A"), inputs.Step("B")
	fmt.Printf("Good pets (a) are %s\n", strings.Join(a.Pets, ", "))
	fmt.Printf("Bad pets (b) are %s\n", strings.Join(b.Pets, ", "))
	f.Pets = append(append([]string{}, a.Pets...), b.Pets...)
	fmt.Printf("total of %d pets\n", len(f.Pets))
	return nil
}

// End does nothing: the pets are in the run's artifacts.
//
//flow:step
func (f *PetsFlow) End(ctx context.Context) error { return nil }
