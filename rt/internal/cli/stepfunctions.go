//go:build !flowc_nodeploy

package cli

// The step-functions commands (§8.2): this file is their only wiring into
// the flow binary; the target itself is targets/sfn, with a Go API.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/targets/deploy"
	"github.com/flowc-dev/flowc/targets/sfn"
)

type stepFunctionsCmd struct {
	// name is --name N, given between step-functions and the subcommand.
	// It is taken out before kong parses (takeName), so no parameter of
	// the flow (a --name of trigger) can collide with it.
	name string

	Create    sfnCreateCmd    `cmd:"" help:"Deploy the flow: job definitions, the state machine, its schedule."`
	Trigger   sfnTriggerCmd   `cmd:"" help:"Start a run of the deployed flow."`
	ListRuns  sfnListRunsCmd  `cmd:"" name:"list-runs" help:"List the runs of the deployed flow, newest first."`
	Terminate sfnTerminateCmd `cmd:"" help:"Stop one run."`
	Delete    sfnDeleteCmd    `cmd:"" help:"Remove the state machine, its schedule and its job definitions."`
	Finish    sfnFinishCmd    `cmd:"" hidden:"" help:"Record a run's outcome (internal: the state machine's Catch)."`
}

// sfnFinishCmd is the task the state machine's Catch runs (sfn.FinishArgs).
type sfnFinishCmd struct {
	RunID  string `required:"" help:"The run id."`
	Status string `required:"" help:"The execution's outcome: Succeeded or Failed."`
}

func (c *sfnFinishCmd) Run(e *Env) error { return finishCloudRun(e, c.RunID, c.Status) }

// deployment is the flow's deployment under the globals' project options.
func (c *stepFunctionsCmd) deployment(e *Env) (deploy.Deployment, string, error) {
	d, err := deploy.Name(deploy.Naming{Flow: e.Def.Graph.Flow, Project: e.Def.Graph.Project, User: ns.User(), Branch: e.G.Branch, Production: e.G.Production})
	if err != nil {
		return d, "", err
	}
	name := d.Name
	if c.name != "" {
		name = c.name
	}
	return d, name, nil
}

// takeName removes "--name N" (or --name=N) right after "step-functions"
// from args and keeps N.
func (c *stepFunctionsCmd) takeName(args []string) ([]string, error) {
	for i, a := range args {
		if a != "step-functions" {
			continue
		}
		rest := args[i+1:]
		switch {
		case len(rest) > 0 && strings.HasPrefix(rest[0], "--name="):
			c.name = strings.TrimPrefix(rest[0], "--name=")
			rest = rest[1:]
		case len(rest) > 0 && rest[0] == "--name":
			if len(rest) < 2 || strings.HasPrefix(rest[1], "-") {
				return nil, errors.New("step-functions --name needs a value; give the state machine's name")
			}
			c.name = rest[1]
			rest = rest[2:]
		default:
			return args, nil
		}
		if c.name == "" {
			return nil, errors.New("step-functions --name is empty; give the state machine's name")
		}
		return append(append([]string{}, args[:i+1]...), rest...), nil
	}
	return args, nil
}

type sfnCreateCmd struct {
	createFlags
	OnlyJSON      bool     `name:"only-json" help:"Print the state machine definition and call no AWS API."`
	JobQueue      string   `placeholder:"Q" help:"The AWS Batch job queue (//flow:batch queue= wins)."`
	JobRole       string   `placeholder:"ARN" help:"The IAM role of the tasks (//flow:batch iam_role= wins)."`
	SFNRole       string   `name:"sfn-role" placeholder:"ARN" help:"The IAM role of the state machine."`
	SchedulerRole string   `placeholder:"ARN" help:"The IAM role EventBridge Scheduler starts a //flow:schedule's runs with."`
	MaxWorkers    int      `placeholder:"N" help:"Cap a Distributed Map's concurrency (array jobs and splits have no cap of their own)."`
	MaxNumSplits  int      `default:"100" help:"The largest foreach a run allows; over 10,000 adds a Distributed Map."`
	Secret        []string `sep:"none" placeholder:"NAME=REF" help:"Give every task the Secrets Manager or SSM secret REF as $NAME (repeatable)."`
	Tag           []string `sep:"none" placeholder:"TAG" help:"Tag every run of the deployment (repeatable), as run --tag does."`
}

