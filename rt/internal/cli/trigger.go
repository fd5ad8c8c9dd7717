//go:build !flowc_nodeploy

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/taskspec"
)

// triggerParams is the flow's parameters as trigger (of either target)
// was given them, as one JSON object of flag name -> value as the command
// line takes it (an array of such values for a flag given more than once,
// a slice's repeats), or as its environment variable (FLOWC_PARAM_<NAME>)
// holds it where the command line does not give it; the Start task parses
// it with the same parser as `run`. kong has already checked them here, so
// a bad value fails before anything is submitted. An includefile is read
// here and uploaded to the datastore, and passed as a taskspec.IncludeRef
// (DESIGN §8.2).
func triggerParams(e *Env, kctx *kong.Context) (string, error) {
	def := e.Def
	vals := map[string][]string{}
	names := map[string]*rt.FieldDef{}
	for i := range def.Fields {
		if fd := &def.Fields[i]; fd.Kind != rt.FieldArtifact {
			names[fd.ParamName] = fd
		}
	}
	bools := map[string]bool{}
	for _, f := range kctx.Flags() {
		fd := names[f.Name]
		if fd == nil {
			continue
		}
		if fd.Kind == rt.FieldIncludeFile {
			// An includefile has no kong default: "" is "not given",
			// and the task reads the flow's default.
			if path, _ := kctx.FlagValue(f).(string); path != "" {
				ref, err := uploadInclude(e, fd, path)
				if err != nil {
					return "", err
				}
				vals[f.Name] = []string{ref}
			}
			continue
		}
		if f.IsBool() {
			// Its value as kong parsed it: --x, --no-x or the variable.
			bools[f.Name] = true
			if f.Set || fromEnv(f) != "" {
				vals[f.Name] = []string{fmt.Sprint(kctx.FlagValue(f))}
			}
		}
	}
	args := kctx.Args
	given := map[string]bool{}
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(args[i], "--"), "=")
		fd := names[name]
		if !strings.HasPrefix(args[i], "--") || fd == nil || fd.Kind != rt.FieldParam || bools[name] {
			continue
		}
		if !hasVal && i+1 < len(args) {
			i++
			val = args[i]
		}
		given[name] = true
		vals[name] = append(vals[name], val)
	}
	for _, f := range kctx.Flags() {
		if fd := names[f.Name]; fd != nil && fd.Kind == rt.FieldParam && !bools[f.Name] && !given[f.Name] {
			if env := fromEnv(f); env != "" {
				v, _ := os.LookupEnv(env)
				vals[f.Name] = []string{v}
			}
		}
	}
	out := map[string]any{}
	for k, v := range vals {
		if len(v) == 1 {
			out[k] = v[0]
		} else {
			out[k] = v
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// fromEnv is the environment variable that set flag f, "" if none did.
func fromEnv(f *kong.Flag) string {
	for _, env := range f.Tag.Envs {
		if _, ok := os.LookupEnv(env); ok {
			return env
		}
	}
	return ""
}

// uploadInclude reads the includefile at path, with the checks `run`
// makes, and stores its bytes as the blob a local run would store them
// in (an includefile is a string or []byte field, stored raw: the blob's
// hash is the sha256 of the file). It returns the reference the Start
// task reads it back by.
func uploadInclude(e *Env, fd *rt.FieldDef, path string) (string, error) {
	if e.G.cfg.Datastore != "s3" {
		return "", fmt.Errorf("includefile --%s is uploaded to the deployment's datastore; pass --datastore s3 --datastore-root s3://bucket/prefix, as to create", fd.ParamName)
	}
	b, err := readIncludeFile("--"+fd.ParamName, path, 1<<30)
	if err != nil {
		return "", err
	}
	st, err := e.OpenStore()
	if err != nil {
		return "", err
	}
	hash, _, err := st.PutBlobBytes(e.Def.Graph.Flow, b)
	if err != nil {
		return "", fmt.Errorf("uploading includefile --%s: %w", fd.ParamName, err)
	}
	return taskspec.IncludeRef + hash, nil
}

// checkDatastore runs a target's datastore check (deploy.CheckDatastore
// for its deployment) on this command's datastore, before trigger uploads
// or submits anything, and prints its warning, if any, to stderr.
func checkDatastore(e *Env, check func(root string, s3 bool) (string, error)) error {
	c, err := e.G.StoreConfig() // the default local root filled in, for the message
	if err != nil {
		return err
	}
	warning, err := check(c.Root, c.Kind == "s3")
	if err != nil {
		return err
	}
	if warning != "" {
		fmt.Fprintf(e.Stderr, "%s: warning: %s\n", e.Name, warning)
	}
	return nil
}

// startRun is the part of trigger both targets share, in its order: the
// datastore check before anything is uploaded or started (the tasks would
// not find an includefile put elsewhere, nor this command their run),
// then the parameters (includefiles uploaded), the run-id file opened,
// and start, which submits the run and returns its id, written to the
// file.
func startRun(e *Env, kctx *kong.Context, runIDFile string, check func(root string, s3 bool) (string, error), start func(params string) (string, error)) (string, error) {
	if err := checkDatastore(e, check); err != nil {
		return "", err
	}
	params, err := triggerParams(e, kctx)
	if err != nil {
		return "", err
	}
	idFile, err := openRunIDFile(runIDFile)
	if err != nil {
		return "", err
	}
	id, err := start(params)
	if err != nil {
		idFile.abort()
		return "", err
	}
	return id, idFile.write(id)
}
