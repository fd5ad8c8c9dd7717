package artifact

import (
	"bytes"
	"fmt"

	"github.com/flowc-dev/flowc/rt"
)

// Encoded returns the field's serialized bytes, as Put stores them, in
// memory of their own (a foreach task cuts its foreach field into chunks
// from them).
func (a *IO) Encoded(f any, fd *rt.FieldDef) ([]byte, error) {
	var buf bytes.Buffer
	if err := encoder(f, fd)(&buf); err != nil {
		return nil, fmt.Errorf("encoding artifact %q: %w", fd.Name, err)
	}
	return buf.Bytes(), nil
}
