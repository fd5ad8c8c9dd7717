package argo

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/taskspec"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// Options are the settings of one deployment: everything a task needs is
// baked into the container spec from them (DESIGN §8.1).
type Options struct {
	// Deployment names the deployment (deploy.Name).
	Deployment deploy.Deployment
	// Namespace is the Kubernetes namespace ("" is "default").
	Namespace string
	// Images maps each base image the steps name (Bases) to the image
	// the tasks run: the code package on that base, by digest. With
	// --image every base maps to the one prebuilt image.
	Images map[string]string
	// BaseImage is the base of steps that name none (--base-image; "" is
	// the empty image).
	BaseImage string
	// Selector is what the binary's main needs before the flow's own
	// arguments (a binary holding several flows).
	Selector []string
	// Token is the production token; the runs' namespace is
	// production:<token>.
	Token string
	// User is the deployer, the user the runs are recorded under.
	User string
	// MaxWorkers is the workflow's parallelism (0: unbounded).
	MaxWorkers int
	// Env is the datastore and metadata settings every task gets
	// (FLOWC_DATASTORE, FLOWC_DATASTORE_ROOT, AWS_ENDPOINT_URL_S3, ...),
	// sorted by the caller.
	Env []EnvVar
	// Secrets are Kubernetes Secrets the tasks read (--secret).
	Secrets []Secret
	// ServiceAccount is the pods' service account ("" is the namespace's
	// default).
	ServiceAccount string
	// MaxNumSplits is the widest foreach the tasks allow
	// (--max-num-splits; 0: not checked here).
	MaxNumSplits int
	// MaxWorkflowSize is the controller's MAX_WORKFLOW_SIZE, which a run's
	// node status must fit (width.go); 0: not checked, as when the
	// controller offloads node status.
	MaxWorkflowSize int
}

// Secret is one --secret: NAME=SECRET/KEY is the environment variable
// NAME from key KEY of Secret SECRET; a bare SECRET is every key of it.
type Secret struct {
	Env    string // "" for every key
	Secret string
	Key    string
}

// ParseSecret reads one --secret value.
func ParseSecret(s string) (Secret, error) {
	env, ref, has := strings.Cut(s, "=")
	if !has {
		if err := CheckName("--secret", s, 253); err != nil {
			return Secret{}, fmt.Errorf("%v; give NAME=SECRET/KEY or a Secret's name", err)
		}
		return Secret{Secret: s}, nil
	}
	name, key, ok := strings.Cut(ref, "/")
	if env == "" || !ok || key == "" {
		return Secret{}, fmt.Errorf("--secret %q is not NAME=SECRET/KEY; e.g. DB_PASSWORD=db-creds/password", s)
	}
	if err := CheckName("--secret "+env+": Secret", name, 253); err != nil {
		return Secret{}, err
	}
	if err := deploy.ReservedEnv("--secret", env); err != nil {
		return Secret{}, err
	}
	return Secret{Env: env, Secret: name, Key: key}, nil
}

// Labels and annotations the target writes.
const (
	LabelDeployment = "flowc.dev/deployment"
	LabelFlow       = "flowc.dev/flow"
	AnnotationName  = "flowc.dev/deployment-name"
	AnnotationToken = "flowc.dev/production-token"
	// AnnotationDatastore records the datastore root the tasks use
	// (their FLOWC_DATASTORE_ROOT), which trigger checks its own against
	// (deploy.CheckDatastore).
	AnnotationDatastore = "flowc.dev/datastore"
	ParamName           = "parameters" // the workflow's one parameter: the flow's parameters as JSON
	binaryPath          = "/flowc/flow"
	outputsDir          = "/flowc/out"
	entryTemplate       = "flow"
	exitTemplate        = "on-exit"
	inTaskID            = "task-id"
	inInputPaths        = "input-paths"
	inSplitIndex        = "split-index"
	inPath              = "path"
	inParentTask        = "parent-task"
	kindWorkflowTempl   = "WorkflowTemplate"
)

// Objects is what create applies.
type Objects struct {
	Template *WorkflowTemplate
	Cron     *CronWorkflow // nil without //flow:schedule
	// Notes say, one line each, what a run of these objects could still
	// hit that create cannot rule out.
	Notes []string
}

// Name is the Kubernetes name of deployment d: the WorkflowTemplate's and
// the CronWorkflow's.
func Name(d deploy.Deployment) string { return objectName(d.Name, maxObjectName) }

