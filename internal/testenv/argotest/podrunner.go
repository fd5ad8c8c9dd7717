package argotest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// podRunner stands in for the kubelet: it watches the pods Argo's
// controller creates (by polling; a watch would need a streaming client
// for no gain at this scale) and runs each one's main container as a
// local process, then reports what argoexec's wait container would (the
// output parameters, as a WorkflowTaskResult) and what the kubelet would
// (the pod's phase and container statuses).
//
// A process gets the container spec's command, arguments and environment
// (with the image's paths mapped, Options.PathMap) plus Options.PodEnv,
// and nothing of the test's environment: a setting the template forgot
// fails the test, as it would fail in a cluster. Secrets referenced by
// the spec are read from the API server, as the kubelet does.
//
// With Options.PullImages the pod's image is pulled and unpacked, and
// the command is that image's file; otherwise the command must exist here
// after mapping. Not emulated: volumes, sidecars, init containers,
// resource limits.
type podRunner struct {
	api *api
	ns  string
	dir string
	o   Options

	mu      sync.Mutex
	running map[string]*podProc // by pod UID
	lost    map[string]bool     // pods whose node was lost (KillPod), by UID
	seen    map[string]bool
	sem     chan struct{}
	images  *images // nil unless Options.PullImages
}

type podProc struct {
	name string
	cmd  *exec.Cmd
	kill chan struct{}
	once sync.Once
}

// maxPods bounds the pods run at once (the machine is small).
const maxPods = 6

type envVar struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	ValueFrom *struct {
		FieldRef *struct {
			FieldPath string `json:"fieldPath"`
		} `json:"fieldRef"`
		SecretKeyRef *struct {
			Name string `json:"name"`
			Key  string `json:"key"`
		} `json:"secretKeyRef"`
	} `json:"valueFrom"`
}

type container struct {
	Name    string   `json:"name"`
	Image   string   `json:"image"`
	Command []string `json:"command"`
	Args    []string `json:"args"`
	Env     []envVar `json:"env"`
	EnvFrom []struct {
		SecretRef *struct {
			Name string `json:"name"`
		} `json:"secretRef"`
	} `json:"envFrom"`
}

type pod struct {
	Metadata struct {
		Name              string            `json:"name"`
		Namespace         string            `json:"namespace"`
		UID               string            `json:"uid"`
		Labels            map[string]string `json:"labels"`
		Annotations       map[string]string `json:"annotations"`
		DeletionTimestamp string            `json:"deletionTimestamp"`
	} `json:"metadata"`
	Spec struct {
		Containers            []container `json:"containers"`
		InitContainers        []container `json:"initContainers"`
		ActiveDeadlineSeconds *int64      `json:"activeDeadlineSeconds"`
	} `json:"spec"`
	Status struct {
		Phase string `json:"phase"`
	} `json:"status"`
}

const wfLabel = "workflows.argoproj.io/workflow"

