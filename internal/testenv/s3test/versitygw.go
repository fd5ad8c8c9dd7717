package s3test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv"
)

// VersityVersion is the versitygw release .ci/deps/versitygw.sh builds.
const VersityVersion = "v1.8.0"

// versityBin is where .ci/deps/versitygw.sh installs it.
func versityBin() string {
	return filepath.Join(testenv.CacheDir("versitygw-"+VersityVersion), "versitygw")
}

// VersityHint is what a test that needs versitygw says when it skips.
var VersityHint = "needs versitygw " + VersityVersion + " at " + versityBin() +
	": bash .ci/deps/versitygw.sh (go install github.com/versity/versitygw/cmd/versitygw@" + VersityVersion + ", about 90 s)"

// Versity is versitygw on its posix backend: unlike moto it keeps objects
// on disk (in Dir), so they outlive Kill and a later Start, and it checks
// request signatures against its one account (the credentials of Env).
type Versity struct {
	Server
	Dir  string // the posix root: a directory per bucket
	bin  string
	addr string
	t    testing.TB
}

// StartVersity starts versitygw on a free loopback port over a fresh
// directory of the test, and stops it when the test ends; without the
// binary the test is skipped with one line (testenv.Missing).
func StartVersity(t testing.TB) *Versity {
	t.Helper()
	bin := versityBin()
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() {
		testenv.Missing(t, VersityHint)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	v := &Versity{Dir: t.TempDir(), bin: bin, addr: "127.0.0.1:" + port, t: t}
	v.URL = "http://" + v.addr
	v.Start()
	t.Cleanup(v.Stop)
	return v
}

// Start (re)starts the server on its address and directory, and waits
// until it answers.
func (v *Versity) Start() {
	v.t.Helper()
	if v.cmd != nil {
		v.t.Fatal("versitygw is already running")
	}
	v.log = new(bytes.Buffer)
	v.cmd = exec.Command(v.bin, "--access", "testing", "--secret", "testing",
		"--port", v.addr, "--quiet", "posix", v.Dir)
	v.cmd.Stdout, v.cmd.Stderr = v.log, v.log
	if err := v.cmd.Start(); err != nil {
		v.t.Fatalf("starting versitygw: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(v.URL + "/") // 403 without a signature: it is up
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			v.t.Fatalf("versitygw did not answer on %s: %v\n%s", v.URL, err, v.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill kills the server at once (SIGKILL), as a crash or a lost machine
// would; Start brings it back with what it had stored.
func (v *Versity) Kill() { v.Stop() }
