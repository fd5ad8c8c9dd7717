//go:build !flowc_nodeploy && !flowc_noargo

package cli

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codepkg"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/targets/argo"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// argoCmds holds the Argo Workflows target's command. deployCmds embeds
// it, so that -tags flowc_noargo can leave the target and its
// dependencies out (noargo.go): bench/runtime.sh measures with it what
// the target adds to a task's start-up (issue 10 asks for it within 10%).
type argoCmds struct {
	Argo argoCmd `cmd:"" name:"argo-workflows" help:"Deploy the flow to Argo Workflows on Kubernetes, and manage its runs. argo-workflows --name N <command> names the WorkflowTemplate (default: the flow's, or its //flow:project deployment name)."`
}

func (c *argoCmds) params(def *rt.FlowDef) { c.Argo.Trigger.Plugins = kong.Plugins{def.Params()} }

func (c *argoCmds) takeArgs(args []string) ([]string, error) { return c.Argo.takeName(args) }

func (*argoCmds) leftOut(string) string { return "" }

// argoCmd is `<bin> argo-workflows` (DESIGN §8.3): the CLI of
// targets/argo, which holds the logic.
type argoCmd struct {
	// name is --name N, given between argo-workflows and the subcommand
	// (DESIGN §8.3). It is taken out before kong parses (takeName), so no
	// parameter of the flow (a --name of trigger) can collide with it.
	name string

	Create    argoCreateCmd    `cmd:"" help:"Deploy the flow as a WorkflowTemplate (and a CronWorkflow for //flow:schedule)."`
	Trigger   argoTriggerCmd   `cmd:"" help:"Start a run of the deployed flow; prints its run id, argo-<workflow>."`
	ListRuns  argoListRunsCmd  `cmd:"" name:"list-runs" help:"List the runs of the deployment, newest first."`
	Terminate argoTerminateCmd `cmd:"" help:"Stop one run."`
	Delete    argoDeleteCmd    `cmd:"" help:"Delete the WorkflowTemplate and its CronWorkflow (runs and artifacts stay)."`
	Finish    argoFinishCmd    `cmd:"" hidden:"" help:"Record a run's outcome (internal: the workflow's exit handler)."`
}

// k8sNamespace is --k8s-namespace, after the subcommand (DESIGN §8.3).
type k8sNamespace struct {
	K8sNamespace string `name:"k8s-namespace" placeholder:"NS" help:"Kubernetes namespace (default: the kubeconfig context's, else default)."`
}

type argoCreateCmd struct {
	k8sNamespace
	createFlags
	OnlyYAML     bool   `name:"only-yaml" help:"Print the objects and call no API."`
	Binary       string `placeholder:"FILE" help:"The flow binary to ship (default: this binary, or one built for --platform)."`
	MaxWorkers   int    `default:"100" help:"Run at most this many tasks of a run at once (the workflow's parallelism)."`
	MaxNumSplits int    `default:"100" help:"Fail a foreach that has more splits than this."`
	// Argo's foreach width limit: a run's node status must fit the
	// Workflow object (targets/argo/width.go).
	MaxWorkflowSize int      `name:"max-workflow-size" default:"1048576" placeholder:"BYTES" help:"The controller's MAX_WORKFLOW_SIZE, which refuses a --max-num-splits whose run could not fit (0: the controller offloads node status)."`
	Secret          []string `sep:"none" placeholder:"NAME=SECRET/KEY" help:"Give the tasks environment variable NAME from a Kubernetes Secret's key, or every key of a Secret (repeatable)."`
	ServiceAccount  string   `placeholder:"SA" help:"Service account of the pods (default: the namespace's)."`
}

type argoTriggerCmd struct {
	k8sNamespace
	RunIDFile string `name:"run-id-file" placeholder:"FILE" help:"Write the run id to this file."`
	kong.Plugins
}

type argoListRunsCmd struct {
	k8sNamespace
	Running   bool `help:"Only running (and pending) runs."`
	Succeeded bool `help:"Only succeeded runs."`
	Failed    bool `help:"Only failed runs (errors included)."`
}

type argoTerminateCmd struct {
	k8sNamespace
	RunID string `arg:"" name:"run" placeholder:"RUN" help:"The run id, argo-<workflow>."`
}

type argoDeleteCmd struct {
	k8sNamespace
	Authorize string `placeholder:"TOKEN" help:"The production token of a deployment someone else created."`
}

