package store

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 is an in-process S3 server (gofakes3) with one bucket, "bkt",
// behind a middleware the test may set: fault injection, request counts.
type fakeS3 struct {
	url string
	mu  sync.Mutex
	mw  func(w http.ResponseWriter, r *http.Request, next http.Handler)

	requests atomic.Int64
	byMethod sync.Map // method -> *atomic.Int64
}

// newFakeS3 starts the server and points the AWS SDK's configuration
// chain at it through the environment, as a user would.
func newFakeS3(t testing.TB) *fakeS3 {
	t.Helper()
	be := s3mem.New()
	if err := be.CreateBucket("bkt"); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(be)
	inner := faker.Server()
	f := &fakeS3{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		n, _ := f.byMethod.LoadOrStore(r.Method, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		f.mu.Lock()
		mw := f.mw
		f.mu.Unlock()
		if mw != nil {
			mw(w, r, inner)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	awsEnv(t, srv.URL)
	return f
}

// awsEnv isolates the SDK from the machine's AWS configuration.
func awsEnv(t testing.TB, endpoint string) {
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_S3":         endpoint,
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PROFILE":                 "",
	} {
		t.Setenv(k, v)
	}
}

func (f *fakeS3) use(mw func(w http.ResponseWriter, r *http.Request, next http.Handler)) {
	f.mu.Lock()
	f.mw = mw
	f.mu.Unlock()
}

func (f *fakeS3) count(method string) int64 {
	if n, ok := f.byMethod.Load(method); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

func (f *fakeS3) resetCounts() {
	f.requests.Store(0)
	f.byMethod.Range(func(k, v any) bool { v.(*atomic.Int64).Store(0); return true })
}

// newS3Store opens s3://bkt/<prefix> on a fake server.
func newS3Store(t testing.TB, f *fakeS3, prefix string, mode Mode) *Store {
	t.Helper()
	s, err := OpenConfig(Config{Kind: "s3", Root: "s3://bkt/" + prefix, PathStyle: true}, mode)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// s3Error answers like S3 does.
func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + code + `</Code><Message>` + msg + `</Message></Error>`))
}

func isPut(r *http.Request) bool {
	return r.Method == http.MethodPut && !strings.Contains(r.URL.RawQuery, "uploadId")
}