func (r *podRunner) loop(ctx context.Context) {
	r.seen = map[string]bool{}
	r.sem = make(chan struct{}, maxPods)
	for ctx.Err() == nil {
		var list struct {
			Items []pod `json:"items"`
		}
		err := r.api.do("GET", "/api/v1/namespaces/"+r.ns+"/pods?labelSelector="+url.QueryEscape(wfLabel), nil, &list)
		if err == nil {
			present := map[string]bool{}
			for i := range list.Items {
				p := &list.Items[i]
				present[p.Metadata.UID] = p.Metadata.DeletionTimestamp == ""
				if r.seen[p.Metadata.UID] || p.Metadata.DeletionTimestamp != "" || p.Status.Phase != "" && p.Status.Phase != "Pending" {
					continue
				}
				r.seen[p.Metadata.UID] = true
				go r.run(ctx, p)
			}
			// A pod deleted while it runs (terminate, cleanup) is killed.
			r.mu.Lock()
			for uid, pp := range r.running {
				if !present[uid] {
					pp.stop()
				}
			}
			r.mu.Unlock()
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (r *podRunner) isLost(uid string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lost[uid]
}

// killPod SIGKILLs the process of the running pod named name, as the
// OOM killer or a node's loss would. With lost the runner then reports
// nothing, as when the node itself is gone: the pod stays Running in the
// API and the controller never learns of its end.
func (r *podRunner) killPod(name string, lost bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for uid, pp := range r.running {
		if pp.name != name {
			continue
		}
		if lost {
			if r.lost == nil {
				r.lost = map[string]bool{}
			}
			r.lost[uid] = true
		}
		return syscall.Kill(-pp.cmd.Process.Pid, syscall.SIGKILL)
	}
	return fmt.Errorf("pod %q is not running", name)
}

func (pp *podProc) stop() { pp.once.Do(func() { close(pp.kill) }) }

func (r *podRunner) killAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, pp := range r.running {
		pp.stop()
		if pp.cmd.Process != nil {
			_ = syscall.Kill(-pp.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
}

// mapPath rewrites an image path to the local one.
func (r *podRunner) mapPath(s string) string {
	keys := make([]string, 0, len(r.o.PathMap))
	for k := range r.o.PathMap {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		if s == k || strings.HasPrefix(s, k+"/") {
			return r.o.PathMap[k] + s[len(k):]
		}
	}
	return s
}

func (r *podRunner) run(ctx context.Context, p *pod) {
	r.sem <- struct{}{}
	defer func() { <-r.sem }()
	start := time.Now().UTC().Format(time.RFC3339)
	var main *container
	for i := range p.Spec.Containers {
		if p.Spec.Containers[i].Name == "main" {
			main = &p.Spec.Containers[i]
		}
	}
	if main == nil {
		return
	}
	argv := append(append([]string{}, main.Command...), main.Args...)
	for i, a := range argv { // Argo's emissary prefix: /var/run/argo/argoexec emissary ... -- CMD
		if a == "--" && strings.HasSuffix(argv[0], "argoexec") {
			argv = argv[i+1:]
			break
		}
	}
	podDir := filepath.Join(r.dir, p.Metadata.Name)
	// The pod's own file system: the image's paths that the PathMap sends
	// to "<pod>" land in this pod's directory.
	local := map[string]string{}
	for k, v := range r.o.PathMap {
		local[k] = strings.ReplaceAll(v, "<pod>", podDir)
	}
	rr := &podRunner{o: Options{PathMap: local}}
	env, vars, err := r.env(p, main, rr)
	for i := range argv { // the kubelet expands $(VAR) in the command and args
		argv[i] = expand(argv[i], vars)
	}
	for i := range argv {
		if i == 0 && r.images != nil && loopbackImage(main.Image) && filepath.IsAbs(argv[0]) {
			var root string
			if root, err = r.images.root(main.Image); err == nil {
				argv[0] = filepath.Join(root, argv[0]) // the image's own file
			}
			continue
		}
		argv[i] = rr.mapPath(argv[i])
	}
	exit, reason, msg := 0, "", ""
	if err == nil && len(argv) == 0 {
		err = errors.New("no command")
	}
	if err == nil {
		err = os.MkdirAll(filepath.Join(podDir, "work"), 0o755)
	}
	if err == nil {
		for _, v := range local {
			if strings.HasPrefix(v, podDir) {
				_ = os.MkdirAll(v, 0o755)
			}
		}
		r.setStatus(p, "Running", nil, start, "")
		exit, reason, err = r.exec(p, argv, env, podDir)
	}
	if r.isLost(p.Metadata.UID) {
		return // its node is gone: nobody reports the pod's end
	}
	if err != nil {
		exit, msg = 1, err.Error()
	}
	params, perr := r.outputs(p, rr)
	if perr != nil && exit == 0 {
		exit, msg = 1, perr.Error()
	}
	r.report(p, params, exit)
	phase := "Succeeded"
	if exit != 0 {
		phase = "Failed"
	}
	r.setStatus(p, phase, &exit, start, reason+msg)
}

// env is the process environment: the spec's, resolved as the kubelet
// does, plus PodEnv; and the spec's variables by name, which the command
// and args are expanded with.
func (r *podRunner) env(p *pod, c *container, m *podRunner) ([]string, map[string]string, error) {
	var env []string
	vars := map[string]string{}
	for _, ef := range c.EnvFrom {
		if ef.SecretRef == nil {
			continue
		}
		data, err := r.secret(ef.SecretRef.Name)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range data {
			env = append(env, k+"="+v)
			vars[k] = v
		}
	}
	for _, e := range c.Env {
		// A value refers to the variables before it, as $(NAME).
		v := expand(e.Value, vars)
		if vf := e.ValueFrom; vf != nil {
			switch {
			case vf.FieldRef != nil:
				switch vf.FieldRef.FieldPath {
				case "metadata.name":
					v = p.Metadata.Name
				case "metadata.namespace":
					v = p.Metadata.Namespace
				case "metadata.uid":
					v = p.Metadata.UID
				}
			case vf.SecretKeyRef != nil:
				data, err := r.secret(vf.SecretKeyRef.Name)
				if err != nil {
					return nil, nil, err
				}
				val, ok := data[vf.SecretKeyRef.Key]
				if !ok {
					return nil, nil, fmt.Errorf("secret %q has no key %q", vf.SecretKeyRef.Name, vf.SecretKeyRef.Key)
				}
				v = val
			}
		}
		env = append(env, e.Name+"="+m.mapPath(v))
		vars[e.Name] = v
	}
	return append(env, r.o.PodEnv...), vars, nil
}

// expand is the kubelet's expansion of a container's env value, command
// or args, as Kubernetes documents it: $(NAME) is the variable NAME where
// it is defined and stays as written where it is not, $$ is a literal $,
// and any other $ is itself.
func expand(s string, vars map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString("$(")
				i++
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := vars[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

func (r *podRunner) secret(name string) (map[string]string, error) {
	var s struct {
		Data map[string][]byte `json:"data"`
	}
	if err := r.api.do("GET", "/api/v1/namespaces/"+r.ns+"/secrets/"+name, nil, &s); err != nil {
		return nil, fmt.Errorf("secret %q: %v", name, err)
	}
	out := map[string]string{}
	for k, v := range s.Data {
		out[k] = string(v)
	}
	return out, nil
}

// exec runs the process until it exits, its pod is deleted, or its
// activeDeadlineSeconds pass.
func (r *podRunner) exec(p *pod, argv, env []string, podDir string) (int, string, error) {
	log, err := os.Create(filepath.Join(podDir, "main.log"))
	if err != nil {
		return 1, "", err
	}
	defer log.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = env, filepath.Join(podDir, "work"), log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return 127, "", err
	}
	pp := &podProc{name: p.Metadata.Name, cmd: cmd, kill: make(chan struct{})}
	r.mu.Lock()
	r.running[p.Metadata.UID] = pp
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.running, p.Metadata.UID)
		r.mu.Unlock()
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var deadline <-chan time.Time
	if d := p.Spec.ActiveDeadlineSeconds; d != nil {
		deadline = time.After(time.Duration(*d) * time.Second)
	}
	reason := ""
	select {
	case err = <-done:
	case <-pp.kill:
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err, reason = <-done, "Deleted: "
	case <-deadline:
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err, reason = <-done, "DeadlineExceeded: "
	}
	if err == nil {
		return 0, reason, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), reason, nil
		}
		return ee.ExitCode(), reason, nil
	}
	return 1, reason, err
}

// outputs reads the template's output parameters from the files the
// process wrote, as argoexec does.
func (r *podRunner) outputs(p *pod, m *podRunner) ([]map[string]string, error) {
	var tmpl struct {
		Outputs struct {
			Parameters []struct {
				Name      string `json:"name"`
				ValueFrom *struct {
					Path    string  `json:"path"`
					Default *string `json:"default"`
				} `json:"valueFrom"`
			} `json:"parameters"`
		} `json:"outputs"`
	}
	for _, c := range append(append([]container{}, p.Spec.InitContainers...), p.Spec.Containers...) {
		for _, e := range c.Env {
			if e.Name != "ARGO_TEMPLATE" {
				continue
			}
			v := e.Value
			if v == "offloaded" { // in a config map named like the pod
				var cm struct {
					Data map[string]string `json:"data"`
				}
				if err := r.api.do("GET", "/api/v1/namespaces/"+r.ns+"/configmaps/"+p.Metadata.Name, nil, &cm); err == nil {
					v = cm.Data["ARGO_TEMPLATE"]
				}
			}
			_ = json.Unmarshal([]byte(v), &tmpl)
		}
	}
	var out []map[string]string
	for _, prm := range tmpl.Outputs.Parameters {
		if prm.ValueFrom == nil || prm.ValueFrom.Path == "" {
			continue
		}
		b, err := os.ReadFile(m.mapPath(prm.ValueFrom.Path))
		switch {
		case err == nil:
			out = append(out, map[string]string{"name": prm.Name, "value": strings.TrimRight(string(b), "\n")})
		case prm.ValueFrom.Default != nil:
			out = append(out, map[string]string{"name": prm.Name, "value": *prm.ValueFrom.Default})
		default:
			return out, fmt.Errorf("output parameter %s: %v", prm.Name, err)
		}
	}
	return out, nil
}

// report creates the WorkflowTaskResult argoexec's wait container writes.
func (r *podRunner) report(p *pod, params []map[string]string, exit int) {
	outputs := map[string]any{"exitCode": fmt.Sprint(exit)}
	if len(params) > 0 {
		outputs["parameters"] = params
	}
	tr := map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTaskResult",
		"metadata": map[string]any{"name": p.Metadata.Annotations["workflows.argoproj.io/node-id"], "namespace": p.Metadata.Namespace,
			"labels": map[string]string{wfLabel: p.Metadata.Labels[wfLabel], "workflows.argoproj.io/report-outputs-completed": "true"}},
		"outputs": outputs,
	}
	err := r.api.do("POST", "/apis/argoproj.io/v1alpha1/namespaces/"+p.Metadata.Namespace+"/workflowtaskresults", tr, nil)
	if isStatus(err, 409) { // a retry of the same node: replace it
		name := p.Metadata.Annotations["workflows.argoproj.io/node-id"]
		_ = r.api.do("PATCH", "/apis/argoproj.io/v1alpha1/namespaces/"+p.Metadata.Namespace+"/workflowtaskresults/"+name,
			map[string]any{"outputs": outputs}, nil)
	}
}

// setStatus writes the pod's phase and container statuses, as the
// kubelet does.
func (r *podRunner) setStatus(p *pod, phase string, exit *int, start, msg string) {
	path := "/api/v1/namespaces/" + p.Metadata.Namespace + "/pods/" + p.Metadata.Name
	for range 10 {
		var cur map[string]any
		if err := r.api.do("GET", path, nil, &cur); err != nil {
			return // deleted
		}
		now := time.Now().UTC().Format(time.RFC3339)
		status := func(c container, code int) map[string]any {
			s := map[string]any{"name": c.Name, "image": c.Image, "imageID": c.Image, "containerID": "podrunner://" + c.Name, "ready": exit == nil}
			if exit == nil {
				s["started"] = true
				s["state"] = map[string]any{"running": map[string]any{"startedAt": start}}
			} else {
				reason := "Completed"
				if code != 0 {
					reason = "Error"
				}
				s["state"] = map[string]any{"terminated": map[string]any{"exitCode": code, "reason": reason, "message": msg, "startedAt": start, "finishedAt": now}}
			}
			return s
		}
		var inits, mains []any
		for _, c := range p.Spec.InitContainers {
			inits = append(inits, map[string]any{"name": c.Name, "image": c.Image, "imageID": c.Image, "containerID": "podrunner://" + c.Name,
				"state": map[string]any{"terminated": map[string]any{"exitCode": 0, "reason": "Completed", "startedAt": start, "finishedAt": start}}})
		}
		for _, c := range p.Spec.Containers {
			code := 0
			if c.Name == "main" && exit != nil {
				code = *exit
			}
			mains = append(mains, status(c, code))
		}
		st := map[string]any{"phase": phase, "startTime": start, "hostIP": "127.0.0.1", "podIP": "127.0.0.1",
			"initContainerStatuses": inits, "containerStatuses": mains}
		if msg != "" && phase == "Failed" {
			st["message"] = msg
		}
		cur["status"] = st
		if err := r.api.do("PUT", path+"/status", cur, nil); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
