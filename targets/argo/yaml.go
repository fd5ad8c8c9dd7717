package argo

import (
	"bytes"

	"sigs.k8s.io/yaml"
)

// YAML is the objects as `create --only-yaml` prints them: the
// WorkflowTemplate, then the CronWorkflow, as one multi-document stream.
func (o *Objects) YAML() ([]byte, error) {
	var out bytes.Buffer
	for i, obj := range o.list() {
		b, err := yaml.Marshal(obj)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(b)
	}
	return out.Bytes(), nil
}

func (o *Objects) list() []any {
	l := []any{o.Template}
	if o.Cron != nil {
		l = append(l, o.Cron)
	}
	return l
}
