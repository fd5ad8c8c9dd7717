// Package argotest runs a real Kubernetes control plane and Argo's real
// workflow-controller for tests, with no cluster, no kubelet and no
// Docker: etcd, kube-apiserver and workflow-controller are built from
// their Go modules by .ci/deps/k8s.sh into the user cache dir, and a small
// pod runner (podrunner.go) stands in for the kubelet, running each pod's
// main container as a local process.
//
// A test package starts one cluster in TestMain (Start) and stops it by
// PID (Stop); a test without the binaries calls Need, which skips with one
// line naming the script (or fails under FLOWC_REQUIRE_TOOLS=1).
package argotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/internal/testenv"
)

// The versions .ci/deps/k8s.sh builds; keep them equal to the script's.
const (
	K8sVersion  = "v1.37.2"
	EtcdVersion = "v3.7.3"
	ArgoVersion = "v3.7.18"
)

// Hint is the line a test without the control plane skips with.
const Hint = "the Kubernetes control plane (etcd, kube-apiserver, Argo's workflow-controller) is not built; run .ci/deps/k8s.sh (about 14 min cold, cached by version)"

// BinDir is where .ci/deps/k8s.sh put the binaries.
func BinDir() string {
	return testenv.CacheDir(filepath.Join("k8s", "k8s-"+K8sVersion+"-etcd-"+EtcdVersion+"-argo-"+ArgoVersion))
}

// Available reports whether the binaries are built.
func Available() bool {
	_, err := os.Stat(filepath.Join(BinDir(), ".complete"))
	return err == nil
}

// Need ends t (skip or fail, testenv.Missing) when the binaries are absent.
func Need(t testenv.TB) {
	t.Helper()
	if !Available() {
		testenv.Missing(t, Hint)
	}
}

// Options shape the cluster.
type Options struct {
	// PathMap rewrites the paths of an image in the pods' command lines and
	// environment values to local ones ("/flowc/flow" -> a built binary),
	// since the pods run on this machine. Prefixes, longest first.
	PathMap map[string]string
	// PodEnv is what every pod gets besides its container spec's
	// environment: what a real pod gets from outside the spec (its
	// credentials, standing in for a service account's). Nothing of the
	// test's own environment reaches a pod.
	PodEnv []string
	// PullImages makes the pod runner pull each pod's image that is in
	// a registry on loopback (over plain HTTP) and run the command from
	// the image's file system, as a kubelet would. Other images stand
	// for this machine's file system.
	PullImages bool
}

// Cluster is a running control plane.
type Cluster struct {
	Dir        string // state: logs, etcd data, kubeconfig, pod dirs
	Kubeconfig string
	Namespace  string
	Server     string
	token      string
	procs      []*exec.Cmd // started in this order, stopped in reverse
	runner     *podRunner
	cancel     context.CancelFunc
}

const adminToken = "flowc-test-admin-token"

