package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// InlineMax is the largest serialized JSON value that data.json carries
// inline (Artifact.Value) besides its blob. A join over n inputs decodes
// their small fields (a count, a score, an index) from their records
// instead of opening 2n blobs one at a time, and every task reads its
// small inputs (the parameters) without a blob read. Inline values are
// copied into every later record that passes the artifact on, so they are
// kept small.
const InlineMax = 64

// Inline returns the value to record inline for serialized bytes p of an
// artifact of encoding enc, or nil: only JSON of at most InlineMax bytes
// that data.json's encoder writes back byte for byte (it escapes <, > and
// &), so that the inline copy hashes to the blob's hash. The result does
// not alias p.
func Inline(enc string, p []byte) RawValue {
	if enc != "json" || len(p) == 0 || len(p) > InlineMax {
		return ""
	}
	out, err := json.Marshal(json.RawMessage(p))
	if err != nil || !bytes.Equal(out, p) {
		return ""
	}
	return RawValue(out)
}

// RawValue is a JSON value kept as its text, in a string so that an
// Artifact stays comparable.
type RawValue string

// MarshalJSON writes the value as it is.
func (v RawValue) MarshalJSON() ([]byte, error) {
	if v == "" {
		return []byte("null"), nil
	}
	return []byte(v), nil
}

// UnmarshalJSON keeps the value's text.
func (v *RawValue) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = ""
		return nil
	}
	*v = RawValue(b)
	return nil
}

// Inlined returns the artifact's inline value when it is the value its
// record names: Size bytes hashing to Hash. A record without one, or with
// one that does not match (edited by hand), is read from its blob, which
// is checked as always.
func (a Artifact) Inlined() ([]byte, bool) {
	if len(a.Value) == 0 || int64(len(a.Value)) != a.Size || len(a.Hash) != 2*sha256.Size {
		return nil, false
	}
	v := []byte(a.Value)
	sum := sha256.Sum256(v)
	var hx [2 * sha256.Size]byte
	hex.Encode(hx[:], sum[:])
	if string(hx[:]) != a.Hash {
		return nil, false
	}
	return v, true
}
