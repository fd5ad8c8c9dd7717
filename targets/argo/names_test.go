package argo_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/targets/argo"
)

// Names far beyond Kubernetes' limits, with the characters it refuses:
// a deployment name (--name) of 92 characters, in mixed case with '_',
// and a project branch of 80 (FirstFlow's @project).
var (
	longName   = "Checks_Flow_" + strings.Repeat("Long", 20)
	longBranch = strings.Repeat("feature_", 10)
)

// onlyYAML runs `create --only-yaml` of bin with the environment of a
// user's shell, and returns the stream.
func onlyYAML(t *testing.T, bin string, env []string, args ...string) []byte {
	t.Helper()
	all := append([]string{"--datastore", "s3", "--datastore-root", "s3://flowc/names", "argo-workflows"}, args...)
	cmd := exec.Command(bin, append(all, "create", "--only-yaml", "--image", "registry.example/flows:1")...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, "FLOWC_USER=alice"}, env...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s create --only-yaml: %v\n%s", filepath.Base(bin), err, stderr.String())
	}
	return out.Bytes()
}

var (
	dns1123    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	hexHash    = regexp.MustCompile(`^[0-9a-f]{8}$`)
	labelValid = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$`)
)

// checkNames checks every object of an --only-yaml stream against
// Kubernetes' documented rules, not the API server's (a CRD's name is
// only checked as a 253-character subdomain there): object names DNS-1123
// within 52 characters (the CronWorkflow's limit, which the controller
// needs to name its workflows), and every label value, of the objects and
// of the pods they make, within 63. It returns the object names by kind.
func checkNames(t *testing.T, stream []byte) map[string]string {
	t.Helper()
	names := map[string]string{}
	for _, doc := range bytes.Split(stream, []byte("\n---\n")) {
		var obj struct {
			Kind     string
			Metadata struct {
				Name   string
				Labels map[string]string
			}
			Spec struct {
				PodMetadata struct{ Labels map[string]string } `json:"podMetadata"`
				Templates   []struct {
					Metadata struct{ Labels map[string]string }
				}
				WorkflowMetadata struct{ Labels map[string]string } `json:"workflowMetadata"`
			}
		}
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			t.Fatalf("not YAML: %v", err)
		}
		n := obj.Metadata.Name
		if len(n) > 52 || !dns1123.MatchString(n) {
			t.Errorf("%s name %q: not DNS-1123 within 52 characters", obj.Kind, n)
		}
		names[obj.Kind] = n
		sets := []map[string]string{obj.Metadata.Labels, obj.Spec.PodMetadata.Labels, obj.Spec.WorkflowMetadata.Labels}
		for _, tpl := range obj.Spec.Templates {
			sets = append(sets, tpl.Metadata.Labels)
		}
		for _, labels := range sets {
			for k, v := range labels {
				if len(v) > 63 || !labelValid.MatchString(v) {
					t.Errorf("%s label %s=%q: not a label value within 63 characters", obj.Kind, k, v)
				}
			}
		}
	}
	return names
}

// TestLongNamesOnlyYAML: over-long names are truncated with a hash at
// --only-yaml time, through the binary, into objects that Argo's types
// and schema accept (Metaflow's #1521, #1818); two names that share their
// first 52 characters stay apart.
func TestLongNamesOnlyYAML(t *testing.T) {
	bins := exampleBinaries(t)
	checks := testdataBinary(t, "checks")

	scheduled := onlyYAML(t, checks, nil, "--name", longName)
	names := checkNames(t, scheduled)
	validate(t, scheduled)
	if names["CronWorkflow"] == "" || names["CronWorkflow"] != names["WorkflowTemplate"] {
		t.Errorf("objects %v: want a WorkflowTemplate and its CronWorkflow of one name", names)
	}
	if !bytes.Contains(scheduled, []byte("flowc.dev/deployment-name: "+longName)) {
		t.Errorf("the deployment's own name %q is not kept in an annotation", longName)
	}
	other := checkNames(t, onlyYAML(t, checks, nil, "--name", longName+"2"))
	if other["WorkflowTemplate"] == names["WorkflowTemplate"] {
		t.Errorf("%s and %s2 both deploy as %q", longName, longName, other["WorkflowTemplate"])
	}

	branched := onlyYAML(t, bins["firstflow"], []string{"FLOWC_BRANCH=" + longBranch})
	checkNames(t, branched)
	validate(t, branched)

	// A branch or user that is no name part: a part starting or ending
	// in '-' ("test.-x"), a '_' at the end, a letter outside ASCII. Each
	// maps to a valid name, one hash long, and stays apart from the rest.
	seen := map[string]string{}
	for _, env := range []string{"FLOWC_BRANCH=-x", "FLOWC_BRANCH=x", "FLOWC_USER=John_", "FLOWC_USER=john", "FLOWC_USER=jöhn", "FLOWC_USER=-bob-"} {
		name := checkNames(t, onlyYAML(t, bins["firstflow"], []string{env}))["WorkflowTemplate"]
		if other, ok := seen[name]; ok {
			t.Errorf("%s and %s both deploy as %q", env, other, name)
		}
		seen[name] = env
		hashes := 0
		for _, part := range strings.Split(name, "-") {
			if hexHash.MatchString(part) {
				hashes++
			}
		}
		if hashes != 1 {
			t.Errorf("%s: %q has %d hashes, want one", env, name, hashes)
		}
	}
}

// TestBadKubernetesNames: a namespace or service account the API server
// would refuse is refused at --only-yaml time, in one line naming it.
func TestBadKubernetesNames(t *testing.T) {
	bin := exampleBinaries(t)["linear"]
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--k8s-namespace", "Team_A"}, `--k8s-namespace "Team_A" has 'T'`},
		{[]string{"--k8s-namespace", "team.a"}, `--k8s-namespace "team.a" has '.'`},
		{[]string{"--service-account", "runner-"}, `--service-account "runner-" must start and end with a letter or digit`},
		{[]string{"--service-account", "a.-b"}, `--service-account "a.-b" must start and end`},
	} {
		args := append([]string{"--datastore", "s3", "--datastore-root", "s3://flowc/names", "argo-workflows", "create", "--only-yaml", "--image", "registry.example/flows:1"}, c.args...)
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir()
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, "FLOWC_USER=alice"}
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		err := cmd.Run()
		if err == nil || out.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("create %v: %v, stdout %d bytes, stderr %q; want one line with %q", c.args, err, out.Len(), stderr.String(), c.want)
		}
	}
}

// TestClusterLongNames deploys the over-long names to the real control
// plane: the CronWorkflow exists under its truncated name, and a run of
// the long-branch deployment succeeds and is listed.
func TestClusterLongNames(t *testing.T) {
	e := cluster(t)
	bins := exampleBinaries(t)

	checks := e.deployer(t, testdataBinary(t, "checks"), "longnames")
	want := checkNames(t, onlyYAML(t, checks.bin, nil, "--name", longName))["CronWorkflow"]
	checks.create(longName)
	if err := e.c.Do("GET", "/apis/argoproj.io/v1alpha1/namespaces/"+clusterNS+"/cronworkflows/"+want, nil, nil); err != nil {
		t.Errorf("the CronWorkflow %s: %v", want, err)
	}
	checks.ok("argo-workflows", "--name", longName, "delete")

	ff := e.deployer(t, bins["firstflow"], "longnames")
	ff.env = []string{"FLOWC_BRANCH=" + longBranch}
	ff.create("")
	id := ff.trigger("")
	ff.runOK(id)
	if runs := ff.listRuns("", "--succeeded"); runs[id] != "succeeded" {
		t.Errorf("list-runs --succeeded: %v, want %s", runs, id)
	}
	ff.ok("argo-workflows", "delete")
}

// TestClusterInClusterConfig: with no kubeconfig, a process in a pod
// reaches the API server through its service account, as client-go's
// in-cluster config does: KUBERNETES_SERVICE_HOST and _PORT, the mounted
// CA (verified, not skipped), token and namespace. The token is read
// again for each request, since projected tokens rotate.
func TestClusterInClusterConfig(t *testing.T) {
	e := cluster(t)
	ca, token, ns, err := e.c.ServiceAccount()
	if err != nil {
		t.Fatal(err)
	}
	sa := mountServiceAccount(t, ca, token+"\n", ns)
	t.Cleanup(argo.SetInClusterDir(sa))
	host, port, _ := strings.Cut(strings.TrimPrefix(e.c.Server, "https://"), ":")
	t.Setenv("KUBECONFIG", filepath.Join(sa, "no-kubeconfig"))
	t.Setenv("KUBERNETES_SERVICE_HOST", host)
	t.Setenv("KUBERNETES_SERVICE_PORT", port)

	cfg, err := argo.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Namespace != ns {
		t.Errorf("namespace %q, want the mounted %q", cfg.Namespace, ns)
	}
	k := argo.NewKube(cfg)
	ctx := context.Background()
	if _, err := k.ListWorkflows(ctx, cfg.Namespace, "flowc.dev/flow=none"); err != nil {
		t.Fatalf("listing workflows with the in-cluster config: %v", err)
	}
	// A CA that did not sign the server's certificate is refused.
	restore := argo.SetInClusterDir(mountServiceAccount(t, otherCA(t), token, ns))
	wrong, err := argo.LoadConfig()
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := argo.NewKube(wrong).ListWorkflows(ctx, ns, "flowc.dev/flow=none"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("with a CA that did not sign the API server's certificate: %v, want a certificate error", err)
	}
	if err := os.WriteFile(filepath.Join(sa, "token"), []byte("rotated-to-a-token-the-server-does-not-know"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = k.ListWorkflows(ctx, cfg.Namespace, "flowc.dev/flow=none")
	if err == nil {
		t.Errorf("a rotated token the server refuses was not read again: listing succeeded")
	} else if !strings.Contains(err.Error(), "401") && !strings.Contains(strings.ToLower(err.Error()), "unauthorized") {
		t.Errorf("with a refused token: %v, want the API server's 401", err)
	}
}

// mountServiceAccount is a directory laid out as Kubernetes mounts a
// pod's service account.
func mountServiceAccount(t *testing.T, ca []byte, token, ns string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string][]byte{"ca.crt": ca, "token": []byte(token), "namespace": []byte(ns)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// otherCA is a self-signed certificate of another CA, PEM-encoded.
func otherCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "another-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
