package codepkg

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
)

func TestECRHost(t *testing.T) {
	for host, want := range map[string]string{
		"123456789012.dkr.ecr.us-east-1.amazonaws.com":          "us-east-1",
		"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com": "us-gov-west-1 fips",
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn":      "cn-north-1",
		"ghcr.io": "",
		"12345678901.dkr.ecr.us-east-1.amazonaws.com": "",
		"123456789012.dkr.ecr.us-east-1.example.com":  "",
		"public.ecr.aws": "",
	} {
		region, fips, ok := ecrHost(host)
		got := region
		if fips {
			got += " fips"
		}
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("ecrHost(%q) = %q, want %q", host, got, want)
		}
	}
	if got := ecrEndpoint(nil, "cn-north-1", false); got != "https://api.ecr.cn-north-1.amazonaws.com.cn" {
		t.Errorf("China endpoint %q", got)
	}
}

// The ECR keychain signs GetAuthorizationToken with the standard AWS
// credential chain and turns the token into basic auth; other registries
// fall through to the Docker config.
func TestECRKeychain(t *testing.T) {
	var target, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target, auth = r.Header.Get("X-Amz-Target"), r.Header.Get("Authorization")
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		tok := base64.StdEncoding.EncodeToString([]byte("AWS:secret-password"))
		io.WriteString(w, `{"authorizationData":[{"authorizationToken":"`+tok+`","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}]}`)
	}))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_ECR", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("DOCKER_CONFIG", t.TempDir())

	kc := Keychain(t.Context())
	reg := mustRegistry(t, "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
	a, err := kc.Resolve(reg)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := a.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Username != "AWS" || cfg.Password != "secret-password" {
		t.Errorf("ECR auth %+v, want AWS/secret-password", cfg)
	}
	if target != "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken" || !strings.Contains(auth, "Credential=AKIDEXAMPLE/") || !strings.Contains(auth, "/eu-west-1/ecr/aws4_request") {
		t.Errorf("request target %q, authorization %q: want a SigV4-signed GetAuthorizationToken for ecr in eu-west-1", target, auth)
	}
	if a, err := kc.Resolve(mustRegistry(t, "registry.example.com")); err != nil || a != authn.Anonymous {
		t.Errorf("a non-ECR registry without Docker credentials: %v, %v; want anonymous", a, err)
	}
}

func TestECRKeychainDenied(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."}`)
	}))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_ECR", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	_, err := Keychain(t.Context()).Resolve(mustRegistry(t, "123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
	if err == nil || !strings.Contains(err.Error(), "UnrecognizedClientException") || !strings.Contains(err.Error(), "123456789012.dkr.ecr.eu-west-1.amazonaws.com") || strings.Contains(err.Error(), "\n") {
		t.Errorf("denied ECR login: %v; want one line naming the registry and the cause", err)
	}
}
