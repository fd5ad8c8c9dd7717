package sfn

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/flowc-dev/flowc/targets/deploy"
)

// Client talks to Step Functions, Batch and EventBridge Scheduler
// through aws-sdk-go-v2's standard configuration chain (AWS_REGION,
// profiles, IMDS, AWS_ENDPOINT_URL[_<SERVICE>]).
type Client struct {
	SFN       SFNOps
	Batch     BatchOps
	Scheduler SchedulerOps
}

// NewClient loads the standard AWS configuration.
func NewClient(ctx context.Context) (*Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %v", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region is configured; set AWS_REGION (or a profile's region)")
	}
	return &Client{SFN: newSFNOps(cfg), Batch: newBatchOps(cfg), Scheduler: newSchedulerOps(cfg)}, nil
}

// Deployed is a state machine as it exists.
type Deployed struct {
	Name  string
	ARN   string
	Token string // the production token recorded in its tags, "" if none
	Tags  map[string]string
}

// Datastore is the datastore root the deployment's tasks use, as its
// deploy.DatastoreTag records it ("" for a deployment made before the tag).
func (d *Deployed) Datastore() string { return d.Tags[deploy.DatastoreTag] }

// CheckDatastore is deploy.CheckDatastore for this state machine: it
// refuses the datastore of the command at hand (root, on S3 or not) when
// the deployment's tasks use another one, and warns for a state machine
// that records none.
func (d *Deployed) CheckDatastore(root string, s3 bool) (warning string, err error) {
	return deploy.CheckDatastore(deploy.Deployed{What: fmt.Sprintf("state machine %q", d.Name), Recorded: d.Datastore(), Create: "step-functions create"}, root, s3)
}

// datastoreTagValue is root as a tag value: itself when Step Functions
// takes it (≤ 256 of letters, digits, spaces and _.:/=+-@), else its hash.
func datastoreTagValue(root string) string {
	ok := len(root) <= 256
	for _, r := range root {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) && !strings.ContainsRune("_.:/=+-@", r) {
			ok = false
		}
	}
	if ok {
		return root
	}
	return deploy.HashedDatastore(root)
}

// Find looks the state machine up by name; nil when there is none.
func (c *Client) Find(ctx context.Context, name string) (*Deployed, error) {
	p := sfn.NewListStateMachinesPaginator(listStateMachines(c.SFN.ListStateMachines), &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing state machines: %v", err)
		}
		for _, sm := range page.StateMachines {
			if aws.ToString(sm.Name) != name {
				continue
			}
			d := &Deployed{Name: name, ARN: aws.ToString(sm.StateMachineArn), Tags: map[string]string{}}
			tags, err := c.SFN.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: sm.StateMachineArn})
			if err != nil {
				return nil, fmt.Errorf("reading the tags of state machine %q: %v", name, err)
			}
			for _, t := range tags.Tags {
				d.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			d.Token = d.Tags[deploy.TokenTag]
			return d, nil
		}
	}
	return nil, nil
}

// CreateInput is one deployment.
type CreateInput struct {
	Def           *Definition
	Token         string
	SFNRole       string // the state machine's IAM role
	SchedulerRole string // EventBridge Scheduler's role, for a schedule
	Schedule      *deploy.Schedule
	Tags          map[string]string // more tags for the state machine
}

// CreateResult says what create did.
type CreateResult struct {
	ARN            string
	Updated        bool     // the state machine existed
	JobDefinitions []string // the ARNs the state machine submits to
	Registered     int      // how many of them are new revisions
	Schedule       string   // the schedule's name, "" without one
}

