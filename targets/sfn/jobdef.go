package sfn

import (
	"sort"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// JobDefinition is one Batch job definition the state machine submits
// to: one per distinct base image and job role (§8.1), all on one
// platform. The name depends on the deployment and those two alone, so
// the definition does not change when a new binary is pushed: create
// registers a new revision only when the image (or anything else) did.
type JobDefinition struct {
	Name     string
	Base     string // the //flow:batch or //flow:image base image, "" for the default
	Image    string // the image the jobs run
	JobRole  string // IAM role ARN, "" for none
	Platform string
	Secrets  []Secret
	// Env is the environment every task of the definition gets (JobEnv);
	// the state machine adds each task's own.
	Env [][2]string
}

// The limits of job definition names: 128 characters of [A-Za-z0-9_-].
const maxJobDefName = 128

func jobDefRune(r rune) bool {
	return r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// baseOf is the base image a step's binary goes on (step over flow).
func baseOf(g *rt.Graph, st *rt.Step) string {
	if st.Batch != nil && st.Batch.Image != "" {
		return st.Batch.Image
	}
	return g.Image
}

func roleOf(o *Options, st *rt.Step) string {
	if st.Batch != nil && st.Batch.IAMRole != "" {
		return st.Batch.IAMRole
	}
	return o.JobRole
}

// jobDefs assigns each step its job definition.
func jobDefs(g *rt.Graph, o *Options, images map[string]string) (byStep map[string]*JobDefinition, all []*JobDefinition) {
	byKey := map[[2]string]*JobDefinition{}
	byStep = map[string]*JobDefinition{}
	for _, st := range g.Steps {
		k := [2]string{baseOf(g, st), roleOf(o, st)}
		jd := byKey[k]
		if jd == nil {
			name := o.Name
			if k != [2]string{g.Image, o.JobRole} {
				name += "-" + deploy.Hash(k[0]+"\x00"+k[1])
			}
			img := images[k[0]]
			if img == "" {
				img = ImagePending
			}
			jd = &JobDefinition{
				Name: deploy.Map(name, jobDefRune, '_', maxJobDefName), Base: k[0], Image: img,
				JobRole: k[1], Platform: o.Platform, Secrets: o.Secrets, Env: JobEnv(o),
			}
			byKey[k] = jd
			all = append(all, jd)
		}
		byStep[st.Name] = jd
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return byStep, all
}
