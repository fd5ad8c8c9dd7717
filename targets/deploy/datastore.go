package deploy

import (
	"fmt"
	"strings"
)

// A deployment's tasks use the datastore it was created with (baked into
// its definition, §8.1). trigger refuses a command whose datastore is
// another one before it submits or uploads anything: an includefile it
// uploads would be where the tasks never look, and the deployer's dump,
// logs and runs would not find the run. So each target records the root
// with the deployment (a Step Functions tag, an Argo annotation) and
// hands it to CheckDatastore.

// DatastoreTag is the key under which a target records the datastore
// root (a Step Functions tag; Argo takes it as an annotation value).
const DatastoreTag = "flowc:datastore"

// HashedDatastore is how a target records a root its record cannot hold
// verbatim (a tag value allows few characters): its hash.
func HashedDatastore(root string) string { return "sha256:" + Hash(root) }

// Deployed is what CheckDatastore needs of a deployment as it exists.
type Deployed struct {
	// What names it in a message: `state machine "x"`,
	// `WorkflowTemplate "x"`.
	What string
	// Recorded is the datastore root recorded with it: the root, or
	// HashedDatastore of it; "" for one made before the record existed.
	Recorded string
	// Create is the command that redeploys it: "step-functions create".
	Create string
}

// CheckDatastore refuses the datastore of the command at hand (root, on
// S3 or not) when the deployment's tasks use another one, in one line
// naming both and the fix. A deployment made before the record has an
// unknown root, but its tasks are on S3 (create takes no other): a local
// datastore is refused, an S3 one taken with the returned warning, for
// the caller to print.
func CheckDatastore(d Deployed, root string, s3 bool) (warning string, err error) {
	want := d.Recorded
	if want == "" && !s3 {
		return "", fmt.Errorf("%s uses an S3 datastore, this command the local one (%s); pass --datastore s3 and the --datastore-root it was created with", d.What, root)
	}
	if want == "" {
		return fmt.Sprintf("%s records no datastore (made before flowc recorded it); its tasks use the datastore it was created with, not necessarily %s; redeploy with %s to record it", d.What, root, d.Create), nil
	}
	if s3 && sameRoot(want, root) {
		return "", nil
	}
	hashed := strings.HasPrefix(want, "sha256:") // a root its record cannot hold
	switch {
	case !s3 && hashed:
		return "", fmt.Errorf("%s uses an S3 datastore, this command the local one (%s); pass --datastore s3 and the --datastore-root it was created with", d.What, root)
	case !s3:
		return "", fmt.Errorf("%s uses datastore %s, this command the local one (%s); pass --datastore s3 --datastore-root %s, the deployment's", d.What, want, root, want)
	case hashed:
		return "", fmt.Errorf("%s uses another datastore than %s; pass the --datastore-root it was created with, or redeploy with %s to use %s", d.What, root, d.Create, root)
	}
	return "", fmt.Errorf("%s uses datastore %s, this command %s; pass --datastore-root %s (the deployment's), or redeploy with %s to use %s", d.What, want, root, want, d.Create, root)
}

// sameRoot reports whether recorded (a root, or its hash) is root: an S3
// prefix with or without its trailing slash is the same one (the store
// trims it), so "s3://b/p/" is not refused for a deployment of "s3://b/p".
func sameRoot(recorded, root string) bool {
	bare := strings.TrimSuffix(root, "/")
	for _, r := range []string{bare, bare + "/"} {
		if recorded == r || recorded == HashedDatastore(r) {
			return true
		}
	}
	return false
}
