package spin

import (
	"slices"

	"github.com/flowc-dev/flowc/rt/internal/ipath"
	"github.com/flowc-dev/flowc/rt/internal/runstate"
)

// KeepScratch is how many of a flow's scratch runs are kept: each spin
// removes the older ones, so spinning in a loop does not fill the disk,
// while the last few stay to be dumped and compared.
const KeepScratch = 5

// prune removes the flow's scratch runs older than the newest KeepScratch,
// except those still running (another spin in progress) and those this
// spin reads its inputs from (a spin of a spun task). It is best effort:
// a scratch run it cannot remove is tried again at the next spin, and
// never fails this one.
func (p *Plan) prune() {
	st, flow := p.st, p.Origin.Flow
	ids, err := st.ScratchRuns(flow)
	if err != nil || len(ids) <= KeepScratch {
		return
	}
	for _, id := range ids[:len(ids)-KeepScratch] {
		if slices.ContainsFunc(p.inputs, func(r ipath.Ref) bool { return r.Run == id }) {
			continue
		}
		r, err := st.GetRun(flow, id)
		if err != nil || !runstate.Of(r).Finished() {
			continue // damaged, or being written: leave it to its owner
		}
		_ = st.RemoveScratchRun(flow, id)
	}
}
