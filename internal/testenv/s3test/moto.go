// Package s3test runs the S3 servers flowc's end-to-end tests use: moto's
// server as a real process on loopback (in memory), and proxies in front of
// any S3 server that count requests or inject faults.
package s3test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/flowc-dev/flowc/internal/testenv"
)

// MotoHint is what a test that needs moto says when it skips.
const MotoHint = "needs moto's S3 server: pip install 'moto[server]' (.ci/deps/moto.sh checks it)"

// Server is an S3 server process.
type Server struct {
	URL string // http://127.0.0.1:PORT
	cmd *exec.Cmd
	log *bytes.Buffer
}

// StartMoto starts `python3 -m moto.server` on a free loopback port and
// stops it when the test ends; without python3 or moto the test is skipped
// with one line naming what to install (testenv.Missing: a failure under
// FLOWC_REQUIRE_TOOLS=1).
func StartMoto(t testing.TB) *Server {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		testenv.Missing(t, MotoHint)
	}
	if err := exec.Command(py, "-c", "import moto.server").Run(); err != nil {
		testenv.Missing(t, MotoHint)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://127.0.0.1:" + port, log: new(bytes.Buffer)}
	s.cmd = exec.Command(py, "-m", "moto.server", "-H", "127.0.0.1", "-p", port)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting moto: %v", err)
	}
	t.Cleanup(s.Stop)
	deadline := time.Now().Add(60 * time.Second) // a loaded machine imports slowly
	for {
		resp, err := http.Get(s.URL + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto did not answer on %s: %v\n%s", s.URL, err, s.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// Stop kills the server.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// CreateBucket creates a bucket, with a request signed by the test
// credentials of Env (moto takes any, versitygw checks them).
func CreateBucket(t testing.TB, endpoint, bucket string) {
	t.Helper()
	if _, err := client(endpoint).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("creating bucket %q: %v", bucket, err)
	}
}

// Env is the AWS environment that points flowc (and any aws-sdk-go-v2
// program) at endpoint with test credentials, isolated from the machine's
// AWS configuration.
func Env(endpoint string) []string {
	return []string{
		"AWS_ENDPOINT_URL_S3=" + endpoint,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
		"AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_PROFILE=",
		// A machine-wide CA bundle is parsed by every process that loads
		// the AWS configuration (about 15 ms each); loopback is plain HTTP.
		"AWS_CA_BUNDLE=",
	}
}

// client is an S3 client of endpoint with the test credentials.
func client(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		UsePathStyle: true,
	})
}

// Get reads an object.
func Get(endpoint, bucket, key string) ([]byte, error) {
	out, err := client(endpoint).GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, fmt.Errorf("GET %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// ListSized is List with the size of each key.
func ListSized(endpoint, bucket, prefix string) (keys map[string]int64, dirs []string, err error) {
	keys = map[string]int64{}
	p := s3.NewListObjectsV2Paginator(client(endpoint), &s3.ListObjectsV2Input{
		Bucket: &bucket, Prefix: &prefix, Delimiter: aws.String("/"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return nil, nil, fmt.Errorf("listing %s/%s: %v", bucket, prefix, err)
		}
		for _, c := range page.Contents {
			keys[strings.TrimPrefix(aws.ToString(c.Key), prefix)] = aws.ToInt64(c.Size)
		}
		for _, cp := range page.CommonPrefixes {
			dirs = append(dirs, strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/"))
		}
	}
	return keys, dirs, nil
}

// List returns the keys and common prefixes one level under prefix (which
// ends in "/"), relative to it, in S3's order.
func List(endpoint, bucket, prefix string) (keys, dirs []string, err error) {
	sized, dirs, err := ListSized(endpoint, bucket, prefix)
	return slices.Sorted(maps.Keys(sized)), dirs, err
}
