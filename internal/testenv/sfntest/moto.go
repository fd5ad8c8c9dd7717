//go:build unix

package sfntest

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/flowc-dev/flowc/internal/testenv"
)

//go:embed moto/flowc_moto.py
var motoScript []byte

const motoHint = "moto's server is not installed; pip install 'moto[server]' (.ci/deps/moto.sh)"

// Moto is a running moto server with Step Functions executing definitions
// and Batch running jobs as local processes, seeded with what a
// deployment needs: an IAM role, an UNMANAGED compute environment, a job
// queue and an S3 bucket.
type Moto struct {
	URL    string
	Region string
	Role   string // an IAM role ARN, for --job-role, --sfn-role, --scheduler-role
	Queue  string // the Batch job queue
	Bucket string // the datastore's bucket
	LogDir string // each job's output, <job id>.log
	Home   string // the deployer's home (XDG_CONFIG_HOME holds production tokens)
	log    string // the server's output
}

// Credentials are moto's: any value works, but tasks must be given them.
const (
	accessKey = "testing"
	secretKey = "testing"
)

// StartMoto starts the server for the test (stopped at cleanup) with
// binary as the image's /flowc/flow; when binary is a directory, an
// image of repository .../<name> runs the file <name> in it. The server's environment, which every
// job inherits, is only what a Batch job gets from its engine: credentials,
// region, the endpoint.
func StartMoto(t TB, binary string) *Moto {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		testenv.Missing(t, motoHint)
	}
	if exec.Command(py, "-c", "import moto.server, moto.batch_simple, moto.stepfunctions.parser").Run() != nil {
		testenv.Missing(t, motoHint)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "flowc_moto.py")
	if err := os.WriteFile(script, motoScript, 0o644); err != nil {
		t.Fatalf("%v", err)
	}
	port := freePort(t)
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Region: "us-east-1", Queue: "flowc-queue",
		Bucket: "flowc-test", LogDir: filepath.Join(dir, "jobs"), Home: filepath.Join(dir, "home")}
	if err := os.MkdirAll(m.Home, 0o755); err != nil {
		t.Fatalf("%v", err)
	}
	cmd := exec.Command(py, script, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Dir = dir
	cmd.Env = append(m.TaskEnv(),
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME="+filepath.Join(dir, "task-home"),
		"FLOWCTEST_IMAGE_BINARY="+binary,
		"FLOWCTEST_LOG_DIR="+m.LogDir,
		// A terminated job gets SIGKILL this long after SIGTERM
		// (ECS's 30 s would only slow the tests).
		"FLOWCTEST_STOP_TIMEOUT=5",
	)
	m.log = filepath.Join(dir, "moto.log")
	log, err := os.Create(m.log)
	if err != nil {
		t.Fatalf("%v", err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto: %v", err)
	}
	t.Cleanup(func() {
		// The jobs are the server's children: stop the whole group.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		log.Close()
	})
	if err := m.waitReady(cmd, 2*time.Minute); err != nil {
		b, _ := os.ReadFile(log.Name())
		t.Fatalf("moto did not start: %v\n%s", err, b)
	}
	if err := m.seed(); err != nil {
		t.Fatalf("seeding moto: %v", err)
	}
	return m
}

// TaskEnv is what a Batch job gets from its engine, and what a deployer's
// commands need to reach the emulator.
func (m *Moto) TaskEnv() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + accessKey,
		"AWS_SECRET_ACCESS_KEY=" + secretKey,
		"AWS_REGION=" + m.Region,
		"AWS_ENDPOINT_URL=" + m.URL,
	}
}

// DeployerEnv is the environment of the test's flow binary commands
// (create, trigger, dump...): the engine's plus a home of its own.
func (m *Moto) DeployerEnv() []string {
	return append(m.TaskEnv(), "PATH="+os.Getenv("PATH"), "HOME="+m.Home, "XDG_CONFIG_HOME="+filepath.Join(m.Home, ".config"), "FLOWC_USER=tester")
}

// AWS is the SDK configuration for the emulator.
func (m *Moto) AWS() aws.Config {
	return aws.Config{
		Region:       m.Region,
		BaseEndpoint: aws.String(m.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}, nil
		}),
	}
}

func freePort(t TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (m *Moto) waitReady(cmd *exec.Cmd, limit time.Duration) error {
	exited := make(chan struct{})
	go func() { _, _ = cmd.Process.Wait(); close(exited) }()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("the server exited")
		default:
		}
		resp, err := http.Get(m.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return m.post("/moto-api/config", "application/json", `{"batch":{"use_docker":false},"stepfunctions":{"execute_state_machine":true}}`)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v", limit)
}

func (m *Moto) post(path, ctype, body string) error {
	resp, err := http.Post(m.URL+path, ctype, strings.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, b)
	}
	return nil
}

// seed makes the IAM role, the compute environment, the job queue and the
// bucket. moto checks no signatures, so IAM and S3 take plain requests.
func (m *Moto) seed() error {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["batch.amazonaws.com","states.amazonaws.com","scheduler.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`
	form := url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"flowc-test"}, "AssumeRolePolicyDocument": {trust}}
	req, _ := http.NewRequest("POST", m.URL+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("iam CreateRole: %s: %s", resp.Status, body)
	}
	m.Role = "arn:aws:iam::123456789012:role/flowc-test"
	if i := strings.Index(string(body), "<Arn>"); i >= 0 {
		rest := string(body)[i+5:]
		m.Role = rest[:strings.Index(rest, "</Arn>")]
	}
	ctx := context.Background()
	bc := batch.NewFromConfig(m.AWS())
	if _, err := bc.CreateComputeEnvironment(ctx, &batch.CreateComputeEnvironmentInput{
		ComputeEnvironmentName: aws.String("flowc-ce"), Type: batchtypes.CETypeUnmanaged, ServiceRole: aws.String(m.Role),
	}); err != nil {
		return fmt.Errorf("batch CreateComputeEnvironment: %v", err)
	}
	if _, err := bc.CreateJobQueue(ctx, &batch.CreateJobQueueInput{
		JobQueueName: aws.String(m.Queue), Priority: aws.Int32(1), State: batchtypes.JQStateEnabled,
		ComputeEnvironmentOrder: []batchtypes.ComputeEnvironmentOrder{{Order: aws.Int32(1), ComputeEnvironment: aws.String("flowc-ce")}},
	}); err != nil {
		return fmt.Errorf("batch CreateJobQueue: %v", err)
	}
	req, _ = http.NewRequest("PUT", m.URL+"/"+m.Bucket, nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("s3 CreateBucket: %s", resp.Status)
	}
	return nil
}

// ServerLog is the end of the server's output (its tracebacks), for a
// failing test's report.
func (m *Moto) ServerLog() string {
	b, _ := os.ReadFile(m.log)
	if len(b) > 20000 {
		b = b[len(b)-20000:]
	}
	return string(b)
}

// JobLogs is the output of every job that ran, for a failing test's report.
func (m *Moto) JobLogs() string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(m.LogDir, "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(f), data)
	}
	return b.String()
}
