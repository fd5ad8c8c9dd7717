//go:build !flowc_nodeploy

package cli

// Sending a hybrid run's steps to AWS Batch (hybrid.go says which): the
// job definitions, queues, resources and task contract are the Step
// Functions target's (targets/sfn), so a step runs on Batch the same way
// whether a deployment or a local run submits it.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt/codepkg"
	"github.com/flowc-dev/flowc/rt/internal/console"
	"github.com/flowc-dev/flowc/rt/internal/ns"
	"github.com/flowc-dev/flowc/rt/internal/sched"
	"github.com/flowc-dev/flowc/rt/internal/store"
	"github.com/flowc-dev/flowc/rt/taskspec"
	"github.com/flowc-dev/flowc/targets/deploy"
	"github.com/flowc-dev/flowc/targets/sfn"
)

// batchOpts are the settings of the steps a run sends to AWS Batch, named
// as step-functions create names them.
type batchOpts struct {
	JobQueue        string   `placeholder:"Q" help:"AWS Batch: the job queue of the steps run there (//flow:batch queue= wins)."`
	JobRole         string   `placeholder:"ARN" help:"AWS Batch: the IAM role of the steps run there (//flow:batch iam_role= wins)."`
	ImageRepository string   `placeholder:"R" help:"AWS Batch: push the code package to this repository (ECR or any OCI registry)."`
	BaseImage       string   `placeholder:"B" help:"AWS Batch: put the binary on this image (default: an empty image)."`
	Image           string   `placeholder:"REF" help:"AWS Batch: a finished image with this binary at /flowc/flow, instead of pushing one."`
	Platform        string   `default:"linux/amd64" placeholder:"P" help:"AWS Batch: the platform the steps run there run on."`
	Secret          []string `sep:"none" placeholder:"NAME=REF" help:"AWS Batch: give the steps run there the Secrets Manager or SSM secret REF as $NAME (repeatable)."`
}

// batchRun is what a run needs to submit its Batch tasks.
type batchRun struct {
	client *sfn.Client
	steps  map[string]bool
	defs   map[string]string // step -> job definition ARN
	queues map[string]string // step -> job queue
	env    [][2]string       // every job's, beyond its definition's
	e      *Env
}

// prepare checks the settings, pushes the code package and registers the
// job definitions (reused when identical), before the run is recorded.
func (o *batchOpts) prepare(e *Env, st *store.Store, steps []string, why string) (func(*sched.Proc, func(string)) sched.Executor, error) {
	if err := e.needS3(steps, why); err != nil {
		return nil, err
	}
	g := e.Def.Graph
	d, err := deploy.Name(deploy.Naming{Flow: g.Flow, Project: g.Project, User: ns.User(), Branch: e.G.Branch, Production: e.G.Production})
	if err != nil {
		return nil, err
	}
	var secrets []sfn.Secret
	for _, s := range o.Secret {
		sec, err := sfn.ParseSecret(s)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, sec)
	}
	namespace, user := e.newRunNamespace(), ns.User()
	opts := sfn.Options{
		DatastoreRoot: st.Root(), PathStyle: e.G.DatastorePathStyle, Namespace: namespace, User: user,
		Branch: e.G.Branch, Production: e.G.Production, JobRole: o.JobRole, JobQueue: o.JobQueue,
		Secrets: secrets, Platform: o.Platform,
	}
	// A run's job definitions are apart from a deployment's (whose state
	// machine submits to the latest revision of its own): named for the
	// deployment and what their environment holds, so the same user's runs
	// reuse them and a new revision comes only with a new binary.
	opts.Name = d.Name + "-run-" + deploy.Hash(fmt.Sprint(sfn.JobEnv(&opts)))
	for _, name := range steps {
		if opts.Queue(g.Step(name)) == "" {
			return nil, fmt.Errorf("step %q runs on AWS Batch (%s) but has no job queue; pass --job-queue Q (or FLOWC_JOB_QUEUE), or give it //flow:batch queue=", name, why)
		}
	}
	if o.Image == "" && o.ImageRepository == "" {
		return nil, fmt.Errorf("step %q runs on AWS Batch (%s) and needs the code package as an image; pass --image-repository R to push it, or --image REF for a finished one", steps[0], why)
	}
	client, err := sfn.NewClient(e.Ctx)
	if err != nil {
		return nil, err
	}
	images, err := pushImages(e, imageOpts{Repository: o.ImageRepository, Base: o.BaseImage, Image: o.Image, Platform: o.Platform}, sfn.BaseImages(g, steps))
	if err != nil {
		return nil, err
	}
	byStep, all := sfn.RunJobDefinitions(g, &opts, images, steps)
	arns := map[string]string{}
	for _, jd := range all {
		arn, _, err := client.RegisterJobDefinition(e.Ctx, jd, opts.Name)
		if err != nil {
			return nil, err
		}
		arns[jd.Name] = arn
	}
	b := &batchRun{client: client, steps: map[string]bool{}, defs: map[string]string{}, queues: map[string]string{}, e: e}
	for _, name := range steps {
		b.steps[name] = true
		b.defs[name] = arns[byStep[name].Name]
		b.queues[name] = opts.Queue(g.Step(name))
	}
	// The job definition holds the datastore, namespace and user; the
	// run adds what a local task gets besides (childEnv).
	b.env = [][2]string{{"FLOWC_METADATA", e.G.Metadata}}
	if e.G.Quiet {
		b.env = append(b.env, [2]string{"FLOWC_QUIET", "true"})
	}
	return func(p *sched.Proc, say func(string)) sched.Executor {
		say(fmt.Sprintf("%s on AWS Batch (%s): %s", plural(len(steps), "step"), why, strings.Join(steps, ", ")))
		return &batchExec{b: b, next: p}
	}, nil
}

