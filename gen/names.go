package gen

import (
	"go/types"

	"github.com/flowc-dev/flowc/rt"
	"golang.org/x/tools/go/packages"
)

// Package-level names the generated file declares for flow m. They are
// derived from the flow name so that several flows share a package.
func (m *flowModel) defVar() string     { return lowerFirst(m.name) + "Def" }
func (m *flowModel) paramsType() string { return lowerFirst(m.name) + "Params" }
func (m *flowModel) loadFunc() string   { return "Load" + m.name }
func (m *flowModel) runFunc() string    { return "Run" + m.name }
func (m *flowModel) fileName() string   { return snake(m.name) + ".flowc.go" }
func (m *flowModel) embedVar(f *fieldModel) string {
	return lowerFirst(m.name) + f.name + "Default"
}

// generatedNames lists every package-level identifier flowc declares for m.
func (m *flowModel) generatedNames() []string {
	names := []string{m.defVar(), m.loadFunc()}
	if m.pkg.Name == "main" {
		names = append(names, "main")
	} else {
		names = append(names, m.runFunc())
	}
	hasParams := false
	for _, f := range m.fields {
		if f.kind != rt.FieldArtifact {
			hasParams = true
		}
		if f.kind == rt.FieldIncludeFile {
			names = append(names, m.embedVar(f))
		}
	}
	if hasParams {
		names = append(names, m.paramsType())
	}
	return names
}

// checkGeneratedNames reports user declarations that the generated code
// would redeclare. The generated file itself is excluded at load time
// (-tags=flowc), so anything found here is the user's.
func checkGeneratedNames(p *packages.Package, flows []*flowModel, errs *errorList) {
	scope := p.Types.Scope()
	for _, m := range flows {
		for _, name := range m.generatedNames() {
			obj := scope.Lookup(name)
			if obj == nil {
				continue
			}
			if _, isFunc := obj.(*types.Func); isFunc && name == "main" {
				errs.errorf(obj.Pos(), "package main declares func main, but flowc generates it for flow %q; delete yours (or move the flow to a library package)", m.name)
				continue
			}
			errs.errorf(obj.Pos(), "%q collides with the code flowc generates for flow %q; rename it", name, m.name)
		}
	}
}
