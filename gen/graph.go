package gen

import (
	"slices"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// Cron expressions of the named schedule periods (EventBridge syntax, as
// Metaflow's @schedule uses).
var periodCron = map[string]string{
	"daily":  "0 0 * * ? *",
	"hourly": "0 * * * ? *",
	"weekly": "0 0 ? * SUN *",
}

// buildGraph turns the model into the rt.Graph the generated code carries.
// It never fails: unknown targets stay in Next for the lint to report, and
// derived relations are computed over whatever edges exist.
func buildGraph(m *flowModel) *rt.Graph {
	g := &rt.Graph{Flow: m.name, Doc: strings.TrimSpace(m.doc)}
	if s := m.set.Schedule; s != nil {
		cron := s.Cron
		if s.Period != "" {
			cron = periodCron[s.Period]
		}
		g.Schedule = &rt.Schedule{Cron: cron, Period: s.Period, Timezone: s.Timezone}
	}
	if m.set.Project != nil {
		g.Project = m.set.Project.Name
	}
	if m.set.Image != nil {
		g.Image = m.set.Image.Name
	}
	for _, sm := range m.steps {
		st := &rt.Step{Name: sm.name, Pos: m.position(sm.pos), Join: sm.join}
		if sm.decl.Doc != nil {
			st.Doc = strings.TrimSpace(sm.decl.Doc.Text())
		}
		set := sm.set
		switch {
		case set.Next != nil:
			for _, t := range set.Next.Targets {
				st.Next = append(st.Next, t.Name)
			}
		case set.Foreach != nil:
			st.Foreach = set.Foreach.Over.Name
			st.Next = []string{set.Foreach.Next.Name}
		case set.Switch != nil:
			spec := &rt.SwitchSpec{On: set.Switch.On.Name}
			for _, c := range set.Switch.Cases {
				spec.Cases = append(spec.Cases, rt.SwitchCase{Value: c.Value, Step: c.Step.Name})
				if !slices.Contains(st.Next, c.Step.Name) {
					st.Next = append(st.Next, c.Step.Name)
				}
			}
			st.Switch = spec
		}
		st.Kind = stepKind(sm.name, st)
		if r := set.Retry; r != nil {
			st.Retry = &rt.Retry{Times: r.Times, MinutesBetween: r.MinutesBetween, MinutesBetweenSet: r.MinutesBetweenSet}
		}
		if set.Catch != nil {
			st.Catch = set.Catch.Var.Name
		}
		if set.Timeout != nil {
			st.TimeoutS = set.Timeout.Seconds
		}
		if r := set.Resources; r != nil {
			st.Resources = rt.Resources{CPU: r.CPU, MemoryMiB: r.MemoryMiB, GPU: r.GPU, DiskMiB: r.DiskMiB}
		}
		if b := set.Batch; b != nil {
			st.Batch = &rt.Batch{Queue: b.Queue, Image: b.Image, IAMRole: b.IAMRole}
		}
		if k := set.Kubernetes; k != nil {
			st.K8s = &rt.Kubernetes{Image: k.Image, Namespace: k.Namespace, ServiceAccount: k.ServiceAccount}
		}
		if e := set.Env; e != nil {
			for _, v := range e.Vars {
				st.Env = append(st.Env, rt.EnvVar{Key: v.Key, Value: v.Value})
			}
			sort.SliceStable(st.Env, func(i, j int) bool { return st.Env[i].Key < st.Env[j].Key })
		}
		sm.step = st
		g.Steps = append(g.Steps, st)
	}
	g.Link()
	return g
}

func stepKind(name string, st *rt.Step) string {
	switch {
	case name == "End":
		return rt.KindEnd
	case st.Join:
		return rt.KindJoin
	case st.Foreach != "":
		return rt.KindForeach
	case st.Switch != nil:
		return rt.KindSwitch
	case len(st.Next) > 1:
		return rt.KindSplit
	case name == "Start":
		return rt.KindStart
	}
	return rt.KindLinear
}