// Build renders g as Argo objects. Every name and limit is checked here,
// so `create --only-yaml` reports what the API server would refuse.
func Build(g *rt.Graph, o Options) (*Objects, error) {
	b := &builder{g: g, o: o, name: Name(o.Deployment)}
	if err := CheckName("deployment", b.name, maxObjectName); err != nil {
		return nil, err
	}
	if o.Namespace != "" {
		if err := CheckNamespace("--k8s-namespace", o.Namespace); err != nil {
			return nil, err
		}
	}
	if o.ServiceAccount != "" {
		if err := CheckName("--service-account", o.ServiceAccount, 253); err != nil {
			return nil, err
		}
	}
	if err := b.checkSteps(); err != nil {
		return nil, err
	}
	ns := o.Namespace
	if ns == "" {
		ns = "default"
	}
	flowLabel, err := labelValue("flow", g.Flow)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{LabelDeployment: b.name, LabelFlow: flowLabel}
	if err := b.scopes(); err != nil {
		return nil, err
	}
	spec := WorkflowSpec{
		Entrypoint:         entryTemplate,
		Arguments:          &Arguments{Parameters: []Parameter{{Name: ParamName, Value: ptr("{}")}}},
		ServiceAccountName: o.ServiceAccount,
		OnExit:             exitTemplate,
		WorkflowMetadata:   &WorkflowMetadata{Labels: labels},
		PodMetadata:        &Metadata{Labels: labels},
	}
	if o.MaxWorkers > 0 {
		spec.Parallelism = ptr(int64(o.MaxWorkers))
	}
	spec.Templates = append(spec.Templates, b.templates...)
	spec.Templates = append(spec.Templates, b.exitHandler())
	if err := b.checkWidth(&spec); err != nil {
		return nil, err
	}
	wt := &WorkflowTemplate{
		APIVersion: APIVersion, Kind: kindWorkflowTempl,
		Metadata: ObjectMeta{Name: b.name, Namespace: ns, Labels: labels,
			Annotations: map[string]string{AnnotationName: o.Deployment.Name}},
		Spec: spec,
	}
	if o.Token != "" {
		wt.Metadata.Annotations[AnnotationToken] = o.Token
	}
	// Taken from the tasks' own environment, so the record cannot
	// disagree with what they use. An annotation value holds any root
	// verbatim (no hash needed, unlike a Step Functions tag).
	if root := envValue(o.Env, "FLOWC_DATASTORE_ROOT"); root != "" {
		wt.Metadata.Annotations[AnnotationDatastore] = root
	}
	objs := &Objects{Template: wt, Notes: b.notes}
	if s := deploy.ScheduleOf(g); s != nil {
		cron, err := s.Unix()
		if err != nil {
			return nil, err
		}
		objs.Cron = &CronWorkflow{
			APIVersion: APIVersion, Kind: "CronWorkflow",
			Metadata: ObjectMeta{Name: b.name, Namespace: ns, Labels: labels,
				Annotations: map[string]string{AnnotationName: o.Deployment.Name}},
			Spec: CronWorkflowSpec{
				Schedules: []string{cron}, Timezone: s.TZ(), ConcurrencyPolicy: "Allow",
				WorkflowSpec:     WorkflowSpec{WorkflowTemplateRef: &WorkflowTemplateRef{Name: b.name}},
				WorkflowMetadata: &ObjectMeta{Labels: labels},
			},
		}
	}
	return objs, nil
}

// NewWorkflow is the Workflow that trigger submits: the template by
// reference, the parameters as one JSON string.
func NewWorkflow(name, namespace, paramsJSON string) *Workflow {
	return &Workflow{
		APIVersion: APIVersion, Kind: "Workflow",
		Metadata: ObjectMeta{GenerateName: name + "-", Namespace: namespace,
			Labels: map[string]string{LabelDeployment: name}},
		Spec: WorkflowSpec{
			WorkflowTemplateRef: &WorkflowTemplateRef{Name: name},
			Arguments:           &Arguments{Parameters: []Parameter{{Name: ParamName, Value: ptr(paramsJSON)}}},
		},
	}
}

// RunID is the flowc run id of workflow wf.
func RunID(wf string) string { return "argo-" + wf }

// builder holds what Build computes on the way.
type builder struct {
	g         *rt.Graph
	o         Options
	name      string
	templates []Template
	// step -> its container template's name
	stepTemplate map[string]string
	// names already taken by a template, so two steps never share one
	taken map[string]string
	// step -> its loop template, for a switch back to its own step
	loops map[string]string
	// the DAG scopes, the flow's first
	order []*scope
	notes []string
}

