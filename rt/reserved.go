package rt

import "strings"

// ParamEnvPrefix starts the environment variable of every parameter:
// FLOWC_PARAM_<NAME>, NAME the parameter's name upper-cased with '-' as
// '_'. Runtime settings read FLOWC_<OPTION>; the prefix keeps the two
// apart, so a parameter can never shadow a setting.
const ParamEnvPrefix = "FLOWC_PARAM_"

// ParamEnv is the environment variable of the parameter named name.
func ParamEnv(name string) string { return ParamEnvPrefix + envName(name) }

// LegacyParamEnv is the variable a parameter read before ParamEnvPrefix
// (FLOWC_<NAME>); the runtime names the new spelling when it is set.
func LegacyParamEnv(name string) string { return "FLOWC_" + envName(name) }

func envName(name string) string { return strings.ToUpper(strings.ReplaceAll(name, "-", "_")) }

// Reserved is a name no parameter may take, and what already has it.
type Reserved struct {
	Name string // kebab-case, as a flag is spelled
	What string // the option or setting, for messages: "--max-workers", "FLOWC_USER"
}

// ReservedNames are the runtime's options (global, run and resume, the
// task command's) and its environment-only settings. A parameter with one
// of these names would collide with a flag of the command it is given to,
// or read as a setting of the same name; the generator rejects them and
// the runtime's tests check that every option is listed here.
var ReservedNames = []Reserved{
	// global options
	{"datastore", "--datastore"}, {"datastore-root", "--datastore-root"}, {"datastore-path-style", "--datastore-path-style"},
	{"metadata", "--metadata"}, {"namespace", "--namespace"},
	{"branch", "--branch"}, {"production", "--production"},
	{"quiet", "--quiet"}, {"help", "--help"},
	// run and resume
	{"max-workers", "--max-workers"}, {"max-num-splits", "--max-num-splits"},
	{"tag", "--tag"}, {"run-id-file", "--run-id-file"},
	{"max-includefile-size", "--max-includefile-size"},
	{"with", "--with"}, {"local", "--local"},
	// run and resume: the settings of steps run on AWS Batch
	{"job-queue", "--job-queue"}, {"job-role", "--job-role"}, {"image-repository", "--image-repository"},
	{"base-image", "--base-image"}, {"image", "--image"}, {"platform", "--platform"}, {"secret", "--secret"},
	{"origin-run-id", "--origin-run-id"}, {"force", "--force"},
	// the task command (what every scheduler runs)
	{"run-id", "--run-id"}, {"task-id", "--task-id"}, {"input-paths", "--input-paths"},
	{"split-index", "--split-index"}, {"retry-count", "--retry-count"},
	// a deploy command's option beside the flow's parameters
	// (argo-workflows trigger; --name is taken out before parsing)
	{"k8s-namespace", "argo-workflows trigger --k8s-namespace"},
	// settings read from the environment only (rt's TestReservedCoversEnv
	// finds every FLOWC_ variable the runtime and the targets name)
	{"user", "FLOWC_USER"}, {"task", "FLOWC_TASK"}, {"run-depth", "FLOWC_RUN_DEPTH"},
	{"metadata-token", "FLOWC_METADATA_TOKEN"}, {"metadata-retry", "FLOWC_METADATA_RETRY"},
	{"heartbeat-every", "FLOWC_HEARTBEAT_EVERY"}, {"ui-token", "FLOWC_UI_TOKEN"},
	// what a cloud task's definition sets (rt/taskspec/cloud.go)
	{"parameters", "FLOWC_PARAMETERS"}, {"engine-run", "FLOWC_ENGINE_RUN"},
	{"task-outputs", "FLOWC_TASK_OUTPUTS"}, {"ends-run", "FLOWC_ENDS_RUN"},
	{"run-tags", "FLOWC_RUN_TAGS"}, {"foreach-items", "FLOWC_FOREACH_ITEMS"},
	{"array-index-var", "FLOWC_ARRAY_INDEX_VAR"}, {"array-index-base", "FLOWC_ARRAY_INDEX_BASE"},
	{"brace", "FLOWC_BRACE"}, // an Argo pod's "{" (targets/argo literal)
}

// ReservedParam reports whether a parameter may not be named name, and
// what has the name. Case and '_' versus '-' do not matter: they map to
// the same environment variable.
func ReservedParam(name string) (Reserved, bool) {
	n := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	for _, r := range ReservedNames {
		if r.Name == n {
			return r, true
		}
	}
	return Reserved{}, false
}
