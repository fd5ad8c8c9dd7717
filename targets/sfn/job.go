package sfn

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// What a local run needs to send single tasks to AWS Batch (a hybrid run,
// DESIGN §4: //flow:batch steps, or every step with run --with batch).
// The job definitions and each job's queue, resources and timeout are
// those the state machine would use (jobDefs, Options.queue, resources,
// submit), so a step runs the same way whichever scheduler submits it;
// only the scheduler differs: the local run submits each task, waits for
// it and runs the rest itself.

// RunJobDefinitions are the job definitions the steps named in batch are
// submitted to, by step: one per distinct base image and job role, as for
// a deployment (jobDefs). o.Name names them; images maps each base image
// ("" for the default) to the image pushed for it.
func RunJobDefinitions(g *rt.Graph, o *Options, images map[string]string, batch []string) (byStep map[string]*JobDefinition, all []*JobDefinition) {
	sub := &rt.Graph{Flow: g.Flow, Image: g.Image}
	for _, name := range batch {
		if st := g.Step(name); st != nil {
			sub.Steps = append(sub.Steps, st)
		}
	}
	return jobDefs(sub, o, images)
}

// BaseImages are the base images the steps named in batch go on ("" for
// the default), each once, in step order: what the code package is pushed
// onto for them.
func BaseImages(g *rt.Graph, batch []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range batch {
		if st := g.Step(name); st != nil && !seen[baseOf(g, st)] {
			seen[baseOf(g, st)] = true
			out = append(out, baseOf(g, st))
		}
	}
	return out
}

// Queue is the job queue of step st: //flow:batch queue=, else JobQueue.
func (o *Options) Queue(st *rt.Step) string { return o.queue(st) }

// RegisterJobDefinition registers jd, or reuses its latest active
// revision when that holds the same container; owner tags it (the state
// machine a deployment's serve, whatever a run's serve).
func (c *Client) RegisterJobDefinition(ctx context.Context, jd *JobDefinition, owner string) (arn string, fresh bool, err error) {
	return c.registerJobDefinition(ctx, jd, owner)
}

// TaskJob is one task submitted as a plain Batch job.
type TaskJob struct {
	Name       string // the job's name (shortened and mapped to Batch's rules)
	Queue      string
	Definition string // a job definition name or ARN
	// Command is the task's argv, BinaryPath first (exec form, no shell).
	Command []string
	// Env is added to (or overrides) the job definition's environment.
	Env       [][2]string
	Resources rt.Resources
	// TimeoutS is the step's //flow:timeout; the job's attempt limit is a
	// backstop a minute later, as in a deployment.
	TimeoutS int
}

// SubmitTask submits j and returns the job's id.
func (c *Client) SubmitTask(ctx context.Context, j TaskJob) (string, error) {
	over := &batchtypes.ContainerOverrides{Command: j.Command}
	for _, kv := range j.Env {
		over.Environment = append(over.Environment, batchtypes.KeyValuePair{Name: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	for _, r := range resources(j.Resources) {
		over.ResourceRequirements = append(over.ResourceRequirements, batchtypes.ResourceRequirement{
			Type: batchtypes.ResourceType(r["Type"].(string)), Value: aws.String(r["Value"].(string)),
		})
	}
	in := &batch.SubmitJobInput{
		JobName: aws.String(shortJobName(j.Name)), JobQueue: aws.String(j.Queue),
		JobDefinition: aws.String(j.Definition), ContainerOverrides: over,
	}
	if j.TimeoutS > 0 {
		in.Timeout = &batchtypes.JobTimeout{AttemptDurationSeconds: aws.Int32(int32(max(60, j.TimeoutS+60)))}
	}
	out, err := c.Batch.SubmitJob(ctx, in)
	if err != nil {
		return "", fmt.Errorf("submitting %s to AWS Batch queue %q: %v", j.Name, j.Queue, err)
	}
	return aws.ToString(out.JobId), nil
}

// shortJobName maps a name to Batch's job names: 128 of [A-Za-z0-9_-].
func shortJobName(name string) string {
	return deploy.Map(name, jobDefRune, '_', maxJobName)
}

// JobState is a Batch job as DescribeJobs last saw it.
type JobState struct {
	ID     string
	Status string // SUBMITTED ... SUCCEEDED, FAILED
	Reason string // statusReason, or the container's reason
	// ExitCode is the container's, nil when it never ran.
	ExitCode *int32
}

// Done reports whether the job has ended.
func (s JobState) Done() bool { return s.Status == "SUCCEEDED" || s.Status == "FAILED" }

// Describe says how the job ended, for a failure message.
func (s JobState) Describe() string {
	msg := "AWS Batch job " + s.ID + " " + s.Status
	if s.ExitCode != nil {
		msg += " (exit status " + strconv.Itoa(int(*s.ExitCode)) + ")"
	}
	if s.Reason != "" {
		msg += ": " + s.Reason
	}
	return msg
}

// Backoff is how WaitJob polls: First, then each wait Factor times the
// last, up to Max.
type Backoff struct {
	First, Max time.Duration
	Factor     float64
}

// DefaultBackoff polls a short task within a quarter second and a long
// one every ten seconds: DescribeJobs is cheap, but its rate is shared
// with everything else the account does.
var DefaultBackoff = Backoff{First: 100 * time.Millisecond, Max: 10 * time.Second, Factor: 1.5}

// WaitJob polls DescribeJobs until the job ends (or ctx ends) and
// returns its last state; each new status goes to seen (nil for none).
// Transient errors (throttling) are retried by the SDK's retryer; a job
// that DescribeJobs does not know is an error.
func (c *Client) WaitJob(ctx context.Context, id string, b Backoff, seen func(JobState)) (JobState, error) {
	wait := b.First
	last := ""
	for {
		s, err := c.describeJob(ctx, id)
		if err != nil {
			return s, err
		}
		if s.Status != last && seen != nil {
			seen(s)
		}
		last = s.Status
		if s.Done() {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(b.Max, time.Duration(float64(wait)*b.Factor))
	}
}

func (c *Client) describeJob(ctx context.Context, id string) (JobState, error) {
	out, err := c.Batch.DescribeJobs(ctx, &batch.DescribeJobsInput{Jobs: []string{id}})
	if err != nil {
		return JobState{ID: id}, fmt.Errorf("reading AWS Batch job %s: %v", id, err)
	}
	if len(out.Jobs) == 0 {
		return JobState{ID: id}, errors.New("AWS Batch does not know job " + id + "; it may have been purged")
	}
	j := out.Jobs[0]
	s := JobState{ID: id, Status: string(j.Status), Reason: aws.ToString(j.StatusReason)}
	if ct := j.Container; ct != nil {
		s.ExitCode = ct.ExitCode
		if s.Reason == "" {
			s.Reason = aws.ToString(ct.Reason)
		}
	}
	return s, nil
}

// TerminateJob stops a job, whatever state it is in.
func (c *Client) TerminateJob(ctx context.Context, id, reason string) error {
	if _, err := c.Batch.TerminateJob(ctx, &batch.TerminateJobInput{JobId: aws.String(id), Reason: aws.String(reason)}); err != nil {
		return fmt.Errorf("terminating AWS Batch job %s: %v", id, err)
	}
	return nil
}
