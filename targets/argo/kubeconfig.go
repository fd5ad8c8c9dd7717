package argo

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// The standard kubeconfig chain, as kubectl reads it: the files of
// $KUBECONFIG (a path list, the first to set a value wins), else
// ~/.kube/config, else the in-cluster service account. Authentication is
// a bearer token (or token file), a client certificate, or an exec
// credential plugin (as EKS's `aws eks get-token`).

type kubeconfig struct {
	CurrentContext string `json:"current-context"`
	Clusters       []struct {
		Name    string `json:"name"`
		Cluster struct {
			Server                   string `json:"server"`
			CertificateAuthority     string `json:"certificate-authority"`
			CertificateAuthorityData string `json:"certificate-authority-data"`
			InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify"`
		} `json:"cluster"`
	} `json:"clusters"`
	Users []struct {
		Name string   `json:"name"`
		User authInfo `json:"user"`
	} `json:"users"`
	Contexts []struct {
		Name    string `json:"name"`
		Context struct {
			Cluster   string `json:"cluster"`
			User      string `json:"user"`
			Namespace string `json:"namespace"`
		} `json:"context"`
	} `json:"contexts"`
}

type authInfo struct {
	Token                 string `json:"token"`
	TokenFile             string `json:"tokenFile"`
	ClientCertificate     string `json:"client-certificate"`
	ClientCertificateData string `json:"client-certificate-data"`
	ClientKey             string `json:"client-key"`
	ClientKeyData         string `json:"client-key-data"`
	Exec                  *struct {
		Command string   `json:"command"`
		Args    []string `json:"args"`
		Env     []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"env"`
	} `json:"exec"`
}

// Config is how to reach the API server.
type Config struct {
	Server    string
	Namespace string // the context's namespace, "" when it sets none
	Client    *http.Client
	token     func() (string, error)
	source    string // where the config came from, for messages
}

// inClusterDir is where Kubernetes mounts a pod's service account; a
// variable so that a test can stand in for the mount.
var inClusterDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// LoadConfig reads the standard chain.
func LoadConfig() (*Config, error) {
	var paths []string
	if env := os.Getenv("KUBECONFIG"); env != "" {
		paths = filepath.SplitList(env)
	} else if home, err := os.UserHomeDir(); err == nil {
		paths = []string{filepath.Join(home, ".kube", "config")}
	}
	var merged kubeconfig
	found := ""
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading kubeconfig: %v", err)
		}
		var k kubeconfig
		if err := yaml.Unmarshal(b, &k); err != nil {
			return nil, fmt.Errorf("kubeconfig %s: %v; fix the file or point KUBECONFIG elsewhere", p, err)
		}
		rel(p, &k)
		if merged.CurrentContext == "" {
			merged.CurrentContext = k.CurrentContext
		}
		merged.Clusters = append(merged.Clusters, k.Clusters...)
		merged.Users = append(merged.Users, k.Users...)
		merged.Contexts = append(merged.Contexts, k.Contexts...)
		if found == "" {
			found = p
		}
	}
	if found == "" {
		if host := os.Getenv("KUBERNETES_SERVICE_HOST"); host != "" {
			return inCluster(host, os.Getenv("KUBERNETES_SERVICE_PORT"))
		}
		return nil, errors.New("no Kubernetes configuration: no kubeconfig ($KUBECONFIG, ~/.kube/config) and not in a cluster; set KUBECONFIG")
	}
	return merged.config(found)
}

// rel makes the file paths of k relative to the kubeconfig's directory,
// as kubectl does.
func rel(path string, k *kubeconfig) {
	dir := filepath.Dir(path)
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range k.Clusters {
		abs(&k.Clusters[i].Cluster.CertificateAuthority)
	}
	for i := range k.Users {
		u := &k.Users[i].User
		abs(&u.TokenFile)
		abs(&u.ClientCertificate)
		abs(&u.ClientKey)
	}
}

func (k *kubeconfig) config(source string) (*Config, error) {
	if k.CurrentContext == "" {
		return nil, fmt.Errorf("kubeconfig %s has no current-context; run kubectl config use-context NAME", source)
	}
	var ctxCluster, ctxUser, ns string
	found := false
	for _, c := range k.Contexts {
		if c.Name == k.CurrentContext && !found {
			ctxCluster, ctxUser, ns, found = c.Context.Cluster, c.Context.User, c.Context.Namespace, true
		}
	}
	if !found {
		return nil, fmt.Errorf("kubeconfig %s: context %q not found; run kubectl config use-context NAME", source, k.CurrentContext)
	}
	cfg := &Config{Namespace: ns, source: source}
	tlsc := &tls.Config{}
	clusterFound := false
	for _, c := range k.Clusters {
		if c.Name != ctxCluster || clusterFound {
			continue
		}
		clusterFound = true
		cfg.Server = strings.TrimRight(c.Cluster.Server, "/")
		tlsc.InsecureSkipVerify = c.Cluster.InsecureSkipTLSVerify
		ca, err := fileOrData(c.Cluster.CertificateAuthority, c.Cluster.CertificateAuthorityData)
		if err != nil {
			return nil, fmt.Errorf("kubeconfig %s: cluster %q certificate authority: %v", source, ctxCluster, err)
		}
		if ca != nil {
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(ca) {
				return nil, fmt.Errorf("kubeconfig %s: cluster %q certificate authority holds no PEM certificate", source, ctxCluster)
			}
			tlsc.RootCAs = pool
		}
	}
	if !clusterFound || cfg.Server == "" {
		return nil, fmt.Errorf("kubeconfig %s: cluster %q of context %q not found or has no server", source, ctxCluster, k.CurrentContext)
	}
	for _, u := range k.Users {
		if u.Name != ctxUser {
			continue
		}
		if err := cfg.auth(u.User, tlsc); err != nil {
			return nil, fmt.Errorf("kubeconfig %s: user %q: %v", source, ctxUser, err)
		}
		break
	}
	cfg.Client = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsc, Proxy: http.ProxyFromEnvironment}}
	return cfg, nil
}

func (cfg *Config) auth(u authInfo, tlsc *tls.Config) error {
	cert, err := fileOrData(u.ClientCertificate, u.ClientCertificateData)
	if err != nil {
		return err
	}
	key, err := fileOrData(u.ClientKey, u.ClientKeyData)
	if err != nil {
		return err
	}
	if cert != nil && key != nil {
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return fmt.Errorf("client certificate: %v", err)
		}
		tlsc.Certificates = []tls.Certificate{pair}
	}
	switch {
	case u.Token != "":
		tok := u.Token
		cfg.token = func() (string, error) { return tok, nil }
	case u.TokenFile != "":
		path := u.TokenFile
		cfg.token = func() (string, error) { return readToken(path) }
	case u.Exec != nil:
		ex := u.Exec
		cfg.token = func() (string, error) {
			cmd := exec.Command(ex.Command, ex.Args...)
			cmd.Env = os.Environ()
			for _, e := range ex.Env {
				cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
			}
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				return "", fmt.Errorf("credential plugin %s: %v", ex.Command, err)
			}
			var cred struct {
				Status struct {
					Token string `json:"token"`
				} `json:"status"`
			}
			if err := json.Unmarshal(out, &cred); err != nil || cred.Status.Token == "" {
				return "", fmt.Errorf("credential plugin %s gave no status.token", ex.Command)
			}
			return cred.Status.Token, nil
		}
	}
	return nil
}

func inCluster(host, port string) (*Config, error) {
	ca, err := os.ReadFile(filepath.Join(inClusterDir, "ca.crt"))
	if err != nil {
		return nil, fmt.Errorf("in-cluster config: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	ns, _ := os.ReadFile(filepath.Join(inClusterDir, "namespace"))
	if port == "" {
		port = "443"
	}
	tokenPath := filepath.Join(inClusterDir, "token")
	return &Config{
		Server:    "https://" + net.JoinHostPort(host, port),
		Namespace: strings.TrimSpace(string(ns)),
		Client:    &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
		token:     func() (string, error) { return readToken(tokenPath) }, // re-read: projected tokens rotate
		source:    "in-cluster service account",
	}, nil
}

func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the token: %v", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func fileOrData(path, data string) ([]byte, error) {
	if data != "" {
		return base64.StdEncoding.DecodeString(data)
	}
	if path != "" {
		return os.ReadFile(path)
	}
	return nil, nil
}
