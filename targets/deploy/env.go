package deploy

import (
	"fmt"
	"strings"
)

// ReservedEnv refuses a task variable the deployment's user may not set
// (--secret NAME=...): FLOWC_ names are flowc's settings and the cloud task
// contract, which the user's value would silently override, and AWS Batch
// refuses a job whose environment has an AWS_BATCH_ name. //flow:env is
// held to the same rule when the flow is generated (annotations).
func ReservedEnv(flag, name string) error {
	switch u := strings.ToUpper(name); {
	case strings.HasPrefix(u, "FLOWC_"):
		return fmt.Errorf("%s %s: names starting with FLOWC_ are flowc's own settings; rename the variable", flag, name)
	case strings.HasPrefix(u, "AWS_BATCH_"):
		return fmt.Errorf("%s %s: names starting with AWS_BATCH_ are reserved by AWS Batch; rename the variable", flag, name)
	}
	return nil
}
