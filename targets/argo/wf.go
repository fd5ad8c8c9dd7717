package argo

// The subset of Argo's v1alpha1 API (and of core/v1) that this target
// writes, with the same JSON names. Field comments name Argo's field when
// the mirror's differs in type (Argo's IntOrString and AnyString marshal as
// plain strings or numbers, as here). See doc.go for why this is not
// Argo's own Go package.

// APIVersion is Argo's API group version.
const APIVersion = "argoproj.io/v1alpha1"

// ObjectMeta is metav1.ObjectMeta's part that is written.
type ObjectMeta struct {
	Name              string            `json:"name,omitempty"`
	GenerateName      string            `json:"generateName,omitempty"`
	Namespace         string            `json:"namespace,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	ResourceVersion   string            `json:"resourceVersion,omitempty"`
	UID               string            `json:"uid,omitempty"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
}

// WorkflowTemplate is a v1alpha1.WorkflowTemplate.
type WorkflowTemplate struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Metadata   ObjectMeta   `json:"metadata"`
	Spec       WorkflowSpec `json:"spec"`
}

// CronWorkflow is a v1alpha1.CronWorkflow.
type CronWorkflow struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Metadata   ObjectMeta       `json:"metadata"`
	Spec       CronWorkflowSpec `json:"spec"`
}

// CronWorkflowSpec is a v1alpha1.CronWorkflowSpec.
type CronWorkflowSpec struct {
	WorkflowSpec      WorkflowSpec `json:"workflowSpec"`
	Schedules         []string     `json:"schedules"`
	Timezone          string       `json:"timezone,omitempty"`
	ConcurrencyPolicy string       `json:"concurrencyPolicy,omitempty"`
	WorkflowMetadata  *ObjectMeta  `json:"workflowMetadata,omitempty"`
}

// Workflow is a v1alpha1.Workflow as trigger submits it and list-runs
// reads it.
type Workflow struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   ObjectMeta     `json:"metadata"`
	Spec       WorkflowSpec   `json:"spec"`
	Status     WorkflowStatus `json:"status,omitzero"`
}

// WorkflowStatus is the part of v1alpha1.WorkflowStatus list-runs reads.
type WorkflowStatus struct {
	Phase      string `json:"phase,omitempty"`
	StartedAt  string `json:"startedAt,omitempty"`
	FinishedAt string `json:"finishedAt,omitempty"`
	Message    string `json:"message,omitempty"`
}

// WorkflowSpec is a v1alpha1.WorkflowSpec.
type WorkflowSpec struct {
	Templates           []Template           `json:"templates,omitempty"`
	Entrypoint          string               `json:"entrypoint,omitempty"`
	Arguments           *Arguments           `json:"arguments,omitempty"`
	Parallelism         *int64               `json:"parallelism,omitempty"`
	ServiceAccountName  string               `json:"serviceAccountName,omitempty"`
	OnExit              string               `json:"onExit,omitempty"`
	WorkflowTemplateRef *WorkflowTemplateRef `json:"workflowTemplateRef,omitempty"`
	WorkflowMetadata    *WorkflowMetadata    `json:"workflowMetadata,omitempty"`
	PodMetadata         *Metadata            `json:"podMetadata,omitempty"`
	Shutdown            string               `json:"shutdown,omitempty"`
}

