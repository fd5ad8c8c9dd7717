// Package sfn deploys a flow to AWS Step Functions + AWS Batch (§8.2 of
// the design): Render turns the graph a flow binary carries into an Amazon
// States Language definition and the Batch job definitions it uses,
// checking AWS's documented limits; the deploy commands (create, trigger,
// list-runs, terminate, delete) talk to AWS with aws-sdk-go-v2. The flow
// binary's CLI wires them in one file, so the target can be relinked.
//
// # The definition
//
// Every step is a batch:submitJob.sync Task whose ContainerOverrides hold
// the task's complete argv (exec form, no shell) and environment. A split
// is a Parallel state; a foreach whose body is a chain of plain steps is a
// Batch array job per step (one state for up to 10,000 items, Choice'd to
// a plain job for one item, and to a Distributed Map over chunks of
// 10,000 items, an array job per chunk, when --max-num-splits allows
// more); a nested foreach, or a body with splits or switches, is a
// Distributed Map with a child per item. A switch is a Choice on the case the
// switch task stored. Every state of the top level catches States.ALL into
// a final task that marks the run failed.
//
// # What the tasks read from the state machine
//
// Task ids are taskspec.CloudTaskID. Three values are known only while the
// run goes, and the definition names them so the task can find them:
//
//   - In a Batch array child, the innermost foreach index is the child's
//     AWS_BATCH_JOB_ARRAY_INDEX: a task id, --split-index or input path
//     written with ArrayIndex ("@") stands for it.
//   - A join of a foreach reads every task of its body's last step, as
//     many as the foreach task stored in its task.json: the input path
//     "<run>/<step>/<step>-<outer>.*" (AllItems) stands for them.
//   - The foreach cardinality and the switch case are read from the
//     foreach or switch task's task.json by the state machine itself
//     (aws-sdk:s3:getObject + States.StringToJson); a Distributed Map reads
//     its items from the task's ItemsFile, which the foreach task writes
//     when its definition sets taskspec.EnvForeachItems: the indices, or
//     chunks of them whose start reaches an array child as
//     taskspec.EnvArrayIndexBase.
//
// No id lists pass through the state machine and no DynamoDB table is used.
package sfn