// options are the definition's settings; token "" stands for the one
// create will mint.
func (c *sfnCreateCmd) options(e *Env, d deploy.Deployment, name, token string, images map[string]string) (sfn.Options, error) {
	if e.G.cfg.Datastore != "s3" {
		return sfn.Options{}, errors.New("step-functions tasks need the S3 datastore; pass --datastore s3 --datastore-root s3://bucket/prefix")
	}
	var secrets []sfn.Secret
	for _, s := range c.Secret {
		sec, err := sfn.ParseSecret(s)
		if err != nil {
			return sfn.Options{}, err
		}
		secrets = append(secrets, sec)
	}
	if c.MaxNumSplits < 1 || c.MaxWorkers < 0 {
		return sfn.Options{}, fmt.Errorf("--max-num-splits must be at least 1 and --max-workers at least 0")
	}
	for _, t := range c.Tag {
		if err := validTag("--tag", t); err != nil {
			return sfn.Options{}, err
		}
	}
	if token == "" {
		token = tokenPending
	}
	return sfn.Options{
		Name: name, Selector: e.Selector, JobQueue: c.JobQueue, DatastoreRoot: e.G.cfg.Root,
		Namespace: deploy.Namespace(token), User: ns.User(),
		Branch: e.G.Branch, Production: e.G.Production, JobRole: c.JobRole, Secrets: secrets,
		MaxWorkers: c.MaxWorkers, MaxNumSplits: c.MaxNumSplits, Platform: c.Platform, RunTags: c.Tag,
	}, nil
}

// tokenPending stands for the production token in a definition printed
// before create minted it.
const tokenPending = "token-minted-at-create"

func (c *sfnCreateCmd) Run(e *Env, p *stepFunctionsCmd) error {
	d, name, err := p.deployment(e)
	if err != nil {
		return err
	}
	if c.OnlyJSON {
		o, err := c.options(e, d, name, "", nil)
		if err != nil {
			return err
		}
		def, err := sfn.Render(e.Def.Graph, o, nil)
		if err != nil {
			return err
		}
		// The definition alone on stdout; what create would also do or
		// not honour on stderr, as create says it.
		printNotes(e, def.Notes)
		if s := deploy.ScheduleOf(e.Def.Graph); s != nil {
			fmt.Fprintf(e.Stderr, "schedule %s: %s %s (EventBridge Scheduler, made by create)\n", sfn.ScheduleName(def.Name), s.AWS(), s.TZ())
		}
		_, err = e.Stdout.Write(def.JSON)
		return err
	}
	// Check the definition before any call.
	o, err := c.options(e, d, name, "", nil)
	if err != nil {
		return err
	}
	if _, err := sfn.Render(e.Def.Graph, o, nil); err != nil {
		return err
	}
	if c.SFNRole == "" {
		return errors.New("no --sfn-role; pass the IAM role ARN the state machine runs with")
	}
	client, err := sfn.NewClient(e.Ctx)
	if err != nil {
		return err
	}
	cur, err := client.Find(e.Ctx, deployName(o.Name))
	if err != nil {
		return err
	}
	tokens, err := tokenStore(e)
	if err != nil {
		return err
	}
	req := deploy.Request{Deployment: d, Authorize: c.Authorize, GenerateNew: c.GenerateNewToken}
	if cur != nil {
		req.Recorded = cur.Token
	}
	tok, err := tokens.Resolve(e.Ctx, req)
	if err != nil {
		return err
	}
	images, err := c.images(e)
	if err != nil {
		return err
	}
	if o, err = c.options(e, d, name, tok.Token, images); err != nil {
		return err
	}
	def, err := sfn.Render(e.Def.Graph, o, images)
	if err != nil {
		return err
	}
	printNotes(e, def.Notes)
	tags := map[string]string{}
	for _, t := range d.Tags() {
		k, v, _ := strings.Cut(t, ":")
		tags[k] = v
	}
	res, err := client.Create(e.Ctx, sfn.CreateInput{
		Def: def, Token: tok.Token, SFNRole: c.SFNRole, SchedulerRole: c.SchedulerRole,
		Schedule: deploy.ScheduleOf(e.Def.Graph), Tags: tags,
	})
	if err != nil {
		return err
	}
	if err := tokens.Save(e.Ctx, d, tok); err != nil {
		return err
	}
	verb := "created"
	if res.Updated {
		verb = "updated"
	}
	fmt.Fprintf(e.Stdout, "state machine %s %s (%s)\n", def.Name, verb, res.ARN)
	fmt.Fprintf(e.Stdout, "job definitions: %d, %d new revision(s)\n", len(res.JobDefinitions), res.Registered)
	if res.Schedule != "" {
		s := deploy.ScheduleOf(e.Def.Graph)
		fmt.Fprintf(e.Stdout, "schedule %s: %s %s\n", res.Schedule, s.AWS(), s.TZ())
	}
	fmt.Fprintf(e.Stdout, "runs are in namespace %s\n", deploy.Namespace(tok.Token))
	if tok.Minted {
		fmt.Fprint(e.Stdout, deploy.HowToShare(d, tok.Token, e.Name+" step-functions create"))
	}
	return nil
}

// deployName is the state machine's name as Render shortens it.
func deployName(name string) string {
	return sfn.MachineName(name)
}