// WorkflowMetadata is v1alpha1.WorkflowMetadata: labels the workflows
// started from the template get.
type WorkflowMetadata struct {
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Metadata is v1alpha1.Metadata (a pod's labels and annotations).
type Metadata struct {
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// WorkflowTemplateRef is a v1alpha1.WorkflowTemplateRef.
type WorkflowTemplateRef struct {
	Name string `json:"name"`
}

// Arguments is a v1alpha1.Arguments.
type Arguments struct {
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Inputs is a v1alpha1.Inputs.
type Inputs struct {
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Outputs is a v1alpha1.Outputs.
type Outputs struct {
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Parameter is a v1alpha1.Parameter (Value and Default are AnyString).
type Parameter struct {
	Name        string     `json:"name"`
	Value       *string    `json:"value,omitempty"`
	Default     *string    `json:"default,omitempty"`
	ValueFrom   *ValueFrom `json:"valueFrom,omitempty"`
	Description *string    `json:"description,omitempty"`
}

// ValueFrom is a v1alpha1.ValueFrom.
type ValueFrom struct {
	Path       string  `json:"path,omitempty"`
	Parameter  string  `json:"parameter,omitempty"`
	Default    *string `json:"default,omitempty"`
	Expression string  `json:"expression,omitempty"`
}

// Template is a v1alpha1.Template: a DAG or a container.
type Template struct {
	Name                  string         `json:"name"`
	Inputs                *Inputs        `json:"inputs,omitempty"`
	Outputs               *Outputs       `json:"outputs,omitempty"`
	Metadata              *Metadata      `json:"metadata,omitempty"`
	DAG                   *DAG           `json:"dag,omitempty"`
	Container             *Container     `json:"container,omitempty"`
	ActiveDeadlineSeconds string         `json:"activeDeadlineSeconds,omitempty"` // IntOrString in Argo; a string, as Argo's schema says
	RetryStrategy         *RetryStrategy `json:"retryStrategy,omitempty"`
	ServiceAccountName    string         `json:"serviceAccountName,omitempty"`
	Parallelism           *int64         `json:"parallelism,omitempty"`
}

// DAG is a v1alpha1.DAGTemplate.
type DAG struct {
	Tasks []DAGTask `json:"tasks"`
}

// DAGTask is a v1alpha1.DAGTask.
type DAGTask struct {
	Name         string     `json:"name"`
	Template     string     `json:"template"`
	Arguments    *Arguments `json:"arguments,omitempty"`
	Depends      string     `json:"depends,omitempty"`
	When         string     `json:"when,omitempty"`
	WithSequence *Sequence  `json:"withSequence,omitempty"`
}

// Sequence is a v1alpha1.Sequence (Count is IntOrString: a string here,
// since it is an expression).
type Sequence struct {
	Count string `json:"count"`
}

// RetryStrategy is a v1alpha1.RetryStrategy (Limit is IntOrString,
// written as a string, as Argo's schema says).
type RetryStrategy struct {
	Limit       string   `json:"limit,omitempty"`
	RetryPolicy string   `json:"retryPolicy,omitempty"`
	Backoff     *Backoff `json:"backoff,omitempty"`
}

// Backoff is a v1alpha1.Backoff.
type Backoff struct {
	Duration string `json:"duration,omitempty"`
	Factor   string `json:"factor,omitempty"` // IntOrString in Argo
}

// Container is the part of core/v1 Container that is written.
type Container struct {
	Name            string                `json:"name,omitempty"`
	Image           string                `json:"image"`
	Command         []string              `json:"command,omitempty"`
	Args            []string              `json:"args,omitempty"`
	Env             []EnvVar              `json:"env,omitempty"`
	EnvFrom         []EnvFromSource       `json:"envFrom,omitempty"`
	Resources       *ResourceRequirements `json:"resources,omitempty"`
	ImagePullPolicy string                `json:"imagePullPolicy,omitempty"`
}

// EnvVar is a core/v1 EnvVar.
type EnvVar struct {
	Name      string        `json:"name"`
	Value     string        `json:"value,omitempty"`
	ValueFrom *EnvVarSource `json:"valueFrom,omitempty"`
}

// EnvVarSource is a core/v1 EnvVarSource.
type EnvVarSource struct {
	SecretKeyRef *SecretKeySelector `json:"secretKeyRef,omitempty"`
}

// SecretKeySelector is a core/v1 SecretKeySelector.
type SecretKeySelector struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// EnvFromSource is a core/v1 EnvFromSource.
type EnvFromSource struct {
	SecretRef *SecretEnvSource `json:"secretRef,omitempty"`
}

// SecretEnvSource is a core/v1 SecretEnvSource.
type SecretEnvSource struct {
	Name string `json:"name"`
}

// ResourceRequirements is a core/v1 ResourceRequirements; quantities are
// strings ("500m", "4096Mi").
type ResourceRequirements struct {
	Limits   map[string]string `json:"limits,omitempty"`
	Requests map[string]string `json:"requests,omitempty"`
}