type argoFinishCmd struct {
	RunID  string `required:"" help:"The run id."`
	Status string `required:"" help:"The workflow's status: Succeeded, Failed or Error."`
}

// deployment is the deployment the command names.
func (c *argoCmd) deployment(e *Env) (deploy.Deployment, string, error) {
	d, err := deploy.Name(deploy.Naming{Flow: e.Def.Graph.Flow, Project: e.Def.Graph.Project, User: ns.User(),
		Branch: e.G.Branch, Production: e.G.Production})
	if err != nil {
		return d, "", err
	}
	if c.name != "" {
		d.Name = c.name
	}
	name := argo.Name(d)
	return d, name, argo.CheckName("--name", name, 52)
}

// takeName removes "--name N" (or --name=N) right after
// "argo-workflows" from args and keeps N. The namespace's flag goes after
// the subcommand; given before it, it is an error naming that spelling.
func (c *argoCmd) takeName(args []string) ([]string, error) {
	i := slices.Index(args, "argo-workflows")
	if i < 0 {
		return args, nil
	}
	rest := args[i+1:]
	for len(rest) > 0 {
		a := rest[0]
		if a == "--k8s-namespace" || strings.HasPrefix(a, "--k8s-namespace=") {
			return nil, errors.New("argo-workflows --k8s-namespace goes after the subcommand; write argo-workflows create --k8s-namespace NS (trigger, list-runs, terminate and delete take it too)")
		}
		if a != "--name" && !strings.HasPrefix(a, "--name=") {
			break
		}
		if v, ok := strings.CutPrefix(a, "--name="); ok {
			c.name, rest = v, rest[1:]
		} else {
			if len(rest) < 2 || strings.HasPrefix(rest[1], "-") {
				return nil, errors.New("argo-workflows --name needs a value; give the deployment's name")
			}
			c.name, rest = rest[1], rest[2:]
		}
		if c.name == "" {
			return nil, errors.New("argo-workflows --name is empty; give the deployment's name")
		}
	}
	return append(append([]string{}, args[:i+1]...), rest...), nil
}

func (c *argoCmd) kube(e *Env, flag k8sNamespace) (*argo.Kube, string, error) {
	cfg, err := argo.LoadConfig()
	if err != nil {
		return nil, "", err
	}
	nsName := flag.K8sNamespace
	if nsName == "" {
		nsName = cfg.Namespace
	}
	if nsName == "" {
		nsName = "default"
	}
	if err := argo.CheckNamespace("namespace", nsName); err != nil {
		return nil, "", fmt.Errorf("%v; give --k8s-namespace NS", err)
	}
	return argo.NewKube(cfg), nsName, nil
}

