package sfn

import "encoding/json"

// The Amazon States Language as typed values: the renderer builds these,
// never text. Only what flowc renders is here. Parameters blocks are
// maps, because their keys are the service's own (Batch's SubmitJob) with
// ".$" suffixes for the values the engine computes.

// Machine is a state machine, or a Parallel branch, or a Map's item
// processor (which adds ProcessorConfig).
type Machine struct {
	Comment         string            `json:"Comment,omitempty"`
	ProcessorConfig *ProcessorConfig  `json:"ProcessorConfig,omitempty"`
	StartAt         string            `json:"StartAt"`
	States          map[string]*State `json:"States"`
}

// ProcessorConfig is a Map's mode.
type ProcessorConfig struct {
	Mode          string `json:"Mode"`                    // INLINE or DISTRIBUTED
	ExecutionType string `json:"ExecutionType,omitempty"` // STANDARD for DISTRIBUTED
}

// State is one state; Type says which fields apply.
type State struct {
	Type    string `json:"Type"`
	Comment string `json:"Comment,omitempty"`

	Resource       string         `json:"Resource,omitempty"`
	Parameters     map[string]any `json:"Parameters,omitempty"`
	ResultSelector map[string]any `json:"ResultSelector,omitempty"`
	// ResultPath is null (keep the input as it was) or a path; nil
	// leaves it out (the result replaces the input).
	ResultPath json.RawMessage `json:"ResultPath,omitempty"`

	// Parallel.
	Branches []*Machine `json:"Branches,omitempty"`
	// Map.
	ItemReader     *ItemReader    `json:"ItemReader,omitempty"`
	ItemSelector   map[string]any `json:"ItemSelector,omitempty"`
	ItemProcessor  *Machine       `json:"ItemProcessor,omitempty"`
	MaxConcurrency int            `json:"MaxConcurrency,omitempty"`
	ResultWriter   *ResultWriter  `json:"ResultWriter,omitempty"`
	// Choice.
	Choices []Choice `json:"Choices,omitempty"`
	Default string   `json:"Default,omitempty"`
	// Fail.
	Error string `json:"Error,omitempty"`
	Cause string `json:"Cause,omitempty"`

	Retry []Retrier `json:"Retry,omitempty"`
	Catch []Catcher `json:"Catch,omitempty"`
	Next  string    `json:"Next,omitempty"`
	End   bool      `json:"End,omitempty"`
}

// Retrier is one entry of a state's Retry.
type Retrier struct {
	ErrorEquals     []string `json:"ErrorEquals"`
	IntervalSeconds int      `json:"IntervalSeconds"`
	MaxAttempts     int      `json:"MaxAttempts"`
	BackoffRate     float64  `json:"BackoffRate"`
	JitterStrategy  string   `json:"JitterStrategy,omitempty"`
}

// Catcher is one entry of a state's Catch.
type Catcher struct {
	ErrorEquals []string        `json:"ErrorEquals"`
	ResultPath  json.RawMessage `json:"ResultPath,omitempty"`
	Next        string          `json:"Next"`
}

// Choice is one rule of a Choice state.
type Choice struct {
	Variable           string   `json:"Variable"`
	StringEquals       *string  `json:"StringEquals,omitempty"`
	NumericEquals      *float64 `json:"NumericEquals,omitempty"`
	NumericGreaterThan *float64 `json:"NumericGreaterThan,omitempty"`
	Next               string   `json:"Next"`
}

// ItemReader is a Distributed Map's source of items.
type ItemReader struct {
	Resource     string         `json:"Resource"`
	ReaderConfig map[string]any `json:"ReaderConfig,omitempty"`
	Parameters   map[string]any `json:"Parameters"`
}

// ResultWriter is where a Distributed Map puts its children's results,
// which would otherwise come back as one array in the state's output and
// overflow its 256 KiB at a few thousand items.
type ResultWriter struct {
	Resource   string         `json:"Resource"`
	Parameters map[string]any `json:"Parameters"`
}

var null = json.RawMessage("null")

func path(p string) json.RawMessage {
	b, _ := json.Marshal(p)
	return b
}
