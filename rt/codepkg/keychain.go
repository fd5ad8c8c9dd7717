package codepkg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/google/go-containerregistry/pkg/authn"
)

// ecrHost parses an ECR private registry host,
// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn].
func ecrHost(host string) (region string, fips, ok bool) {
	p := strings.Split(host, ".")
	if len(p) < 6 || len(p[0]) != 12 || strings.Trim(p[0], "0123456789") != "" || p[1] != "dkr" || p[3] == "" {
		return "", false, false
	}
	switch rest := strings.Join(p[4:], "."); {
	case rest != "amazonaws.com" && rest != "amazonaws.com.cn":
		return "", false, false
	case p[2] == "ecr":
		return p[3], false, true
	case p[2] == "ecr-fips":
		return p[3], true, true
	}
	return "", false, false
}

// Keychain authenticates to ECR registries through aws-sdk-go-v2's standard
// configuration chain (ecr:GetAuthorizationToken), and to every other
// registry through the Docker credential config (~/.docker/config.json and
// its credential helpers), as `docker push` would.
func Keychain(ctx context.Context) authn.Keychain {
	return authn.NewMultiKeychain(&ecrKeychain{ctx: ctx}, authn.DefaultKeychain)
}

type ecrKeychain struct {
	ctx   context.Context
	mu    sync.Mutex
	cache map[string]authn.Authenticator // by registry host
}

// Resolve answers Anonymous for a registry that is not ECR, so that the
// next keychain gets its turn.
func (k *ecrKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	host := r.RegistryStr()
	region, fips, ok := ecrHost(host)
	if !ok {
		return authn.Anonymous, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if a, ok := k.cache[host]; ok {
		return a, nil
	}
	a, err := ecrLogin(k.ctx, region, fips)
	if err != nil {
		return nil, fmt.Errorf("logging in to ECR registry %s: %w", host, err)
	}
	if k.cache == nil {
		k.cache = map[string]authn.Authenticator{}
	}
	k.cache[host] = a
	return a, nil
}

// ecrLogin trades AWS credentials for the registry's basic-auth token:
// ECR's GetAuthorizationToken, signed with aws-sdk-go-v2's SigV4 signer and
// credential chain. It is one JSON call; the generated ECR client would
// cost every task of a flow binary half a megabyte of allocations at
// package initialization (its schema tables), for a call only deployers
// make.
func ecrLogin(ctx context.Context, region string, fips bool) (authn.Authenticator, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, err
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	body := []byte("{}")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ecrEndpoint(cfg.BaseEndpoint, region, fips), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ecr", region, time.Now()); err != nil {
		return nil, err
	}
	resp, err := cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		AuthorizationData []struct {
			AuthorizationToken string `json:"authorizationToken"`
		} `json:"authorizationData"`
		Type     string `json:"__type"`
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return nil, fmt.Errorf("GetAuthorizationToken: HTTP %d: %v", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		typ := out.Type[strings.LastIndex(out.Type, "#")+1:]
		return nil, fmt.Errorf("GetAuthorizationToken: HTTP %d %s: %s%s", resp.StatusCode, typ, out.Message, out.Message2)
	}
	if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == "" {
		return nil, errors.New("GetAuthorizationToken returned no token")
	}
	raw, err := base64.StdEncoding.DecodeString(out.AuthorizationData[0].AuthorizationToken)
	if err != nil {
		return nil, fmt.Errorf("decoding the ECR authorization token: %w", err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil, errors.New("the ECR authorization token is not user:password")
	}
	return authn.FromConfig(authn.AuthConfig{Username: user, Password: pass}), nil
}

// ecrEndpoint is the ECR API endpoint, as the SDK would pick it:
// AWS_ENDPOINT_URL_ECR, else the configured endpoint (AWS_ENDPOINT_URL,
// endpoint_url in the profile), else the region's.
func ecrEndpoint(configured *string, region string, fips bool) string {
	if v := os.Getenv("AWS_ENDPOINT_URL_ECR"); v != "" {
		return v
	}
	if configured != nil && *configured != "" {
		return *configured
	}
	host := "api.ecr." + region + ".amazonaws.com"
	if fips {
		host = "ecr-fips." + region + ".amazonaws.com"
	}
	if strings.HasPrefix(region, "cn-") {
		host += ".cn"
	}
	return "https://" + host
}