func (c *argoCreateCmd) Run(e *Env, parent *argoCmd) error {
	if c.MaxWorkers < 1 {
		return fmt.Errorf("--max-workers %d is below 1; give at least 1", c.MaxWorkers)
	}
	if c.MaxNumSplits < 1 {
		return fmt.Errorf("--max-num-splits %d is below 1; give at least 1", c.MaxNumSplits)
	}
	if c.MaxWorkflowSize < 0 {
		return fmt.Errorf("--max-workflow-size %d is below 0; give the controller's MAX_WORKFLOW_SIZE in bytes, or 0 when it offloads node status", c.MaxWorkflowSize)
	}
	if c.Image != "" && c.ImageRepository != "" {
		return errors.New("--image and --image-repository both given; give a finished image or a repository to push to, not both")
	}
	if c.Image == "" && c.ImageRepository == "" {
		return errors.New("no image for the tasks; pass --image-repository R to push the code package, or --image REF")
	}
	if e.G.cfg.Datastore != "s3" {
		return fmt.Errorf("--datastore %s cannot be reached from Kubernetes pods; deploy with --datastore s3 --datastore-root s3://bucket/prefix", e.G.cfg.Datastore)
	}
	var secrets []argo.Secret
	for _, s := range c.Secret {
		sec, err := argo.ParseSecret(s)
		if err != nil {
			return err
		}
		secrets = append(secrets, sec)
	}
	d, name, err := parent.deployment(e)
	if err != nil {
		return err
	}
	o := argo.Options{
		Deployment: d, Namespace: c.K8sNamespace, Selector: e.Selector, User: ns.User(),
		MaxWorkers: c.MaxWorkers, Env: deployEnv(e.G, c.MaxNumSplits), Secrets: secrets,
		ServiceAccount: c.ServiceAccount, BaseImage: c.BaseImage, Images: map[string]string{},
		MaxNumSplits: c.MaxNumSplits, MaxWorkflowSize: c.MaxWorkflowSize,
	}
	if c.OnlyYAML {
		// No API call: the token shown is a placeholder, the images are
		// named as given (a pushed image's digest is known only after
		// the push).
		o.Token = "<production-token>"
		for _, b := range argo.Bases(e.Def.Graph, c.BaseImage) {
			o.Images[b] = c.Image
			if c.Image == "" {
				o.Images[b] = c.ImageRepository + "@<digest of the code package on " + orEmpty(b) + ">"
			}
		}
		objs, err := argo.Build(e.Def.Graph, o)
		if err != nil {
			return err
		}
		printNotes(e, objs.Notes)
		out, err := objs.YAML()
		if err != nil {
			return err
		}
		_, err = e.Stdout.Write(out)
		return err
	}
	k, nsName, err := parent.kube(e, c.k8sNamespace)
	if err != nil {
		return err
	}
	o.Namespace = nsName
	check := o
	check.Token, check.Images = "check", map[string]string{}
	for _, b := range argo.Bases(e.Def.Graph, c.BaseImage) {
		check.Images[b] = "check"
	}
	if _, err := argo.Build(e.Def.Graph, check); err != nil {
		return err // every name and limit is checked before anything is pushed or applied
	}
	recorded, _, err := k.RecordedToken(e.Ctx, nsName, name)
	if err != nil {
		return err
	}
	tokens, err := tokenStore(e)
	if err != nil {
		return err
	}
	res, err := tokens.Resolve(e.Ctx, deploy.Request{Deployment: d, Recorded: recorded, Authorize: c.Authorize, GenerateNew: c.GenerateNewToken})
	if err != nil {
		return err
	}
	o.Token = res.Token
	if err := c.images(e, &o); err != nil {
		return err
	}
	objs, err := argo.Build(e.Def.Graph, o)
	if err != nil {
		return err
	}
	printNotes(e, objs.Notes)
	if err := k.Deploy(e.Ctx, objs); err != nil {
		return err
	}
	if err := tokens.Save(e.Ctx, d, res); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "deployed WorkflowTemplate %s in namespace %s", name, nsName)
	if objs.Cron != nil {
		fmt.Fprintf(e.Stdout, " with CronWorkflow %s (%s, %s)", name, objs.Cron.Spec.Schedules[0], objs.Cron.Spec.Timezone)
	}
	fmt.Fprintf(e.Stdout, "\nruns are in namespace %s\n", deploy.Namespace(res.Token))
	if res.Minted {
		fmt.Fprintln(e.Stdout, deploy.HowToShare(d, res.Token, e.Name+" argo-workflows create"))
	}
	return nil
}

// images pushes the code package onto each base image (or checks the
// prebuilt --image) and fills o.Images.
func (c *argoCreateCmd) images(e *Env, o *argo.Options) error {
	pl, err := codepkg.ParsePlatform(c.Platform)
	if err != nil {
		return err
	}
	p, err := codepkg.New(e.Ctx, codepkg.Options{Def: e.Def, Platform: pl, Binary: c.Binary, Log: e.Stderr})
	if err != nil {
		return err
	}
	defer p.Close()
	kc := codepkg.Keychain(e.Ctx)
	bases := argo.Bases(e.Def.Graph, c.BaseImage)
	if c.Image != "" {
		ref, err := p.Prebuilt(e.Ctx, c.Image, kc)
		if err != nil {
			return err
		}
		for _, b := range bases {
			o.Images[b] = ref
		}
		return nil
	}
	for _, b := range bases {
		ref, err := p.Push(e.Ctx, c.ImageRepository, b, kc)
		if err != nil {
			return err
		}
		o.Images[b] = ref
	}
	return nil
}