// Create registers the job definitions (a new revision only when one
// changed), creates or updates the state machine, and creates, updates or
// removes its schedule.
func (c *Client) Create(ctx context.Context, in CreateInput) (*CreateResult, error) {
	res := &CreateResult{}
	for _, jd := range in.Def.JobDefinitions {
		arn, fresh, err := c.registerJobDefinition(ctx, jd, in.Def.Name)
		if err != nil {
			return nil, err
		}
		res.JobDefinitions = append(res.JobDefinitions, arn)
		if fresh {
			res.Registered++
		}
	}
	tags := map[string]string{deploy.TokenTag: in.Token, "flowc:flow": in.Def.Flow, deploy.DatastoreTag: datastoreTagValue(in.Def.Datastore),
		startOverridesTag: strconv.Itoa(in.Def.Overrides["Start"])}
	for k, v := range in.Tags {
		tags[k] = v
	}
	var sfnTags []sfntypes.Tag
	for k, v := range tags {
		sfnTags = append(sfnTags, sfntypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	cur, err := c.Find(ctx, in.Def.Name)
	if err != nil {
		return nil, err
	}
	def := string(in.Def.Compact)
	if cur == nil {
		out, err := c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(in.Def.Name), Definition: aws.String(def), RoleArn: aws.String(in.SFNRole),
			Type: sfntypes.StateMachineTypeStandard, Tags: sfnTags,
		})
		if err != nil {
			return nil, fmt.Errorf("creating state machine %q: %v", in.Def.Name, err)
		}
		res.ARN = aws.ToString(out.StateMachineArn)
	} else {
		res.ARN, res.Updated = cur.ARN, true
		if _, err := c.SFN.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
			StateMachineArn: aws.String(cur.ARN), Definition: aws.String(def), RoleArn: aws.String(in.SFNRole),
		}); err != nil {
			return nil, fmt.Errorf("updating state machine %q: %v", in.Def.Name, err)
		}
		if _, err := c.SFN.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(cur.ARN), Tags: sfnTags}); err != nil {
			return nil, fmt.Errorf("tagging state machine %q: %v", in.Def.Name, err)
		}
	}
	name := ScheduleName(in.Def.Name)
	if in.Schedule == nil {
		return res, c.deleteSchedule(ctx, name)
	}
	if in.SchedulerRole == "" {
		return nil, fmt.Errorf("flow %q has a //flow:schedule; pass --scheduler-role ARN, the role EventBridge Scheduler starts executions with", in.Def.Flow)
	}
	target := &schedtypes.Target{Arn: aws.String(res.ARN), RoleArn: aws.String(in.SchedulerRole), Input: aws.String(`{"Parameters":{}}`)}
	window := &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff}
	_, err = c.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name)})
	var nf *schedtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		_, err = c.Scheduler.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
			Name: aws.String(name), ScheduleExpression: aws.String(in.Schedule.AWS()),
			ScheduleExpressionTimezone: aws.String(in.Schedule.TZ()), FlexibleTimeWindow: window, Target: target,
		})
	case err == nil:
		_, err = c.Scheduler.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{
			Name: aws.String(name), ScheduleExpression: aws.String(in.Schedule.AWS()),
			ScheduleExpressionTimezone: aws.String(in.Schedule.TZ()), FlexibleTimeWindow: window, Target: target,
		})
	}
	if err != nil {
		return nil, fmt.Errorf("scheduling %q: %v", name, err)
	}
	res.Schedule = name
	return res, nil
}

// ScheduleName is the EventBridge Scheduler name of a state machine's
// schedule: at most 64 of [0-9a-zA-Z-_.].
func ScheduleName(stateMachine string) string {
	return deploy.Map(stateMachine, func(r rune) bool { return jobDefRune(r) || r == '.' }, '_', 64)
}

func (c *Client) deleteSchedule(ctx context.Context, name string) error {
	_, err := c.Scheduler.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name)})
	var nf *schedtypes.ResourceNotFoundException
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("deleting schedule %q: %v", name, err)
	}
	return nil
}

// specTag carries the hash of what a job definition revision holds, so
// create reuses an identical one instead of registering a new revision.
const specTag = "flowc:spec-sha256"

// machineTag names the state machine a job definition serves, so delete
// finds every one of them.
const machineTag = "flowc:state-machine"

