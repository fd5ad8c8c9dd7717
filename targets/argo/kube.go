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
	"strconv"
	"time"
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

// maxRetries bounds how often do repeats a request the API server asked
// to retry, as client-go does (its default is 10).
const maxRetries = 10

// do sends one request; in and out are JSON (nil for none). A 429, or a
// 5xx with Retry-After (a starting or overloaded API server: "storage is
// (re)initializing"), is retried after the delay the server names, as
// client-go does; any other failure is returned at once.
func (k *Kube) do(ctx context.Context, method, p, contentType string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		wait, err := k.once(ctx, method, p, contentType, body, out)
		if wait == 0 || attempt == maxRetries {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// once sends the request once (body nil for none); wait > 0 when the
// server asked for a retry.
func (k *Kube) once(ctx context.Context, method, p, contentType string, body []byte, out any) (wait time.Duration, err error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.cfg.Server+p, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	if k.cfg.token != nil {
		tok, err := k.cfg.token()
		if err != nil {
			return 0, err
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	resp, err := k.cfg.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("Kubernetes API at %s (%s): %v", k.cfg.Server, k.cfg.source, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, err
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
		return retryAfter(resp), &apiError{Code: resp.StatusCode, Reason: st.Reason, Message: st.Message}
	}
	if out != nil {
		return 0, json.Unmarshal(b, out)
	}
	return 0, nil
}

// retryAfter is how long to wait before retrying resp, or 0 when it is not
// to be retried: a 429 (1 s unless Retry-After says), or a 5xx that names
// its Retry-After. The wait is capped at 10 s.
func retryAfter(resp *http.Response) time.Duration {
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	hasHeader := err == nil && secs > 0
	switch {
	case resp.StatusCode == http.StatusTooManyRequests && !hasHeader:
		return time.Second
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 && hasHeader:
		return min(time.Duration(secs)*time.Second, 10*time.Second)
	}
	return 0
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
