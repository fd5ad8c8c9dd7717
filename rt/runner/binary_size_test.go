package runner_test

import (
	"debug/elf"
	"strings"
	"testing"
)

// TestBinaryLinksOnlyCalledOperations: a flow binary carries the AWS
// operations flowc calls, not every operation of the services. kong's
// lookup of methods by name makes the linker keep every exported method
// of a type an interface can reach, so one *batch.Client held where an
// interface reaches it brings back all 46 Batch operations (targets/sfn's
// aws_ops.go says how the client avoids that).
func TestBinaryLinksOnlyCalledOperations(t *testing.T) {
	f, err := elf.Open(bins["foreach"])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, s := range syms {
		if strings.HasPrefix(s.Name, "github.com/aws/aws-sdk-go-v2/service/") {
			linked[s.Name] = true
		}
	}
	const svc = "github.com/aws/aws-sdk-go-v2/service/"
	for _, called := range []string{svc + "batch.(*Client).SubmitJob", svc + "sfn.(*Client).StartExecution", svc + "scheduler.(*Client).CreateSchedule"} {
		if !linked[called] {
			t.Errorf("%s is not in the binary; the test no longer sees the targets (symbols stripped, or the operation renamed?)", called)
		}
	}
	for _, unused := range []string{svc + "batch.(*Client).CreateComputeEnvironment", svc + "sfn.(*Client).CreateActivity", svc + "scheduler.(*Client).CreateScheduleGroup"} {
		if linked[unused] {
			t.Errorf("%s, which flowc never calls, is linked into every flow binary: a struct or interface holds an SDK client (see targets/sfn/aws_ops.go)", unused)
		}
	}
}
