package metadata

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/flowc-dev/flowc/rt/internal/store"
)

// Service is the metadata service's client. Every write is idempotent on
// the service (a mint through its Idempotency-Key), so each is retried
// with backoff through a restart of the service or of its database.
type Service struct {
	base  string
	token string
	hc    *http.Client
	// RetryFor bounds the retries of one call.
	RetryFor time.Duration
	every    atomic.Int64 // the heartbeat interval the service asked for
}

// NewService is a client of the service at base (http://host:port). An
// empty token means FLOWC_METADATA_TOKEN.
func NewService(base, token string) *Service {
	if token == "" {
		token = os.Getenv(mdapi.TokenEnv)
	}
	s := &Service{base: base, token: token, RetryFor: 2 * time.Minute,
		hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     90 * time.Second,
		}}}
	s.every.Store(int64(10 * time.Second))
	return s
}

func (s *Service) Name() string { return "service@" + s.base }

// errStatus is a 4xx/5xx answer.
type errStatus struct {
	code int
	msg  string
}

func (e *errStatus) Error() string { return e.msg }

// call sends one request and decodes the answer into out, retrying
// through connection errors and 502/503/504/429 for up to RetryFor.
func (s *Service) call(ctx context.Context, method, path string, in, out any) error {
	return s.callKey(ctx, method, path, "", in, out)
}

// callKey is call with an Idempotency-Key (minting).
func (s *Service) callKey(ctx context.Context, method, path, key string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(s.RetryFor)
	wait := 50 * time.Millisecond
	for {
		resp, err := s.send(ctx, method, path, key, body)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			if time.Now().After(deadline) {
				return fmt.Errorf("metadata service %s is unreachable: %v; start it (flowc metadata-service) or check --metadata", s.base, unwrapURL(err))
			}
		default:
			data, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
			resp.Body.Close()
			if v := resp.Header.Get(mdapi.HeartbeatHeader); v != "" {
				if d, err := time.ParseDuration(v); err == nil && d > 0 {
					s.every.Store(int64(d))
				}
			}
			switch code := resp.StatusCode; {
			case code < 300 && rerr == nil:
				if out == nil {
					return nil
				}
				if err := json.Unmarshal(data, out); err != nil {
					return fmt.Errorf("metadata service %s answered %s %s with something that is not its JSON: %v", s.base, method, path, err)
				}
				return nil
			case code == http.StatusUnauthorized:
				return &errStatus{code, fmt.Sprintf("metadata service %s refused the token (401 Unauthorized); set %s to the token it was started with", s.base, mdapi.TokenEnv)}
			case (code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout || code == http.StatusTooManyRequests || rerr != nil) && time.Now().Before(deadline):
				// The service or its database is restarting: wait.
			default:
				var me mdapi.Error
				if json.Unmarshal(data, &me) != nil || me.Error == "" {
					me.Error = strings.TrimSpace(string(data))
				}
				if code == http.StatusNotFound {
					return fmt.Errorf("%s (metadata service %s): %w", me.Error, s.base, store.ErrNotFound)
				}
				return &errStatus{code, fmt.Sprintf("metadata service %s: %s", s.base, me.Error)}
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 2*time.Second)
	}
}

func (s *Service) send(ctx context.Context, method, path, key string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set(mdapi.IdempotencyHeader, key)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	return s.hc.Do(req)
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func toWire(r *store.Run) mdapi.Run {
	return mdapi.Run{Flow: r.Flow, User: r.User, Namespace: r.Namespace, Tags: r.Tags, SysTags: r.SysTags,
		Params: r.Params, Status: r.Status, Started: r.Started, Finished: r.Finished, Origin: r.Origin}
}

func fromWire(w *mdapi.Run) *store.Run {
	return &store.Run{Flow: w.Flow, ID: w.ID, User: w.User, Namespace: w.Namespace, Tags: w.Tags, SysTags: w.SysTags,
		Params: w.Params, Status: w.Status, Started: w.Started, Finished: w.Finished, Origin: w.Origin}
}

func (s *Service) NewRun(ctx context.Context, r *store.Run) (string, error) {
	if err := store.ValidID("flow", r.Flow); err != nil {
		return "", err
	}
	in := toWire(r)
	var out mdapi.Run
	key := rand.Text()
	if err := s.callKey(ctx, "POST", "/v1/flows/"+url.PathEscape(r.Flow)+"/runs", key, in, &out); err != nil {
		return "", fmt.Errorf("creating run of flow %q: %w", r.Flow, err)
	}
	r.ID = out.ID
	return out.ID, nil
}

func (s *Service) RegisterRun(ctx context.Context, r *store.Run) error {
	in := toWire(r)
	return s.call(ctx, "PUT", mdapi.RunPath(r.Flow, r.ID), in, nil)
}

func (s *Service) GetRun(ctx context.Context, flow, id string) (*store.Run, error) {
	if err := validRun(flow, id); err != nil {
		return nil, err
	}
	var out mdapi.Run
	if err := s.call(ctx, "GET", mdapi.RunPath(flow, id), nil, &out); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("run %q %w in metadata service %s", flow+"/"+id, store.ErrNotFound, s.base)
		}
		return nil, err
	}
	return fromWire(&out), nil
}

// RunStart is GetRun: the service answers both with one request.
func (s *Service) RunStart(ctx context.Context, flow, id string) (*store.Run, error) {
	return s.GetRun(ctx, flow, id)
}

func validRun(flow, id string) error {
	if err := store.ValidID("flow", flow); err != nil {
		return err
	}
	return store.ValidID("run id", id)
}