// checkSteps refuses what Argo cannot honour, in one line each.
func (b *builder) checkSteps() error {
	ns := b.o.Namespace
	if ns == "" {
		ns = "default"
	}
	for _, st := range b.g.Steps {
		if st.K8s != nil && st.K8s.ServiceAccount != "" {
			if err := CheckName(fmt.Sprintf("//flow:kubernetes service_account of step %q:", st.Name), st.K8s.ServiceAccount, 253); err != nil {
				return err
			}
		}
		if st.K8s != nil && st.K8s.Namespace != "" && st.K8s.Namespace != ns {
			return fmt.Errorf("step %q has //flow:kubernetes namespace=%s, but the deployment is in namespace %q and Argo runs a workflow's pods in its own namespace; deploy with argo-workflows create --k8s-namespace %s, or drop namespace= from the step",
				st.Name, st.K8s.Namespace, ns, st.K8s.Namespace)
		}
	}
	return nil
}

// braceVar holds "{" in a pod whose user text has "{{" (literal).
const braceVar = "FLOWC_BRACE"

// literal is user text (a //flow:env value, a deployment setting, the
// selector) as a container's env value or arg that reaches the task
// exactly as written. The kubelet expands $(NAME) and reads $$ as $: every
// '$' is doubled. Argo substitutes {{...}} everywhere in a template, with
// no escape: "{{" is written "{$(FLOWC_BRACE)", which Argo leaves alone
// and the kubelet turns back into "{{" from the variable withBrace adds.
// flowc's own values carry no '$', and their {{...}} are Argo's to fill.
func literal(s string) string {
	s = strings.ReplaceAll(s, "$", "$$")
	return strings.ReplaceAll(s, "{{", "{$("+braceVar+")")
}

func literalEnv(env []EnvVar) []EnvVar {
	out := slices.Clone(env)
	for i := range out {
		if out[i].ValueFrom == nil {
			out[i].Value = literal(out[i].Value)
		}
	}
	return out
}

func literalArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = literal(a)
	}
	return out
}

// withBrace defines braceVar first in c's environment (a value refers to
// the variables before it) when a literal needs it.
func withBrace(c *Container) {
	ref := "$(" + braceVar + ")"
	used := slices.ContainsFunc(c.Args, func(a string) bool { return strings.Contains(a, ref) })
	for _, e := range c.Env {
		used = used || strings.Contains(e.Value, ref)
	}
	if used {
		c.Env = append([]EnvVar{{Name: braceVar, Value: "{"}}, c.Env...)
	}
}

// Base is the base image of step st: //flow:kubernetes image=, else
// //flow:image, else base (DESIGN §8.1).
func Base(g *rt.Graph, st *rt.Step, base string) string {
	switch {
	case st.K8s != nil && st.K8s.Image != "":
		return st.K8s.Image
	case g.Image != "":
		return g.Image
	}
	return base
}