// Start starts etcd, kube-apiserver, Argo's CRDs, the workflow-controller
// and the pod runner, state under dir.
func Start(dir string, o Options) (c *Cluster, err error) {
	if !Available() {
		return nil, fmt.Errorf("%s", Hint)
	}
	bin := BinDir()
	c = &Cluster{Dir: dir, Namespace: "default", token: adminToken}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	for _, d := range []string{"etcd", "certs", "pods"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := writeSAKey(dir); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "tokens.csv"), []byte(adminToken+",admin,admin,system:masters\n"), 0o600); err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	etcdURL := "http://127.0.0.1:" + ports[0]
	peerURL := "http://127.0.0.1:" + ports[1]
	if err := c.start("etcd", filepath.Join(bin, "etcd"), nil,
		"--data-dir", filepath.Join(dir, "etcd"), "--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "default="+peerURL, "--log-level", "warn"); err != nil {
		return nil, err
	}
	c.Server = "https://127.0.0.1:" + ports[2]
	// No kubelet, no service-account controller: the endpoint reconciler
	// and the ServiceAccount admission plugin would wait for them.
	if err := c.start("apiserver", filepath.Join(bin, "kube-apiserver"), nil,
		"--etcd-servers", etcdURL, "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
		"--secure-port", ports[2], "--cert-dir", filepath.Join(dir, "certs"),
		"--token-auth-file", filepath.Join(dir, "tokens.csv"), "--authorization-mode", "AlwaysAllow",
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-account-key-file", filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file", filepath.Join(dir, "sa.key"),
		"--service-cluster-ip-range", "10.96.0.0/24",
		"--disable-admission-plugins", "ServiceAccount", "--endpoint-reconciler-type", "none"); err != nil {
		return nil, err
	}
	c.Kubeconfig = filepath.Join(dir, "kubeconfig")
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: %q, insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: %s}}]
contexts: [{name: local, context: {cluster: local, user: admin, namespace: default}}]
current-context: local
`, c.Server, adminToken)
	if err := os.WriteFile(c.Kubeconfig, []byte(kc), 0o600); err != nil {
		return nil, err
	}
	api := newAPI(c.Server, adminToken)
	if err := c.waitReady(api, 90*time.Second); err != nil {
		return nil, err
	}
	if err := installCRDs(api, filepath.Join(bin, "crds")); err != nil {
		return nil, err
	}
	// The controller exits without its config map. Its metrics server
	// would bind :9090, which a second cluster on the machine (another
	// test package) cannot: the controller panics.
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "workflow-controller-configmap", "namespace": c.Namespace},
		"data": map[string]string{"metricsConfig": "enabled: false\n", "telemetryConfig": "enabled: false\n"}}
	if err := api.do("POST", "/api/v1/namespaces/"+c.Namespace+"/configmaps", cm, nil); err != nil {
		return nil, fmt.Errorf("creating the controller's config map: %v", err)
	}
	// DEFAULT_REQUEUE_TIME: a run takes ~30 s at the default 10 s requeue.
	if err := c.start("controller", filepath.Join(bin, "workflow-controller"),
		[]string{"LEADER_ELECTION_DISABLE=true", "DEFAULT_REQUEUE_TIME=1s"},
		"--kubeconfig", c.Kubeconfig, "--namespace", c.Namespace,
		"--executor-image", "quay.io/argoproj/argoexec:"+ArgoVersion); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.runner = &podRunner{api: api, ns: c.Namespace, dir: filepath.Join(dir, "pods"), o: o, running: map[string]*podProc{}}
	if o.PullImages {
		c.runner.images = &images{dir: filepath.Join(dir, "images"), roots: map[string]*imageRoot{}}
	}
	go c.runner.loop(ctx)
	return c, nil
}

// start runs one component, its output in dir/<name>.log.
func (c *Cluster) start(name, path string, env []string, args ...string) error {
	log, err := os.Create(filepath.Join(c.Dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + c.Dir}, env...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("starting %s: %v", name, err)
	}
	log.Close()
	c.procs = append(c.procs, cmd)
	return nil
}

// waitReady waits for the API server's /readyz.
func (c *Cluster) waitReady(api *api, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var out []byte
		if err := api.raw("GET", "/readyz", nil, &out); err == nil && bytes.HasPrefix(out, []byte("ok")) {
			return nil
		}
		for _, p := range c.procs {
			if p.ProcessState != nil {
				return fmt.Errorf("%s exited; see %s", p.Path, c.Dir)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("kube-apiserver not ready after %s; see %s/apiserver.log", limit, c.Dir)
}

// Stop stops the pod runner, its pods, the controller, the API server and
// etcd, by PID, in that order (the API server's graceful shutdown can hang
// once etcd is gone).
func (c *Cluster) Stop() {
	if c.cancel != nil {
		c.cancel()
	}
	if c.runner != nil {
		c.runner.killAll()
	}
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	c.procs = nil
}

// KillPod SIGKILLs the process of the running pod named name (its task
// dies without a word). With lost, the pod's end is never reported
// either, as when its node is lost: Argo goes on believing it runs.
func (c *Cluster) KillPod(name string, lost bool) error { return c.runner.killPod(name, lost) }

// RunningPods are the names of the pods whose processes run now.
func (c *Cluster) RunningPods() []string {
	c.runner.mu.Lock()
	defer c.runner.mu.Unlock()
	var names []string
	for _, pp := range c.runner.running {
		names = append(names, pp.name)
	}
	return names
}

// Env is the environment a CLI run against the cluster needs.
func (c *Cluster) Env() []string { return []string{"KUBECONFIG=" + c.Kubeconfig} }

// ServiceAccount is what Kubernetes mounts in a pod for its service
// account (/var/run/secrets/kubernetes.io/serviceaccount): the API
// server's certificate as ca.crt, a token with access, and the namespace.
func (c *Cluster) ServiceAccount() (caCert []byte, token, namespace string, err error) {
	// The API server signs its own serving certificate (--cert-dir); the
	// file holds it and its CA.
	caCert, err = os.ReadFile(filepath.Join(c.Dir, "certs", "apiserver.crt"))
	return caCert, c.token, c.Namespace, err
}

func freePorts(n int) ([]string, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	return ports, nil
}

func writeSAKey(dir string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "sa.key"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "sa.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}

// installCRDs creates Argo's CRDs and waits until the API serves them.
func installCRDs(api *api, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no CRDs in %s; rerun .ci/deps/k8s.sh", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		j, err := yaml.YAMLToJSON(b)
		if err != nil {
			return fmt.Errorf("%s: %v", f, err)
		}
		if err := api.raw("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", j, nil); err != nil {
			return fmt.Errorf("creating CRD %s: %v", filepath.Base(f), err)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var out []byte
		if err := api.raw("GET", "/apis/argoproj.io/v1alpha1", nil, &out); err == nil &&
			strings.Contains(string(out), `"workflowtaskresults"`) && strings.Contains(string(out), `"workflowtemplates"`) {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("Argo's CRDs are not served after 60 s")
}

// Do sends one request to the API server as the admin (in and out are
// JSON, either may be nil): what a test checks or sets up beside the
// commands it tests.
func (c *Cluster) Do(method, path string, in, out any) error {
	return newAPI(c.Server, c.token).do(method, path, in, out)
}

// CreateSecret creates Secret name in the cluster's namespace.
func (c *Cluster) CreateSecret(name string, data map[string]string) error {
	s := map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
		"metadata": map[string]any{"name": name, "namespace": c.Namespace}, "stringData": data}
	return c.Do("POST", "/api/v1/namespaces/"+c.Namespace+"/secrets", s, nil)
}