// imageOpts say where the code package comes from (step-functions
// create's and a batch run's options).
type imageOpts struct{ Repository, Base, Image, Platform string }

// pushImages pushes the code package onto each base image ("" for the
// default: Base, else an empty image), or checks Image, and returns the
// image reference for each.
func pushImages(e *Env, o imageOpts, bases []string) (map[string]string, error) {
	if o.Image != "" && o.Repository != "" { // one would be ignored
		return nil, errors.New("--image and --image-repository both given; give a finished image or a repository to push to, not both")
	}
	pl, err := codepkg.ParsePlatform(o.Platform)
	if err != nil {
		return nil, err
	}
	p, err := codepkg.New(e.Ctx, codepkg.Options{Def: e.Def, Platform: pl, Log: e.Stderr})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	kc := codepkg.Keychain(e.Ctx)
	images := map[string]string{}
	for _, base := range bases {
		if _, done := images[base]; done {
			continue
		}
		var ref string
		if o.Image != "" {
			ref, err = p.Prebuilt(e.Ctx, o.Image, kc)
		} else {
			b := base
			if b == "" {
				b = o.Base
			}
			ref, err = p.Push(e.Ctx, o.Repository, b, kc)
		}
		if err != nil {
			return nil, err
		}
		images[base] = ref
	}
	return images, nil
}

// batchExec runs the Batch steps' tasks as Batch jobs and hands every
// other task to next (a process here).
type batchExec struct {
	b    *batchRun
	next *sched.Proc
}

// jobBackoff is how a task's job is polled.
var jobBackoff = sfn.DefaultBackoff

// terminateWait bounds the wait for a job terminated by an interrupt.
const terminateWait = 2 * time.Minute