// Bases are the distinct base images of g's steps, in step order: one
// code package image is built on each.
func Bases(g *rt.Graph, base string) []string {
	var out []string
	for _, st := range g.Steps {
		if b := Base(g, st, base); !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// image is the image step st runs in.
func (b *builder) image(st *rt.Step) (string, error) {
	base := Base(b.g, st, b.o.BaseImage)
	if img := b.o.Images[base]; img != "" {
		return img, nil
	}
	return "", fmt.Errorf("step %q has no image for base %q; pass --image REF or --image-repository R", st.Name, base)
}

func ptr[T any](v T) *T { return &v }

// envValue is the value of variable name in env, "" if unset.
func envValue(env []EnvVar, name string) string {
	for _, e := range env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// stepArgs is the container's argv after the binary: the step command with
// Argo's input parameters in place of the ids.
func (b *builder) stepArgs(st *rt.Step) []string {
	sp := taskspec.Step{
		Step: st.Name, RunID: "argo-{{workflow.name}}",
		TaskID: "{{inputs.parameters." + inTaskID + "}}", InputPaths: "{{inputs.parameters." + inInputPaths + "}}",
		SplitIndex: -1,
	}
	args := sp.Args()
	if st.IsForeachBody {
		args = append(args, "--split-index", "{{inputs.parameters."+inSplitIndex+"}}")
	}
	if st.Retry != nil && st.Retry.Times > 0 {
		// Argo's own retry number; the task checks it against the
		// attempts the datastore holds.
		args = append(args, "--retry-count", "{{retries}}")
	}
	return args
}

// container is step st's container template.
func (b *builder) container(st *rt.Step) (Template, error) {
	img, err := b.image(st)
	if err != nil {
		return Template{}, err
	}
	step := b.stepArgs(st)
	args := append(literalArgs(b.o.Selector), step...)
	env := []EnvVar{{Name: taskspec.EnvMarker, Value: b.g.Flow + "/" + strconv.Itoa(len(step))}}
	env = append(env, literalEnv(b.o.Env)...)
	env = append(env, EnvVar{Name: "FLOWC_USER", Value: literal(b.o.User)})
	if b.o.Token != "" {
		env = append(env, EnvVar{Name: "FLOWC_NAMESPACE", Value: deploy.Namespace(b.o.Token)})
	}
	inputs := []Parameter{{Name: inTaskID}, {Name: inInputPaths}}
	if st.IsForeachBody {
		inputs = append(inputs, Parameter{Name: inSplitIndex})
	}
	var outputs *Outputs
	switch st.Kind {
	case rt.KindForeach:
		outputs = &Outputs{Parameters: []Parameter{{Name: taskspec.OutputNumSplits, ValueFrom: &ValueFrom{Path: outputsDir + "/" + taskspec.OutputNumSplits}}}}
	case rt.KindSwitch:
		outputs = &Outputs{Parameters: []Parameter{{Name: taskspec.OutputSwitchCase, ValueFrom: &ValueFrom{Path: outputsDir + "/" + taskspec.OutputSwitchCase}}}}
	}
	if outputs != nil {
		env = append(env, EnvVar{Name: taskspec.EnvOutputs, Value: outputsDir})
	}
	if st.Name == "Start" {
		env = append(env,
			EnvVar{Name: taskspec.EnvRunParameters, Value: "{{workflow.parameters." + ParamName + "}}"},
			EnvVar{Name: taskspec.EnvEngineRun, Value: "{{workflow.uid}}"})
	}
	if st.Kind == rt.KindEnd {
		env = append(env, EnvVar{Name: taskspec.EnvEndsRun, Value: "1"})
	}
	for _, e := range st.Env {
		env = append(env, EnvVar{Name: e.Key, Value: literal(e.Value)})
	}
	c := &Container{Name: "main", Image: img, Command: []string{binaryPath}, Args: args, Env: env}
	b.addSecrets(c)
	withBrace(c)
	c.Resources = resources(st.Resources)
	t := Template{Name: b.stepTemplate[st.Name], Inputs: &Inputs{Parameters: inputs}, Outputs: outputs, Container: c}
	if st.TimeoutS > 0 {
		// The task enforces its own timeout, from when it started, and
		// records it (a //flow:catch takes it); the pod's deadline runs
		// from the pod's start, so at the same value it would kill the
		// task first. It is a backstop a minute later, as on Batch.
		t.ActiveDeadlineSeconds = strconv.Itoa(st.TimeoutS + 60)
	}
	if r := st.Retry; r != nil && r.Times > 0 {
		t.RetryStrategy = &RetryStrategy{Limit: strconv.Itoa(r.Times), RetryPolicy: "Always"}
		if r.MinutesBetween > 0 {
			t.RetryStrategy.Backoff = &Backoff{Duration: strconv.Itoa(r.MinutesBetween) + "m", Factor: "1"}
		}
	}
	if st.K8s != nil && st.K8s.ServiceAccount != "" {
		t.ServiceAccountName = st.K8s.ServiceAccount
	}
	return t, nil
}

// addSecrets gives c the --secret variables, from Kubernetes Secrets.
func (b *builder) addSecrets(c *Container) {
	for _, s := range b.o.Secrets {
		if s.Env == "" {
			c.EnvFrom = append(c.EnvFrom, EnvFromSource{SecretRef: &SecretEnvSource{Name: s.Secret}})
		} else {
			c.Env = append(c.Env, EnvVar{Name: s.Env, ValueFrom: &EnvVarSource{SecretKeyRef: &SecretKeySelector{Name: s.Secret, Key: s.Key}}})
		}
	}
}

// resources are the requests and limits of //flow:resources: requests
// equal limits, so a task gets what it asked for (Guaranteed QoS).
func resources(r rt.Resources) *ResourceRequirements {
	q := map[string]string{}
	if r.CPU > 0 {
		q["cpu"] = strconv.Itoa(r.CPU)
	}
	if r.MemoryMiB > 0 {
		q["memory"] = mebibytes(r.MemoryMiB)
	}
	if r.DiskMiB > 0 {
		q["ephemeral-storage"] = mebibytes(r.DiskMiB)
	}
	if r.GPU > 0 {
		q["nvidia.com/gpu"] = strconv.Itoa(r.GPU)
	}
	if len(q) == 0 {
		return nil
	}
	return &ResourceRequirements{Requests: q, Limits: q}
}

// mebibytes is a quantity in Kubernetes' canonical form (the API server
// writes 1024Mi back as 1Gi), so what is applied reads back unchanged.
func mebibytes(n int) string {
	for _, u := range []string{"Mi", "Gi", "Ti"} {
		if n%1024 != 0 || u == "Ti" {
			return strconv.Itoa(n) + u
		}
		n /= 1024
	}
	return ""
}