// containerProps is a job definition's container: the binary in exec
// form, the default resources (steps override them), the environment
// every task gets, the role and the secrets.
func containerProps(jd *JobDefinition) *batchtypes.ContainerProperties {
	cp := &batchtypes.ContainerProperties{
		Image:   aws.String(jd.Image),
		Command: []string{BinaryPath},
		ResourceRequirements: []batchtypes.ResourceRequirement{
			{Type: batchtypes.ResourceTypeVcpu, Value: aws.String("1")},
			{Type: batchtypes.ResourceTypeMemory, Value: aws.String("4096")},
		},
	}
	for _, kv := range jd.Env {
		cp.Environment = append(cp.Environment, batchtypes.KeyValuePair{Name: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	if jd.JobRole != "" {
		cp.JobRoleArn = aws.String(jd.JobRole)
	}
	for _, s := range jd.Secrets {
		cp.Secrets = append(cp.Secrets, batchtypes.Secret{Name: aws.String(s.Name), ValueFrom: aws.String(s.Ref)})
	}
	return cp
}

func (c *Client) registerJobDefinition(ctx context.Context, jd *JobDefinition, machine string) (arn string, fresh bool, err error) {
	cp := containerProps(jd)
	spec, _ := json.Marshal(cp)
	sum := sha256.Sum256(spec)
	hash := hex.EncodeToString(sum[:])
	out, err := c.Batch.DescribeJobDefinitions(ctx, &batch.DescribeJobDefinitionsInput{JobDefinitionName: aws.String(jd.Name), Status: aws.String("ACTIVE")})
	if err != nil {
		return "", false, fmt.Errorf("reading job definition %q: %v", jd.Name, err)
	}
	var latest *batchtypes.JobDefinition
	for i := range out.JobDefinitions {
		if d := &out.JobDefinitions[i]; latest == nil || aws.ToInt32(d.Revision) > aws.ToInt32(latest.Revision) {
			latest = d
		}
	}
	if latest != nil && latest.Tags[specTag] == hash {
		return aws.ToString(latest.JobDefinitionArn), false, nil
	}
	reg, err := c.Batch.RegisterJobDefinition(ctx, &batch.RegisterJobDefinitionInput{
		JobDefinitionName: aws.String(jd.Name), Type: batchtypes.JobDefinitionTypeContainer,
		ContainerProperties: cp, Tags: map[string]string{specTag: hash, machineTag: machine},
	})
	if err != nil {
		return "", false, fmt.Errorf("registering job definition %q: %v", jd.Name, err)
	}
	return aws.ToString(reg.JobDefinitionArn), true, nil
}

// NewExecutionName is a fresh execution name: the time, then randomness,
// so runs sort by start and never collide; a valid run id after RunPrefix.
func NewExecutionName(now time.Time) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return now.UTC().Format("20060102t150405") + "-" + hex.EncodeToString(b)
}

// Trigger starts an execution of the state machine named stateMachine
// (see Start).
func (c *Client) Trigger(ctx context.Context, stateMachine string, params json.RawMessage, exec string) (string, error) {
	d, err := c.Deployment(ctx, stateMachine)
	if err != nil {
		return "", err
	}
	return c.Start(ctx, d, params, exec)
}

// startOverridesTag records the size of the Start task's container
// overrides as create measured them, without the run's parameters, which
// trigger adds (CheckParams).
const startOverridesTag = "flowc:start-overrides"

// paramsPlaceholder is what the Start state's overrides hold where the
// run's parameters go, counted in the size create measured.
const paramsPlaceholder = `"Value.$":"States.JsonToString($.Parameters)"`

// CheckParams refuses parameters that would take the Start task's
// container overrides over AWS Batch's 8 KB: the execution would start and
// its first job fail to submit. It checks nothing for a state machine
// whose create recorded no size.
func (d *Deployed) CheckParams(params json.RawMessage) error {
	base, err := strconv.Atoi(d.Tags[startOverridesTag])
	if err != nil {
		return nil
	}
	quoted, _ := json.Marshal(string(params))
	size := base - len(paramsPlaceholder) + len(`"Value":`) + len(quoted)
	if size > MaxOverrides {
		return fmt.Errorf("the run's parameters are %d bytes, which would make the Start task's container overrides %d bytes, over AWS Batch's %d; pass a large value as an includefile (trigger uploads it) instead of a parameter", len(params), size, MaxOverrides)
	}
	return nil
}

// Start starts an execution of d with the run's parameters (a JSON
// object of flag name -> value as the command line takes it, the Start
// task's taskspec.EnvRunParameters; nil for none) and returns its run
// id, sfn-<execution name>.
func (c *Client) Start(ctx context.Context, d *Deployed, params json.RawMessage, exec string) (string, error) {
	if params == nil {
		params = json.RawMessage("{}")
	}
	if err := d.CheckParams(params); err != nil {
		return "", err
	}
	input, err := json.Marshal(map[string]any{"Parameters": params})
	if err != nil {
		return "", err
	}
	if _, err := c.SFN.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(d.ARN), Name: aws.String(exec), Input: aws.String(string(input)),
	}); err != nil {
		return "", fmt.Errorf("starting an execution of %q: %v", d.Name, err)
	}
	return RunPrefix + exec, nil
}

