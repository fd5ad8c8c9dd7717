package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Streaming uploads. A value up to one part is a single PutObject; a larger
// one a multipart upload whose parts go out while the value is still being
// written, partsInFlight at a time, so memory stays at most
// (partsInFlight+1)*partSize whatever the value's size. Each part carries
// its SHA-256 (S3 checks it, and the object's checksum is the composite of
// the parts'), and CompleteMultipartUpload carries If-None-Match: *, so an
// existing blob is never replaced. When the key is not known yet (a value
// hashed as it streams), the bytes are spooled to a local temp file and
// uploaded the same way at commit.
const (
	partSize      = 8 << 20
	partsInFlight = 4
)

var partPool = sync.Pool{New: func() any { b := make([]byte, 0, partSize); return &b }}

type s3Pending struct {
	b     *s3FS
	key   string   // the final key, "" while unknown
	spool *os.File // when key is unknown
	buf   *[]byte  // the part being filled

	id    *string // the multipart upload, once started
	parts []types.CompletedPart
	slots chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error // the first failed part
	done  bool
}

func (b *s3FS) upload(dir, key string) (pending, error) {
	p := &s3Pending{b: b, key: key, slots: make(chan struct{}, partsInFlight)}
	if key == "" {
		f, err := os.CreateTemp("", "flowc-upload-*")
		if err != nil {
			return nil, fmt.Errorf("spooling an upload to %q: %w", b.where(dir), err)
		}
		p.spool = f
		return p, nil
	}
	p.buf = partPool.Get().(*[]byte)
	return p, nil
}

func (p *s3Pending) Write(b []byte) (int, error) {
	if p.spool != nil {
		return p.spool.Write(b)
	}
	n := len(b)
	for len(b) > 0 {
		if err := p.failed(); err != nil {
			return 0, err
		}
		buf := *p.buf
		k := min(len(b), partSize-len(buf))
		*p.buf = append(buf, b[:k]...)
		b = b[k:]
		if len(*p.buf) == partSize {
			if err := p.sendPart(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (p *s3Pending) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// sendPart uploads the full buffer as the next part, in the background.
func (p *s3Pending) sendPart() error {
	if p.id == nil {
		ctx, cancel := p.b.ctx()
		out, err := p.b.c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
			Bucket: &p.b.bucket, Key: aws.String(p.b.key(p.key)),
			ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
		})
		cancel()
		if err != nil {
			return p.b.err("upload", p.key, err)
		}
		p.id = out.UploadId
	}
	num := int32(len(p.parts) + 1)
	p.parts = append(p.parts, types.CompletedPart{PartNumber: aws.Int32(num)})
	buf := p.buf
	p.buf = partPool.Get().(*[]byte)
	p.slots <- struct{}{}
	p.wg.Add(1)
	go func() {
		defer func() {
			*buf = (*buf)[:0]
			partPool.Put(buf)
			<-p.slots
			p.wg.Done()
		}()
		sum := sha256b64(*buf)
		ctx, cancel := p.b.ctx()
		defer cancel()
		out, err := p.b.c.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: &p.b.bucket, Key: aws.String(p.b.key(p.key)), UploadId: p.id,
			PartNumber: aws.Int32(num), Body: bytes.NewReader(*buf),
			ContentLength: aws.Int64(int64(len(*buf))), ChecksumSHA256: sum,
		})
		p.mu.Lock()
		defer p.mu.Unlock()
		if err != nil {
			if p.err == nil {
				p.err = p.b.err("upload part", p.key, err)
			}
			return
		}
		p.parts[num-1].ETag = out.ETag
		p.parts[num-1].ChecksumSHA256 = sum
	}()
	return nil
}

func (p *s3Pending) commit(key string) (err error) {
	if p.done {
		return errors.New("upload committed twice")
	}
	defer p.abort()
	if p.key != "" && key != p.key {
		return fmt.Errorf("upload for %q committed as %q", p.b.where(p.key), p.b.where(key))
	}
	p.key = key
	if p.spool != nil {
		if err := p.unspool(); err != nil {
			return err
		}
	}
	if p.id == nil {
		// One part: a plain exclusive put. An existing blob is the same.
		if err := p.b.create(key, *p.buf); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		return nil
	}
	if len(*p.buf) > 0 {
		if err := p.sendPart(); err != nil {
			return err
		}
	}
	p.wg.Wait()
	if err := p.failed(); err != nil {
		return err
	}
	ctx, cancel := p.b.ctx()
	defer cancel()
	_, err = p.b.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &p.b.bucket, Key: aws.String(p.b.key(key)), UploadId: p.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: p.parts},
		IfNoneMatch:     aws.String("*"),
	})
	if err = p.b.err("complete upload", key, err); errors.Is(err, fs.ErrExist) {
		return nil // the same content is there already; abort drops ours
	}
	if err == nil {
		p.id = nil // nothing to abort
	}
	return err
}

// unspool feeds the spooled bytes through the part uploader, leaving the
// last part in the buffer for commit.
func (p *s3Pending) unspool() error {
	f := p.spool
	p.spool = nil
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	fi, err := f.Stat()
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return fmt.Errorf("reading the upload spool of %q: %w", p.b.where(p.key), err)
	}
	p.buf = partPool.Get().(*[]byte)
	for left := fi.Size(); ; left -= partSize {
		n := min(left, partSize)
		*p.buf = (*p.buf)[:n]
		if _, err := io.ReadFull(f, *p.buf); err != nil {
			return fmt.Errorf("reading the upload spool of %q: %w", p.b.where(p.key), err)
		}
		if left <= partSize {
			return nil
		}
		if err := p.failed(); err != nil {
			return err // a part failed past its retries: send no more
		}
		if err := p.sendPart(); err != nil {
			return err
		}
	}
}

func (p *s3Pending) abort() {
	if p.done {
		return
	}
	p.done = true
	p.wg.Wait()
	if p.spool != nil {
		p.spool.Close()
		os.Remove(p.spool.Name())
		p.spool = nil
	}
	if p.buf != nil {
		*p.buf = (*p.buf)[:0]
		partPool.Put(p.buf)
		p.buf = nil
	}
	if p.id != nil {
		ctx, cancel := p.b.ctx()
		p.b.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
			Bucket: &p.b.bucket, Key: aws.String(p.b.key(p.key)), UploadId: p.id,
		})
		cancel()
		p.id = nil
	}
}