// Execute submits the attempt as a job with the task contract's argv,
// waits for it and reads its commit marker from the datastore. A job that
// ended without committing (it never started, Batch killed it) gets a
// failed marker written for it, with Batch's reason, as a task process
// that died does.
func (x *batchExec) Execute(ctx context.Context, spec *sched.TaskSpec) (*store.Done, error) {
	if !x.b.steps[spec.Step] {
		return x.next.Execute(ctx, spec)
	}
	p, e := x.next, x.b.e
	step := taskspec.Step{
		Step: spec.Step, RunID: p.RunID, TaskID: spec.TaskID, InputPaths: spec.InputPaths,
		SplitIndex: spec.SplitIndex, RetryCount: spec.Attempt,
	}.Args()
	cmd := append(append([]string{sfn.BinaryPath}, p.Selector...), step...)
	mk, mv, _ := strings.Cut(taskspec.Marker(p.Flow, len(step)), "=")
	env := append([][2]string{{mk, mv}}, x.b.env...)
	for _, kv := range spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		env = append(env, [2]string{k, v})
	}
	st := e.Def.Graph.Step(spec.Step)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w before it started", sched.ErrInterrupted)
	}
	path := store.TaskPath{Flow: p.Flow, Run: p.RunID, Step: spec.Step, Task: spec.TaskID}
	origin := p.RunID + "/" + spec.Step + "/" + spec.TaskID
	started := time.Now()
	id, err := x.b.client.SubmitTask(ctx, sfn.TaskJob{
		Name: p.Flow + "-" + p.RunID + "-" + spec.Step + "-" + spec.TaskID, Queue: x.b.queues[spec.Step],
		Definition: x.b.defs[spec.Step], Command: cmd, Env: env, Resources: st.Resources, TimeoutS: spec.TimeoutS,
	})
	if err != nil {
		return nil, err
	}
	x.say(origin, fmt.Sprintf("submitted to AWS Batch as job %s (queue %s)", id, x.b.queues[spec.Step]))
	js, werr := x.b.client.WaitJob(ctx, id, jobBackoff, nil)
	interrupted, killed := ctx.Err() != nil, false
	if interrupted {
		// The first interrupt stops the job as it stops a process: Batch
		// sends SIGTERM, then SIGKILL after the container's stop timeout,
		// and the task may still commit meanwhile. A second interrupt
		// stops waiting for that, never the TerminateJob call itself, so
		// no job outlives the run unterminated.
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), terminateWait)
		terr := x.b.client.TerminateJob(tctx, id, "the flowc run was interrupted")
		if terr == nil {
			wctx, stop := context.WithCancel(tctx)
			go func() {
				select {
				case <-p.Kill:
					stop()
				case <-wctx.Done():
				}
			}()
			js, werr = x.b.client.WaitJob(wctx, id, jobBackoff, nil)
			select {
			case <-p.Kill:
				killed = werr != nil
			default:
			}
			stop()
		} else {
			werr = terr
		}
		cancel()
	} else if werr != nil {
		// The run can no longer follow the job: stop it, so it does not
		// run on after its attempt is recorded as failed (the task would
		// refuse to commit over it anyway).
		_ = x.b.client.TerminateJob(context.WithoutCancel(ctx), id, "the flowc run lost track of the job: "+werr.Error())
	}
	d, err := p.Store.ReadDone(path, spec.Attempt)
	if err == nil {
		x.echoLogs(path, spec.Attempt, origin)
		return d, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	why := js.Describe() + " without committing the task"
	switch {
	case killed:
		why = fmt.Sprintf("killed by a second interrupt; AWS Batch job %s was terminated and is stopping (%s)", id, js.Status)
	case interrupted && werr != nil:
		why = "interrupted; " + werr.Error()
	case interrupted:
		why = "interrupted; " + js.Describe()
	case werr != nil:
		why = werr.Error()
	}
	x.echoLogs(path, spec.Attempt, origin)
	d = &store.Done{Attempt: spec.Attempt, Started: started, Finished: time.Now(), Error: why}
	d.Inputs, d.SplitIndex = store.InputsOf(spec.InputPaths, spec.SplitIndex)
	return p.RecordFailed(ctx, path, d)
}

func (x *batchExec) say(origin, msg string) {
	if !x.b.e.G.Quiet {
		x.b.e.Stdout.Write(console.Line(origin, 0, msg))
	}
}

// echoLogs shows a finished Batch task's output on the console, as a
// local task's is shown while it runs: read back from the datastore,
// where the task wrote it.
func (x *batchExec) echoLogs(path store.TaskPath, attempt int, origin string) {
	e := x.b.e
	if e.G.Quiet {
		return
	}
	for _, s := range []struct {
		stream string
		w      io.Writer
	}{{"stdout", e.Stdout}, {"stderr", e.Stderr}} {
		r, err := x.next.Store.OpenLog(path, attempt, s.stream)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			s.w.Write(console.Line(origin, 0, sc.Text()))
		}
		r.Close()
	}
}