// Deployment is the state machine named name, or an error saying it is
// not deployed.
func (c *Client) Deployment(ctx context.Context, name string) (*Deployed, error) {
	d, err := c.Find(ctx, name)
	if err == nil && d == nil {
		err = fmt.Errorf("state machine %q is not deployed; run step-functions create first (or pass --name)", name)
	}
	return d, err
}

// Run is one execution as list-runs shows it.
type Run struct {
	ID            string // sfn-<execution name>
	Status        string // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
	Start, Stop   time.Time
	ExecutionARN  string
	StateMachine  string
	executionName string
}

// ListRuns lists the executions of the state machine, newest first,
// those with one of statuses (all when none).
func (c *Client) ListRuns(ctx context.Context, stateMachine string, statuses ...string) ([]Run, error) {
	d, err := c.Deployment(ctx, stateMachine)
	if err != nil {
		return nil, err
	}
	filters := []sfntypes.ExecutionStatus{""}
	if len(statuses) > 0 {
		filters = nil
		for _, s := range statuses {
			filters = append(filters, sfntypes.ExecutionStatus(s))
		}
	}
	var runs []Run
	for _, f := range filters {
		in := &sfn.ListExecutionsInput{StateMachineArn: aws.String(d.ARN), StatusFilter: f}
		p := sfn.NewListExecutionsPaginator(listExecutions(c.SFN.ListExecutions), in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing the executions of %q: %v", stateMachine, err)
			}
			for _, e := range page.Executions {
				runs = append(runs, Run{
					ID: RunPrefix + aws.ToString(e.Name), Status: string(e.Status),
					Start: aws.ToTime(e.StartDate), Stop: aws.ToTime(e.StopDate),
					ExecutionARN: aws.ToString(e.ExecutionArn), StateMachine: stateMachine, executionName: aws.ToString(e.Name),
				})
			}
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].Start.After(runs[j].Start) })
	return runs, nil
}

// ExecutionARN is the ARN of run's execution of the state machine arn.
func ExecutionARN(stateMachineARN, run string) (string, error) {
	exec, ok := strings.CutPrefix(run, RunPrefix)
	if !ok || exec == "" {
		return "", fmt.Errorf("run %q is not a Step Functions run; its id starts with %q", run, RunPrefix)
	}
	before, after, ok := strings.Cut(stateMachineARN, ":stateMachine:")
	if !ok {
		return "", fmt.Errorf("%q is not a state machine ARN", stateMachineARN)
	}
	return before + ":execution:" + after + ":" + exec, nil
}

// terminateReason is the reason Batch records for a job terminate stops.
const terminateReason = "terminated with flowc step-functions terminate"

