package sfn

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/targets/deploy"
)

// Options are what a definition needs beyond the graph: everything a task
// will be given is here, so the definition is complete (§8.1).
type Options struct {
	// Name is the state machine's name (the deployment's name, shortened
	// to 80 characters by Render).
	Name string
	// Selector is what the binary's main needs before the flow's
	// arguments (a binary holding several flows).
	Selector []string
	// JobQueue is the default Batch job queue (//flow:batch queue= wins).
	JobQueue string
	// DatastoreRoot is the S3 datastore the tasks use, s3://bucket/prefix.
	DatastoreRoot string
	// PathStyle is the S3 path-style addressing option, passed on to the
	// tasks.
	PathStyle bool
	// Namespace is the runs' namespace, production:<token>.
	Namespace string
	// User is the deployer, the user the runs record.
	User string
	// Branch and Production are the //flow:project branch options, passed
	// on to the tasks so rt.Current sees the project branch.
	Branch     string
	Production bool
	// Image is the image every job definition runs, by digest (or the
	// --image given); "" renders the placeholder ImagePending.
	Image string
	// JobRole is --job-role, the tasks' IAM role (//flow:batch iam_role= wins).
	JobRole string
	// Secrets are --secret NAME=REF: Batch secrets of every job definition.
	Secrets []Secret
	// MaxWorkers caps a Distributed Map (0: no cap).
	MaxWorkers int
	// MaxNumSplits is the largest foreach the run allows (default 100); a
	// definition for more than 10,000 items adds a Distributed Map for them.
	MaxNumSplits int
	// Platform is the task platform, e.g. linux/amd64.
	Platform string
	// RunTags are create --tag: user tags of every run the deployment
	// starts (the Start task records them).
	RunTags []string

	// arraySize is the largest Batch array job (MaxArraySize); tests
	// lower it to run a foreach wider than one array job on a few items.
	arraySize int
}

// Secret is one --secret NAME=REF: the environment variable NAME of every
// task holds the Secrets Manager or SSM parameter REF.
type Secret struct{ Name, Ref string }

// ParseSecret reads NAME=REF.
func ParseSecret(s string) (Secret, error) {
	name, ref, ok := strings.Cut(s, "=")
	if !ok || name == "" || ref == "" {
		return Secret{}, fmt.Errorf("--secret %q is not NAME=REF; give the variable and the Secrets Manager or SSM ARN", s)
	}
	for _, r := range name {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return Secret{}, fmt.Errorf("--secret %q: %q is not an environment variable name; use letters, digits and '_'", s, name)
		}
	}
	if err := deploy.ReservedEnv("--secret", name); err != nil {
		return Secret{}, err
	}
	return Secret{Name: name, Ref: ref}, nil
}

// ImagePending stands for the image in a definition rendered before the
// code package was pushed (--only-json).
const ImagePending = "<pushed at create>"

// bucketPrefix splits s3://bucket/prefix.
func bucketPrefix(root string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(root, "s3://")
	if !ok {
		return "", "", fmt.Errorf("--datastore-root %q is not s3://bucket/prefix; Step Functions tasks need the S3 datastore (--datastore s3 --datastore-root s3://bucket/prefix)", root)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("--datastore-root %q has no bucket; write s3://bucket/prefix", root)
	}
	return bucket, strings.Trim(prefix, "/"), nil
}

// key is the S3 key of a datastore path under the prefix.
func key(prefix string, parts ...string) string {
	p := strings.Join(parts, "/")
	if prefix == "" {
		return p
	}
	return prefix + "/" + p
}

func (o *Options) queue(st *rt.Step) string {
	if st.Batch != nil && st.Batch.Queue != "" {
		return st.Batch.Queue
	}
	return o.JobQueue
}
