package sfn

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// The Client's services are the operations it calls, as method values of
// the SDK's clients, not the clients themselves. That is for the size and
// start-up of every flow binary, which links this package: kong looks
// methods up by name (reflect's MethodByName), so the linker keeps every
// exported method of every type an interface can reach, and a *sfn.Client
// in a struct that reaches one keeps all of Step Functions', Batch's and
// EventBridge Scheduler's operations (about 100, with their serializers)
// in the binary. A func field keeps only the operation it names. The
// SDK's paginators take their client as an interface, so they get the
// one operation they need through an adapter (listStateMachines, ...).

// SFNOps are the Step Functions operations flowc calls.
type SFNOps struct {
	CreateStateMachine  func(context.Context, *sfn.CreateStateMachineInput, ...func(*sfn.Options)) (*sfn.CreateStateMachineOutput, error)
	UpdateStateMachine  func(context.Context, *sfn.UpdateStateMachineInput, ...func(*sfn.Options)) (*sfn.UpdateStateMachineOutput, error)
	DeleteStateMachine  func(context.Context, *sfn.DeleteStateMachineInput, ...func(*sfn.Options)) (*sfn.DeleteStateMachineOutput, error)
	DescribeExecution   func(context.Context, *sfn.DescribeExecutionInput, ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
	GetExecutionHistory func(context.Context, *sfn.GetExecutionHistoryInput, ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error)
	ListTagsForResource func(context.Context, *sfn.ListTagsForResourceInput, ...func(*sfn.Options)) (*sfn.ListTagsForResourceOutput, error)
	TagResource         func(context.Context, *sfn.TagResourceInput, ...func(*sfn.Options)) (*sfn.TagResourceOutput, error)
	UntagResource       func(context.Context, *sfn.UntagResourceInput, ...func(*sfn.Options)) (*sfn.UntagResourceOutput, error)
	StartExecution      func(context.Context, *sfn.StartExecutionInput, ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	StopExecution       func(context.Context, *sfn.StopExecutionInput, ...func(*sfn.Options)) (*sfn.StopExecutionOutput, error)
	ListStateMachines   func(context.Context, *sfn.ListStateMachinesInput, ...func(*sfn.Options)) (*sfn.ListStateMachinesOutput, error)
	ListExecutions      func(context.Context, *sfn.ListExecutionsInput, ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error)
}

func newSFNOps(cfg aws.Config) SFNOps {
	c := sfn.NewFromConfig(cfg)
	return SFNOps{
		CreateStateMachine:  c.CreateStateMachine,
		UpdateStateMachine:  c.UpdateStateMachine,
		DeleteStateMachine:  c.DeleteStateMachine,
		DescribeExecution:   c.DescribeExecution,
		GetExecutionHistory: c.GetExecutionHistory,
		ListTagsForResource: c.ListTagsForResource,
		TagResource:         c.TagResource,
		UntagResource:       c.UntagResource,
		StartExecution:      c.StartExecution,
		StopExecution:       c.StopExecution,
		ListStateMachines:   c.ListStateMachines,
		ListExecutions:      c.ListExecutions,
	}
}

// BatchOps are the AWS Batch operations flowc calls.
type BatchOps struct {
	RegisterJobDefinition   func(context.Context, *batch.RegisterJobDefinitionInput, ...func(*batch.Options)) (*batch.RegisterJobDefinitionOutput, error)
	DeregisterJobDefinition func(context.Context, *batch.DeregisterJobDefinitionInput, ...func(*batch.Options)) (*batch.DeregisterJobDefinitionOutput, error)
	DescribeJobDefinitions  func(context.Context, *batch.DescribeJobDefinitionsInput, ...func(*batch.Options)) (*batch.DescribeJobDefinitionsOutput, error)
	DescribeJobs            func(context.Context, *batch.DescribeJobsInput, ...func(*batch.Options)) (*batch.DescribeJobsOutput, error)
	SubmitJob               func(context.Context, *batch.SubmitJobInput, ...func(*batch.Options)) (*batch.SubmitJobOutput, error)
	TerminateJob            func(context.Context, *batch.TerminateJobInput, ...func(*batch.Options)) (*batch.TerminateJobOutput, error)
}

func newBatchOps(cfg aws.Config) BatchOps {
	c := batch.NewFromConfig(cfg)
	return BatchOps{
		RegisterJobDefinition:   c.RegisterJobDefinition,
		DeregisterJobDefinition: c.DeregisterJobDefinition,
		DescribeJobDefinitions:  c.DescribeJobDefinitions,
		DescribeJobs:            c.DescribeJobs,
		SubmitJob:               c.SubmitJob,
		TerminateJob:            c.TerminateJob,
	}
}

// SchedulerOps are the EventBridge Scheduler operations flowc calls.
type SchedulerOps struct {
	CreateSchedule func(context.Context, *scheduler.CreateScheduleInput, ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	UpdateSchedule func(context.Context, *scheduler.UpdateScheduleInput, ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error)
	DeleteSchedule func(context.Context, *scheduler.DeleteScheduleInput, ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
	GetSchedule    func(context.Context, *scheduler.GetScheduleInput, ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
}

func newSchedulerOps(cfg aws.Config) SchedulerOps {
	c := scheduler.NewFromConfig(cfg)
	return SchedulerOps{
		CreateSchedule: c.CreateSchedule,
		UpdateSchedule: c.UpdateSchedule,
		DeleteSchedule: c.DeleteSchedule,
		GetSchedule:    c.GetSchedule,
	}
}

type listStateMachines func(context.Context, *sfn.ListStateMachinesInput, ...func(*sfn.Options)) (*sfn.ListStateMachinesOutput, error)

func (f listStateMachines) ListStateMachines(ctx context.Context, in *sfn.ListStateMachinesInput, o ...func(*sfn.Options)) (*sfn.ListStateMachinesOutput, error) {
	return f(ctx, in, o...)
}

type listExecutions func(context.Context, *sfn.ListExecutionsInput, ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error)

func (f listExecutions) ListExecutions(ctx context.Context, in *sfn.ListExecutionsInput, o ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error) {
	return f(ctx, in, o...)
}

type getExecutionHistory func(context.Context, *sfn.GetExecutionHistoryInput, ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error)

func (f getExecutionHistory) GetExecutionHistory(ctx context.Context, in *sfn.GetExecutionHistoryInput, o ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error) {
	return f(ctx, in, o...)
}

type describeJobDefinitions func(context.Context, *batch.DescribeJobDefinitionsInput, ...func(*batch.Options)) (*batch.DescribeJobDefinitionsOutput, error)

func (f describeJobDefinitions) DescribeJobDefinitions(ctx context.Context, in *batch.DescribeJobDefinitionsInput, o ...func(*batch.Options)) (*batch.DescribeJobDefinitionsOutput, error) {
	return f(ctx, in, o...)
}
