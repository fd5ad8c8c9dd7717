package resume

import "testing"

// BenchmarkPlanClone1000: a 1000-task foreach whose join failed; planning
// plus cloning the 1002 tasks before the join into a fresh run.
func BenchmarkPlanClone1000(b *testing.B) {
	f := newFixture(b)
	origin := f.foreachRun(1000, task{ok: false})
	g := foreachGraph()
	for b.Loop() {
		p, err := NewPlan(g, f.st, "F", origin, "")
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Clones) != 1002 {
			b.Fatalf("%d clones", len(p.Clones))
		}
		if err := p.CloneInto(f.st, f.newRunNoParams(), counter(0)); err != nil {
			b.Fatal(err)
		}
	}
}