func orEmpty(base string) string { return orDefault(base, "the empty image") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// deployEnv is what every task of the deployment needs to reach the
// datastore the deployer names (DESIGN §8.1): the datastore settings and
// the S3 addressing (endpoint, region) of this environment. Credentials
// are not copied: pods get theirs from their service account or --secret.
func deployEnv(g *Globals, maxNumSplits int) []argo.EnvVar {
	env := []argo.EnvVar{
		{Name: "FLOWC_DATASTORE", Value: g.cfg.Datastore},
		{Name: "FLOWC_DATASTORE_ROOT", Value: g.cfg.Root},
		{Name: "FLOWC_METADATA", Value: g.cfg.Metadata},
		{Name: "FLOWC_MAX_NUM_SPLITS", Value: fmt.Sprint(maxNumSplits)},
	}
	if g.cfg.PathStyle {
		env = append(env, argo.EnvVar{Name: "FLOWC_DATASTORE_PATH_STYLE", Value: "true"})
	}
	// The project branch, which the run's record names (project_branch:).
	if g.Branch != "" {
		env = append(env, argo.EnvVar{Name: "FLOWC_BRANCH", Value: g.Branch})
	}
	if g.Production {
		env = append(env, argo.EnvVar{Name: "FLOWC_PRODUCTION", Value: "true"})
	}
	for _, k := range []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := os.Getenv(k); v != "" {
			env = append(env, argo.EnvVar{Name: k, Value: v})
		}
	}
	return env
}

func (c *argoTriggerCmd) Run(e *Env, parent *argoCmd, kctx *kong.Context) error {
	_, name, err := parent.deployment(e)
	if err != nil {
		return err
	}
	k, nsName, err := parent.kube(e, c.k8sNamespace)
	if err != nil {
		return err
	}
	d, err := k.Find(e.Ctx, nsName, name)
	if err != nil {
		return err
	}
	if d == nil {
		return fmt.Errorf("deployment %q not found in namespace %q; run argo-workflows create first", name, nsName)
	}
	var wf string
	id, err := startRun(e, kctx, c.RunIDFile, d.CheckDatastore, func(params string) (string, error) {
		name, err := k.Trigger(e.Ctx, d, params)
		wf = name
		if err != nil {
			return "", err
		}
		return argo.RunID(wf), nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "triggered run %s (workflow %s in namespace %s)\n", id, wf, nsName)
	return nil
}

func (c *argoListRunsCmd) Run(e *Env, parent *argoCmd) error {
	var phases []string
	if c.Running {
		phases = append(phases, "Running", "Pending")
	}
	if c.Succeeded {
		phases = append(phases, "Succeeded")
	}
	if c.Failed {
		phases = append(phases, "Failed", "Error")
	}
	_, name, err := parent.deployment(e)
	if err != nil {
		return err
	}
	k, nsName, err := parent.kube(e, c.k8sNamespace)
	if err != nil {
		return err
	}
	runs, err := k.ListRuns(e.Ctx, nsName, name, phases)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RUN\tSTATUS\tSTARTED\tFINISHED")
	for _, r := range runs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, strings.ToLower(r.Phase), orDefault(r.Started, "-"), orDefault(r.Finished, "-"))
	}
	return w.Flush()
}

func (c *argoTerminateCmd) Run(e *Env, parent *argoCmd) error {
	_, name, err := parent.deployment(e)
	if err != nil {
		return err
	}
	k, nsName, err := parent.kube(e, c.k8sNamespace)
	if err != nil {
		return err
	}
	if err := k.Terminate(e.Ctx, nsName, name, c.RunID); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "terminating run %s\n", c.RunID)
	return nil
}

func (c *argoDeleteCmd) Run(e *Env, parent *argoCmd) error {
	d, name, err := parent.deployment(e)
	if err != nil {
		return err
	}
	k, nsName, err := parent.kube(e, c.k8sNamespace)
	if err != nil {
		return err
	}
	recorded, found, err := k.RecordedToken(e.Ctx, nsName, name)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("deployment %q not found in namespace %q", name, nsName)
	}
	tokens, err := tokenStore(e)
	if err != nil {
		return err
	}
	if err := tokens.Authorize(e.Ctx, deploy.Request{Deployment: d, Recorded: recorded, Authorize: c.Authorize}); err != nil {
		return err
	}
	if err := k.Remove(e.Ctx, nsName, name); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "deleted WorkflowTemplate %s in namespace %s\n", name, nsName)
	return nil
}

// Run records the outcome of a workflow that did not end by End
// succeeding: the exit handler runs it after every workflow.
func (c *argoFinishCmd) Run(e *Env) error { return finishCloudRun(e, c.RunID, c.Status) }