func (s *Service) Finish(ctx context.Context, flow, id, status string, finished time.Time) error {
	return s.call(ctx, "PATCH", mdapi.RunPath(flow, id), mdapi.RunUpdate{Status: status, Finished: finished}, nil)
}

func (s *Service) ChangeTags(ctx context.Context, flow, id string, add, remove []string) ([]string, error) {
	var out mdapi.Run
	if err := s.call(ctx, "POST", mdapi.RunPath(flow, id)+"/tags", mdapi.TagChange{Add: add, Remove: remove}, &out); err != nil {
		return nil, err
	}
	return append([]string{}, out.Tags...), nil
}

// Runs pages through the service's listing, 100 runs a request; the
// service filters by flow and namespace, so nothing is read from the
// datastore.
func (s *Service) Runs(ctx context.Context, q Query) iter.Seq2[*store.Run, error] {
	return func(yield func(*store.Run, error) bool) {
		if err := store.ValidID("flow", q.Flow); err != nil {
			yield(nil, &listError{err})
			return
		}
		// Pages of the service's most (1,000): a list of 10,000 runs is
		// ten round trips, not a hundred; a caller that reads a few, one
		// page of those.
		limit := 1000
		if q.Max > 0 {
			limit = min(limit, q.Max)
		}
		v := url.Values{"flow": {q.Flow}, "limit": {strconv.Itoa(limit)}}
		if q.Namespace != "" {
			v.Set("namespace", q.Namespace)
		}
		if q.User != "" {
			v.Set("user", q.User)
		}
		if q.Status != "" {
			v.Set("status", q.Status)
		}
		for _, t := range q.Tags {
			v.Add("tag", t)
		}
		for {
			var page mdapi.RunList
			if err := s.call(ctx, "GET", "/v1/runs?"+v.Encode(), nil, &page); err != nil {
				yield(nil, &listError{err})
				return
			}
			for i := range page.Runs {
				if !yield(fromWire(&page.Runs[i]), nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			v.Set("after", page.Next)
		}
	}
}

func (s *Service) Flows(ctx context.Context) ([]string, error) {
	var out mdapi.FlowList
	if err := s.call(ctx, "GET", "/v1/flows", nil, &out); err != nil {
		return nil, err
	}
	return out.Flows, nil
}

func (s *Service) HeartbeatEvery() time.Duration { return time.Duration(s.every.Load()) }

func (s *Service) Heartbeat(ctx context.Context, flow, id string) error {
	return s.call(ctx, "POST", mdapi.RunPath(flow, id)+"/heartbeat", nil, nil)
}

func (s *Service) TaskHeartbeat(ctx context.Context, p store.TaskPath) error {
	return s.call(ctx, "POST", mdapi.TaskPath(p.Flow, p.Run, p.Step, p.Task)+"/heartbeat", nil, nil)
}

func wireStack(stack []store.ForeachFrame) []mdapi.ForeachFrame {
	var out []mdapi.ForeachFrame
	for _, f := range stack {
		out = append(out, mdapi.ForeachFrame{Step: f.Step, Index: f.Index, NumSplits: f.NumSplits})
	}
	return out
}

func (s *Service) StartAttempt(ctx context.Context, p store.TaskPath, a *store.Attempt, stack []store.ForeachFrame) error {
	host, _ := os.Hostname()
	in := mdapi.AttemptStart{PID: a.PID, Host: host, Started: a.Started, Inputs: a.Inputs, SplitIndex: a.SplitIndex, ForeachStack: wireStack(stack)}
	return s.call(ctx, "PUT", mdapi.AttemptPath(p.Flow, p.Run, p.Step, p.Task, a.Attempt), in, nil)
}

func (s *Service) FinishAttempt(ctx context.Context, p store.TaskPath, d *store.Done, data *store.TaskData, logs []LogLocation) error {
	in, err := wireDone(d)
	if err != nil {
		return err
	}
	if data != nil {
		in.ForeachStack = wireStack(data.ForeachStack)
	}
	if data != nil && len(data.Artifacts) > 0 {
		in.Artifacts = make(map[string]mdapi.Artifact, len(data.Artifacts))
		for name, a := range data.Artifacts {
			in.Artifacts[name] = mdapi.Artifact{Hash: a.Hash, Type: a.Type, Size: a.Size, Encoding: a.Encoding}
		}
	}
	for _, l := range logs {
		in.Logs = append(in.Logs, mdapi.LogLocation{Stream: l.Stream, Location: l.Location})
	}
	return s.call(ctx, "PUT", mdapi.AttemptPath(p.Flow, p.Run, p.Step, p.Task, d.Attempt)+"/done", in, nil)
}

func (s *Service) FinishUncommitted(ctx context.Context, p store.TaskPath, d *store.Done) error {
	in, err := wireDone(d)
	if err != nil {
		return err
	}
	in.Uncommitted = true
	return s.call(ctx, "PUT", mdapi.AttemptPath(p.Flow, p.Run, p.Step, p.Task, d.Attempt)+"/done", in, nil)
}

func wireDone(d *store.Done) (mdapi.AttemptDone, error) {
	in := mdapi.AttemptDone{OK: d.OK, Finished: d.Finished, Error: d.Error, Timeout: d.Timeout,
		NumSplits: d.NumSplits, SwitchCase: d.SwitchCase, Origin: d.Origin}
	if d.Failure != nil {
		f, err := json.Marshal(d.Failure)
		if err != nil {
			return in, err
		}
		in.Failure = f
	}
	return in, nil
}
