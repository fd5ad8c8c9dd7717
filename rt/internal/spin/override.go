package spin

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/rt"
	"github.com/flowc-dev/flowc/rt/codec"
)

// Override replaces one artifact of the spun step's inputs.
type Override struct {
	Name string
	JSON string // the value as JSON: a string field takes a JSON string, []byte a base64 JSON string
}

// ParseOverride reads a --artifact NAME=JSON argument.
func ParseOverride(s string) (Override, error) {
	name, js, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return Override{}, fmt.Errorf("--artifact %q is not NAME=JSON; e.g. --artifact Count=3 or --artifact 'Title=\"x\"'", clip(s))
	}
	return Override{Name: name, JSON: js}, nil
}

// setField decodes o's JSON into the field fd of f, checked against the
// field's type by its own generated decoder: what decodes is exactly what
// the step could have been given.
func setField(f any, fd *rt.FieldDef, o Override) error {
	bad := func(why string) error {
		return fmt.Errorf("--artifact %s=%s is not JSON of type %s: %s; give it as JSON (dump --json shows the form)", o.Name, clip(o.JSON), fd.Type, why)
	}
	var ser []byte
	if fd.Encoding == rt.EncodingRaw {
		// Raw fields are stored as their bytes; on the command line they
		// are JSON strings, as dump --json prints them.
		var s string
		if err := json.Unmarshal([]byte(o.JSON), &s); err != nil {
			return bad("want a JSON string")
		}
		ser = []byte(s)
		if fd.Type != "string" {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return bad("want a base64 JSON string")
			}
			ser = b
		}
	} else {
		if !json.Valid([]byte(o.JSON)) {
			return bad("not valid JSON")
		}
		ser = []byte(o.JSON)
	}
	r := codec.NewBytesReader(ser)
	if err := fd.Decode(f, r, int64(len(ser))); err != nil {
		return bad(codecMsg(err))
	}
	if fd.Encoding == rt.EncodingJSON {
		if err := r.End(); err != nil {
			return bad(codecMsg(err))
		}
	}
	return nil
}

// codecMsg drops the codec's own prefix: the offset means little to a
// user who typed the value.
func codecMsg(err error) string {
	if ce, ok := err.(*codec.Error); ok {
		return ce.Msg
	}
	return err.Error()
}

// clip keeps a long value from flooding the one-line error.
func clip(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
