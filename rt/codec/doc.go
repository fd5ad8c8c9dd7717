// Package codec is the serialization format of flowc artifacts, and the
// token-level Writer and Reader that generated code uses to produce and
// consume it without reflection.
//
// # Reading a blob outside Go
//
// Every artifact value is stored once, in the datastore, as a blob at
// <Flow>/data/<hash[:2]>/<hash>. The blob file is a zstd frame; its
// decompressed bytes are the serialization described here, and hash is the
// lowercase hex sha256 of those decompressed bytes (so a reader can verify
// it). The task's <attempt>.data.json maps each artifact name to its hash,
// Go type, serialized size and encoding. In Python:
//
//	import hashlib, json, zstandard
//	raw = zstandard.ZstdDecompressor().stream_reader(open(path, "rb")).read()
//	assert hashlib.sha256(raw).hexdigest() == entry["hash"]
//	value = raw if entry["encoding"] == "raw" else json.loads(raw)
//
// # Encodings
//
// "raw" is used for fields of type exactly string or []byte (not named
// types whose underlying type is one of those): the bytes themselves,
// nothing added. A string's bytes are whatever the Go string held (usually,
// not necessarily, UTF-8). Raw does not tell a nil []byte from an empty one;
// both read back as nil.
//
// "json" is used for everything else: one JSON value (RFC 8259), canonical
// so that equal values give equal bytes:
//
//   - compact: no whitespace anywhere;
//   - structs are objects with their exported fields in declaration order,
//     named by the `json:"name"` tag when it has one, left out when tagged
//     `json:"-"`; every field is always written (omitempty, omitzero and
//     the ",string" option are ignored);
//   - maps are objects with keys in ascending order: string keys by byte
//     order, integer keys numerically (written as JSON strings, "10" after
//     "9", as encoding/json writes them but unlike its ordering);
//   - nil slices, maps and pointers are null; arrays are JSON arrays;
//   - []byte inside a JSON value is a string with its standard base64
//     (RFC 4648 §4, padded), as encoding/json writes it;
//   - integers are written in full in decimal (int64 and uint64 values may
//     exceed the 2^53 that a double represents exactly: parse them as
//     integers, as Python's json module does);
//   - floats use the shortest decimal that reads back to the same float64
//     (or float32), in exponent form below 1e-6 and from 1e21, exactly as
//     encoding/json writes them; -0 is written as -0; NaN, +Inf and -Inf,
//     which JSON numbers cannot express, are the strings "NaN", "+Inf" and
//     "-Inf";
//   - strings are escaped exactly as encoding/json.Marshal does: ", \ and
//     control characters, plus <, >, &, U+2028 and U+2029 as \u escapes
//     (HTML-safe); invalid UTF-8 is replaced by U+FFFD, so such strings do
//     not round-trip inside JSON (use a top-level string or []byte field,
//     which is raw);
//   - types with their own JSON or text form (json.Marshaler,
//     encoding.TextMarshaler, e.g. time.Time as an RFC 3339 string) are
//     written by encoding/json, and are as deterministic as their methods.
//
// # Compatibility with encoding/json
//
// json.Unmarshal reads this JSON into the same Go types, except: floats
// stored as "NaN"/"+Inf"/"-Inf" (it refuses strings for numbers), and
// struct fields tagged with ",string" (we write the plain number). The
// Reader reads what json.Marshal writes for the same types (its keys must
// match field names exactly, as json.Marshal writes them). The Reader
// rejects input that is not JSON; unknown object members are skipped; null
// where a bool, number or string is expected reads as its zero value.
package codec
