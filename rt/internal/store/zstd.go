package store

import (
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Blobs are mostly tiny (an int, a short string) and sometimes huge (a
// 256 MB []byte). Tiny ones are stored uncompressed in a frame of their
// own (appendTinyFrame), small ones go through one shared Encoder/Decoder with
// EncodeAll/DecodeAll, which are safe for concurrent use and allocate
// nothing per call; big ones stream through pooled Encoders/Decoders
// (building one costs a few MB of tables, too much per tiny blob).

// smallBlob is the largest serialized size compressed in one piece; larger
// values stream, so the store never holds more than this much of a value.
const smallBlob = 1 << 20

// The shared coders are built on first use, each on its own: the encoder
// costs half a megabyte of match tables and the decoder its block
// buffers, which a task process would pay at every start. A task that
// only reads builds no encoder, one that only reads and writes tiny
// values neither.
var (
	zEnc = sync.OnceValue(func() *zstd.Encoder { // EncodeAll only
		// One encoder's tables: EncodeAll of a value up to smallBlob takes
		// well under a millisecond, so a second one would save a task
		// little and cost every process that writes a value its tables.
		e, err := zstd.NewWriter(nil, append(encoderOptions(), zstd.WithEncoderConcurrency(1))...)
		if err != nil {
			panic(err) // only bad options fail, and ours are constant
		}
		return e
	})
	zDec = sync.OnceValue(func() *zstd.Decoder { // DecodeAll only
		// The cap turns a damaged frame header claiming a huge size into
		// an error instead of a huge allocation.
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(2), zstd.WithDecoderMaxMemory(2*smallBlob))
		if err != nil {
			panic(err)
		}
		return d
	})
)

func encoderOptions() []zstd.EOption {
	return []zstd.EOption{
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(2),
	}
}

// Streaming coders. A pooled coder is always idle (Close or Reset(nil)
// has stopped its goroutines), so dropping one from the pool leaks nothing.
var (
	encPool = sync.Pool{New: func() any {
		e, err := zstd.NewWriter(nil, encoderOptions()...)
		if err != nil {
			panic(err)
		}
		return e
	}}
	decPool = sync.Pool{New: func() any {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(2))
		if err != nil {
			panic(err)
		}
		return d
	}}
)

// bufPool holds the in-memory prefix of values being stored.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}