// Terminate stops one run: its execution, then every Batch job the
// execution submitted that has not ended, and returns how many jobs it
// stopped. On AWS, StopExecution cancels a running batch:submitJob.sync
// job itself; not every engine does (moto's interpreter leaves the job
// running), so the jobs are stopped here too, as the hybrid runner's
// interrupt stops its own (TerminateJob: SIGTERM, then SIGKILL). The
// execution is stopped first so that it submits no job after the
// history is read. An array job's children end with their parent. A
// Distributed Map's child executions are not read: they stop with
// their map run when the execution does.
func (c *Client) Terminate(ctx context.Context, stateMachine, run string) (int, error) {
	d, err := c.Deployment(ctx, stateMachine)
	if err != nil {
		return 0, err
	}
	arn, err := ExecutionARN(d.ARN, run)
	if err != nil {
		return 0, err
	}
	if _, err := c.SFN.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Cause: aws.String(terminateReason)}); err != nil {
		return 0, fmt.Errorf("terminating run %q: %v", run, err)
	}
	jobs, err := c.submittedJobs(ctx, arn)
	if err != nil {
		return 0, fmt.Errorf("finding the Batch jobs of terminated run %q: %v", run, err)
	}
	stopped := 0
	for i := 0; i < len(jobs); i += 100 { // DescribeJobs takes at most 100
		out, err := c.Batch.DescribeJobs(ctx, &batch.DescribeJobsInput{Jobs: jobs[i:min(i+100, len(jobs))]})
		if err != nil {
			return stopped, fmt.Errorf("reading the Batch jobs of terminated run %q: %v", run, err)
		}
		for _, j := range out.Jobs {
			if j.Status == batchtypes.JobStatusSucceeded || j.Status == batchtypes.JobStatusFailed {
				continue
			}
			if _, err := c.Batch.TerminateJob(ctx, &batch.TerminateJobInput{JobId: j.JobId, Reason: aws.String(terminateReason)}); err != nil {
				return stopped, fmt.Errorf("stopping Batch job %s of terminated run %q: %v", aws.ToString(j.JobId), run, err)
			}
			stopped++
		}
	}
	return stopped, nil
}

// submittedJobs are the ids of the Batch jobs the execution submitted,
// from its history's TaskSubmitted events (whose output is SubmitJob's).
func (c *Client) submittedJobs(ctx context.Context, execARN string) ([]string, error) {
	var jobs []string
	seen := map[string]bool{}
	p := sfn.NewGetExecutionHistoryPaginator(getExecutionHistory(c.SFN.GetExecutionHistory), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execARN), MaxResults: 1000})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, ev := range page.Events {
			sub := ev.TaskSubmittedEventDetails
			if sub == nil || aws.ToString(sub.ResourceType) != "batch" {
				continue
			}
			var out struct{ JobId string }
			if json.Unmarshal([]byte(aws.ToString(sub.Output)), &out) != nil || out.JobId == "" || seen[out.JobId] {
				continue
			}
			seen[out.JobId] = true
			jobs = append(jobs, out.JobId)
		}
	}
	return jobs, nil
}

// Delete removes the state machine, its schedule and its job definitions
// (every active revision tagged with the state machine's name).
func (c *Client) Delete(ctx context.Context, d *Deployed, name string) error {
	if err := c.deleteSchedule(ctx, ScheduleName(name)); err != nil {
		return err
	}
	p := batch.NewDescribeJobDefinitionsPaginator(describeJobDefinitions(c.Batch.DescribeJobDefinitions), &batch.DescribeJobDefinitionsInput{Status: aws.String("ACTIVE")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing job definitions: %v", err)
		}
		for _, rev := range page.JobDefinitions {
			if rev.Tags[machineTag] != name {
				continue
			}
			if _, err := c.Batch.DeregisterJobDefinition(ctx, &batch.DeregisterJobDefinitionInput{JobDefinition: rev.JobDefinitionArn}); err != nil {
				return fmt.Errorf("deregistering job definition %q: %v", aws.ToString(rev.JobDefinitionName), err)
			}
		}
	}
	if _, err := c.SFN.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(d.ARN)}); err != nil {
		return fmt.Errorf("deleting state machine %q: %v", name, err)
	}
	return nil
}

// NewClientFromConfig uses cfg as it is (tests point it at an emulator).
func NewClientFromConfig(cfg aws.Config) *Client {
	return &Client{SFN: newSFNOps(cfg), Batch: newBatchOps(cfg), Scheduler: newSchedulerOps(cfg)}
}

// Execution is the state of a run's execution.
func (c *Client) Execution(ctx context.Context, stateMachine, run string) (status string, events int, err error) {
	d, err := c.Deployment(ctx, stateMachine)
	if err != nil {
		return "", 0, err
	}
	arn, err := ExecutionARN(d.ARN, run)
	if err != nil {
		return "", 0, err
	}
	out, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		return "", 0, fmt.Errorf("reading run %q: %v", run, err)
	}
	p := sfn.NewGetExecutionHistoryPaginator(getExecutionHistory(c.SFN.GetExecutionHistory), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", 0, fmt.Errorf("reading the history of run %q: %v", run, err)
		}
		events += len(page.Events)
	}
	return string(out.Status), events, nil
}
