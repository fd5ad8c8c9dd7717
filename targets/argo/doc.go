// Package argo is the Argo Workflows target (DESIGN §8.3): it turns the
// graph a flow binary carries into a WorkflowTemplate (and a CronWorkflow
// for //flow:schedule), and deploys, triggers, lists, terminates and
// deletes them through the Kubernetes API.
//
// The objects are written with the small mirror types of wf.go, not with
// Argo's own Go types (github.com/argoproj/argo-workflows/v3/pkg/apis/...):
// those pull in k8s.io/api, apimachinery and part of client-go, and every
// flow binary links this package, so every task process would pay for
// their package initialisers and twice the binary size (measured: +100
// init functions, 22 MB -> 43 MB, `show` start-up +15-60% on this
// machine; DESIGN §8 allows 10%). The tests hold the mirror to Argo's
// types: every golden strict-unmarshals into Argo's v1alpha1 types, marshals
// back to the same JSON, and validates against Argo's JSON schema
// (api/jsonschema/schema.json of the pinned module).
//
// For the same reason the Kubernetes calls are plain REST over net/http
// (kube.go), with the standard kubeconfig chain: $KUBECONFIG, ~/.kube/config,
// and the in-cluster service account.
//
// A run's outcome is recorded by the binary itself (DESIGN §8.1): Start
// creates the run, End marks it succeeded, and the onExit handler
// (`argo-workflows finish`) marks any other end failed. Liveness is by
// heartbeat, per run: every running task rewrites its run's heartbeat, and
// a running run whose heartbeats stop (its pods died without the exit
// handler running) reads as killed in runs, dump, the client and the UI
// (rt/client Task.Killed). A task whose pod died while another task of the
// run still beats reads as running until the run's beats stop.
//
// create records the tasks' datastore root as annotation
// flowc.dev/datastore, and trigger refuses a command with another one
// (deploy.CheckDatastore, shared with the Step Functions target).
//
// Argo's foreach width limit is the size of a run's node status (width.go):
// create refuses a --max-num-splits whose run could not fit the
// controller's MAX_WORKFLOW_SIZE, rather than the run failing midway.
package argo
