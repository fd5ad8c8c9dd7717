// Command big is BigFlow: Start stores an artifact of MB mebibytes of
// random words, which the store compresses as a stream into a temp file
// (a few times smaller, at a few hundred MB/s): long enough for a test to
// kill the task in the middle of that write.
package main

import (
	"context"
	"math/rand/v2"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// BigFlow writes one large artifact.
//
//flow:flow
type BigFlow struct {
	// Size of the artifact in MiB.
	//flow:param default=1
	MB int

	Text string
}

//flow:step
//flow:next End
func (f *BigFlow) Start(ctx context.Context) error {
	words := strings.Fields("all work and no play makes jack a dull boy the quick brown fox jumps over lazy dogs while seven wizards quietly hex zebras")
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.Grow(f.MB<<20 + 16)
	for b.Len() < f.MB<<20 {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	f.Text = b.String()
	_ = rt.Current(ctx)
	return nil
}

//flow:step
func (f *BigFlow) End(ctx context.Context) error { return nil }
