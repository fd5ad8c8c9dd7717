package gen

import (
	"go/ast"
	"go/types"
)

// computeUses fills Step.Uses and Step.UsesAll: which artifact fields a
// step's code can touch. The runtime passes every other field from parent
// to child by hash, without decoding it, so this must over-approximate:
// any use of the receiver other than selecting a field or calling a method
// of the flow (whose body is then analyzed too) sets UsesAll.
func computeUses(m *flowModel) {
	for _, s := range m.steps {
		u := &usage{m: m, fields: map[string]bool{}, visited: map[string]bool{}}
		u.method(s.decl)
		st := s.step
		st.UsesAll = u.all
		if u.all {
			continue
		}
		for _, f := range m.fields {
			if u.fields[f.name] {
				st.Uses = append(st.Uses, f.name)
			}
		}
	}
}

type usage struct {
	m       *flowModel
	fields  map[string]bool
	visited map[string]bool
	all     bool
}

func (u *usage) method(fd *ast.FuncDecl) {
	if u.all || u.visited[fd.Name.Name] {
		return
	}
	u.visited[fd.Name.Name] = true
	if fd.Body == nil || fd.Recv == nil || len(fd.Recv.List) == 0 || len(fd.Recv.List[0].Names) == 0 {
		return // no receiver name: the body cannot touch the flow
	}
	info := u.m.pkg.TypesInfo
	recv := info.Defs[fd.Recv.List[0].Names[0]]
	if recv == nil {
		return
	}
	if _, ptr := recv.Type().(*types.Pointer); !ptr {
		// A value receiver is a copy of the whole flow.
		u.all = true
		return
	}
	// parents maps each node to its parent so that a use of the receiver
	// can be judged by the expression around it.
	var stack []ast.Node
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if u.all {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == recv {
			u.receiverUse(stack)
		}
		stack = append(stack, n)
		return true
	})
}

// receiverUse judges one occurrence of the receiver, given its ancestors.
func (u *usage) receiverUse(ancestors []ast.Node) {
	var parent, grand ast.Node
	if len(ancestors) > 0 {
		parent = ancestors[len(ancestors)-1]
	}
	if len(ancestors) > 1 {
		grand = ancestors[len(ancestors)-2]
	}
	sel, ok := parent.(*ast.SelectorExpr)
	if !ok {
		u.all = true
		return
	}
	selection := u.m.pkg.TypesInfo.Selections[sel]
	if selection == nil {
		u.all = true
		return
	}
	switch selection.Kind() {
	case types.FieldVal:
		if len(selection.Index()) != 1 {
			u.all = true // promoted through an embedded field
			return
		}
		u.fields[sel.Sel.Name] = true
	case types.MethodVal:
		call, ok := grand.(*ast.CallExpr)
		fd := u.m.methods[sel.Sel.Name]
		if !ok || call.Fun != sel || fd == nil {
			u.all = true // a method value escaping, or a method we cannot see
			return
		}
		u.method(fd)
	default:
		u.all = true
	}
}