// images pushes the code package (or checks --image) for every base image
// the steps use.
func (c *sfnCreateCmd) images(e *Env) (map[string]string, error) {
	if c.Image == "" && c.ImageRepository == "" {
		return nil, errors.New("no image; pass --image-repository R to push the code package, or --image REF for a finished one")
	}
	var steps []string
	for _, st := range e.Def.Graph.Steps {
		steps = append(steps, st.Name)
	}
	return pushImages(e, imageOpts{Repository: c.ImageRepository, Base: c.BaseImage, Image: c.Image, Platform: c.Platform}, sfn.BaseImages(e.Def.Graph, steps))
}

type sfnTriggerCmd struct {
	RunIDFile string `name:"run-id-file" placeholder:"FILE" help:"Write the run id (sfn-<execution>) to this file."`

	// The flow's parameters, generated with kong tags.
	kong.Plugins
}

func (c *sfnTriggerCmd) Run(e *Env, p *stepFunctionsCmd, kctx *kong.Context) error {
	_, name, err := p.deployment(e)
	if err != nil {
		return err
	}
	client, err := sfn.NewClient(e.Ctx)
	if err != nil {
		return err
	}
	d, err := client.Deployment(e.Ctx, deployName(name))
	if err != nil {
		return err
	}
	// The same parameters object as Argo's: flag name -> value as the
	// command line takes it, parsed again by the Start task.
	run, err := startRun(e, kctx, c.RunIDFile, d.CheckDatastore, func(params string) (string, error) {
		return client.Start(e.Ctx, d, json.RawMessage(params), sfn.NewExecutionName(time.Now()))
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, run)
	return nil
}

type sfnListRunsCmd struct {
	Running   bool `help:"Only running runs."`
	Succeeded bool `help:"Only succeeded runs."`
	Failed    bool `help:"Only failed runs (timed out and aborted too)."`
}

func (c *sfnListRunsCmd) Run(e *Env, p *stepFunctionsCmd) error {
	_, name, err := p.deployment(e)
	if err != nil {
		return err
	}
	var statuses []string
	if c.Running {
		statuses = append(statuses, "RUNNING")
	}
	if c.Succeeded {
		statuses = append(statuses, "SUCCEEDED")
	}
	if c.Failed {
		statuses = append(statuses, "FAILED", "TIMED_OUT", "ABORTED")
	}
	client, err := sfn.NewClient(e.Ctx)
	if err != nil {
		return err
	}
	runs, err := client.ListRuns(e.Ctx, deployName(name), statuses...)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	defer w.Flush()
	for _, r := range runs {
		stop := "-"
		if !r.Stop.IsZero() {
			stop = r.Stop.UTC().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Start.UTC().Format("2006-01-02 15:04:05"), stop)
	}
	return nil
}

type sfnTerminateCmd struct {
	RunID string `arg:"" name:"run" placeholder:"RUN" help:"The run to stop, sfn-<execution>."`
}

func (c *sfnTerminateCmd) Run(e *Env, p *stepFunctionsCmd) error {
	_, name, err := p.deployment(e)
	if err != nil {
		return err
	}
	client, err := sfn.NewClient(e.Ctx)
	if err != nil {
		return err
	}
	jobs, err := client.Terminate(e.Ctx, deployName(name), c.RunID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s terminated, %d running Batch job(s) stopped\n", c.RunID, jobs)
	// A stopped execution runs no Catch: the run is recorded as failed
	// here, when the deployer's datastore is the deployment's, instead of
	// waiting for its heartbeats to stop.
	if e.G.cfg.Datastore == "s3" {
		return finishCloudRun(e, c.RunID, "Aborted")
	}
	return nil
}

type sfnDeleteCmd struct {
	Authorize string `placeholder:"TOKEN" help:"The production token of a deployment someone else made."`
}

func (c *sfnDeleteCmd) Run(e *Env, p *stepFunctionsCmd) error {
	d, name, err := p.deployment(e)
	if err != nil {
		return err
	}
	client, err := sfn.NewClient(e.Ctx)
	if err != nil {
		return err
	}
	cur, err := client.Find(e.Ctx, deployName(name))
	if err != nil {
		return err
	}
	if cur == nil {
		return fmt.Errorf("state machine %q is not deployed; nothing to delete", deployName(name))
	}
	tokens, err := tokenStore(e)
	if err != nil {
		return err
	}
	if err := tokens.Authorize(e.Ctx, deploy.Request{Deployment: d, Recorded: cur.Token, Authorize: c.Authorize}); err != nil {
		return err
	}
	if err := client.Delete(e.Ctx, cur, deployName(name)); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "state machine %s deleted, with its schedule and job definitions\n", deployName(name))
	return nil
}

// printNotes says on stderr, one line each, what create cannot rule
// out or a target does not honour.
func printNotes(e *Env, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(e.Stderr, "note: %s\n", n)
	}
}
