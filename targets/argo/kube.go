package argo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Kube is a client of the few Argo resources this target manages, over the
// API server's REST interface.
type Kube struct {
	cfg *Config
}

// NewKube is a client for cfg.
func NewKube(cfg *Config) *Kube { return &Kube{cfg: cfg} }

// ErrNotFound is a 404 from the API server.
var ErrNotFound = errors.New("not found")

// apiError is a Kubernetes Status error.
type apiError struct {
	Code    int
	Reason  string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("Kubernetes API: %s (%d %s)", e.Message, e.Code, e.Reason)
}

func (e *apiError) Is(target error) bool {
	return target == ErrNotFound && e.Code == http.StatusNotFound
}

// path is the collection URL of resource (workflowtemplates, ...) in ns.
func path(ns, resource string) string {
	return "/apis/argoproj.io/v1alpha1/namespaces/" + url.PathEscape(ns) + "/" + resource
}

// do sends one request; in and out are JSON (nil for none).
func (k *Kube) do(ctx context.Context, method, p, contentType string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.cfg.Server+p, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	if k.cfg.token != nil {
		tok, err := k.cfg.token()
		if err != nil {
			return err
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	resp, err := k.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("Kubernetes API at %s (%s): %v", k.cfg.Server, k.cfg.source, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var st struct {
			Message string `json:"message"`
			Reason  string `json:"reason"`
		}
		_ = json.Unmarshal(b, &st)
		if st.Message == "" {
			st.Message = http.StatusText(resp.StatusCode)
		}
		if resp.StatusCode == http.StatusNotFound && st.Reason == "" {
			st.Reason = "NotFound"
		}
		return &apiError{Code: resp.StatusCode, Reason: st.Reason, Message: st.Message}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// Get reads one object into out.
func (k *Kube) Get(ctx context.Context, ns, resource, name string, out any) error {
	return k.do(ctx, http.MethodGet, path(ns, resource)+"/"+url.PathEscape(name), "", nil, out)
}

// Apply creates obj, or replaces the object of that name (keeping its
// resourceVersion, so a concurrent change is refused, not lost).
func (k *Kube) Apply(ctx context.Context, ns, resource, name string, obj any, setVersion func(string)) error {
	var cur struct {
		Metadata ObjectMeta `json:"metadata"`
	}
	err := k.Get(ctx, ns, resource, name, &cur)
	if errors.Is(err, ErrNotFound) {
		return k.do(ctx, http.MethodPost, path(ns, resource), "", obj, nil)
	}
	if err != nil {
		return err
	}
	setVersion(cur.Metadata.ResourceVersion)
	return k.do(ctx, http.MethodPut, path(ns, resource)+"/"+url.PathEscape(name), "", obj, nil)
}

// Create posts obj and decodes the created object into out.
func (k *Kube) Create(ctx context.Context, ns, resource string, obj, out any) error {
	return k.do(ctx, http.MethodPost, path(ns, resource), "", obj, out)
}

// Delete deletes one object; a missing one is ErrNotFound.
func (k *Kube) Delete(ctx context.Context, ns, resource, name string) error {
	return k.do(ctx, http.MethodDelete, path(ns, resource)+"/"+url.PathEscape(name), "", nil, nil)
}

// Patch applies a JSON merge patch.
func (k *Kube) Patch(ctx context.Context, ns, resource, name string, patch any) error {
	return k.do(ctx, http.MethodPatch, path(ns, resource)+"/"+url.PathEscape(name), "application/merge-patch+json", patch, nil)
}

// ListWorkflows lists the workflows that have label selector sel.
func (k *Kube) ListWorkflows(ctx context.Context, ns, sel string) ([]Workflow, error) {
	var list struct {
		Items []Workflow `json:"items"`
	}
	err := k.do(ctx, http.MethodGet, path(ns, "workflows")+"?labelSelector="+url.QueryEscape(sel), "", nil, &list)
	return list.Items, err
}
