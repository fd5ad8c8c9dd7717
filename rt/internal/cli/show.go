package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

type showCmd struct {
	Format string `default:"text" enum:"text,dot,mermaid,json" help:"Output format: text, dot, mermaid or json."`
}

func (c *showCmd) Run(e *Env) error {
	g := e.Def.Graph
	// Steps in graph order (each after the steps it follows), as Metaflow's
	// show lists them; the JSON keeps source order, as the schema says.
	var steps []*rt.Step
	for _, name := range g.Order() {
		steps = append(steps, g.Step(name))
	}
	w := bufio.NewWriter(e.Stdout)
	defer w.Flush()
	switch c.Format {
	case "json":
		b, err := json.MarshalIndent(g, "", "  ") // the schema documented on rt.Graph
		if err != nil {
			return err
		}
		w.Write(append(b, '\n'))
	case "dot":
		fmt.Fprintf(w, "digraph %s {\n", g.Flow)
		for _, s := range steps {
			fmt.Fprintf(w, "  %s [label=%q];\n", s.Name, s.Name+"\n"+kindLabel(s))
		}
		for _, s := range steps {
			for _, n := range edges(s) {
				fmt.Fprintf(w, "  %s -> %s%s;\n", s.Name, n.to, dotLabel(n.label))
			}
		}
		fmt.Fprintln(w, "}")
	case "mermaid":
		fmt.Fprintln(w, "flowchart TD")
		for _, s := range steps {
			fmt.Fprintf(w, "  %s[\"%s<br/>%s\"]\n", s.Name, s.Name, kindLabel(s))
		}
		for _, s := range steps {
			for _, n := range edges(s) {
				if n.label != "" {
					fmt.Fprintf(w, "  %s -->|%s| %s\n", s.Name, n.label, n.to)
				} else {
					fmt.Fprintf(w, "  %s --> %s\n", s.Name, n.to)
				}
			}
		}
	default:
		if g.Doc != "" {
			fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(g.Doc))
		}
		for _, s := range steps {
			fmt.Fprintf(w, "Step %s (%s)\n", s.Name, kindLabel(s))
			for _, line := range strings.Split(strings.TrimSpace(s.Doc), "\n") {
				if line != "" {
					fmt.Fprintf(w, "    %s\n", line)
				}
			}
			var to []string
			for _, n := range edges(s) {
				if n.label != "" {
					to = append(to, n.to+" ("+n.label+")")
				} else {
					to = append(to, n.to)
				}
			}
			if len(to) > 0 {
				fmt.Fprintf(w, "    => %s\n", strings.Join(to, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

func kindLabel(s *rt.Step) string {
	switch s.Kind {
	case rt.KindForeach:
		return "foreach over " + s.Foreach
	case rt.KindSwitch:
		if s.Switch != nil {
			return "switch on " + s.Switch.On
		}
	}
	return s.Kind
}

type edge struct{ to, label string }

func edges(s *rt.Step) []edge {
	if s.Switch != nil {
		var out []edge
		for _, c := range s.Switch.Cases {
			out = append(out, edge{c.Step, c.Value})
		}
		return out
	}
	var out []edge
	for _, n := range s.Next {
		out = append(out, edge{to: n})
	}
	return out
}

func dotLabel(l string) string {
	if l == "" {
		return ""
	}
	return fmt.Sprintf(" [label=%q]", l)
}
