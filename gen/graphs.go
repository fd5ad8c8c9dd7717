package gen

import (
	"context"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// Graphs loads the packages matching patterns (relative to dir) and
// returns the linted graph of each flow, by package directory, in source
// order: what a flow binary carries, for tests of the targets that render
// it (their goldens), without building a binary per flow. A package with
// errors is an error.
func Graphs(ctx context.Context, dir string, patterns []string) (map[string][]*rt.Graph, error) {
	pkgs, err := load(ctx, dir, patterns)
	if err != nil {
		return nil, err
	}
	out := map[string][]*rt.Graph{}
	for _, p := range pkgs {
		if errs := packageErrors(p); len(errs) > 0 {
			return nil, fmt.Errorf("%s: %v", p.PkgPath, errs)
		}
		flows, errs := analyze(p)
		if len(errs) > 0 {
			return nil, fmt.Errorf("%s: %v", p.PkgPath, errs)
		}
		for _, f := range flows {
			out[pkgDir(p)] = append(out[pkgDir(p)], f.graph)
		}
	}
	return out, nil
}
