package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// s3FS is the backend on an S3 bucket prefix: key k is the object
// <prefix>/k. The client comes from aws-sdk-go-v2's standard configuration
// chain (AWS_REGION, AWS_PROFILE, credentials files, IMDS/IRSA), so
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL point it at any S3-compatible
// server.
type s3FS struct {
	c      *s3.Client
	bucket string
	prefix string // "" or "a/b", no slashes at either end
}

// S3 settings. Throttling (503 SlowDown) and 5xx errors are retried by the
// SDK's standard retryer with jittered exponential backoff; the defaults
// give up after 3 attempts, which a busy bucket outlasts, so flowc allows
// maxAttempts (about a minute of backoff at most) and no client-side retry
// quota (a task that must store its artifacts has nothing better to do).
// AWS_MAX_ATTEMPTS, or max_attempts in the profile, overrides maxAttempts.
const (
	maxAttempts = 12
	maxBackoff  = 8 * time.Second
)

// parseS3URL splits s3://bucket/prefix.
func parseS3URL(root string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(root, "s3://")
	if !ok {
		return "", "", fmt.Errorf("datastore root %q is not an S3 URL; use s3://bucket/prefix", root)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	prefix = strings.TrimSuffix(prefix, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("datastore root %q names no bucket; use s3://bucket/prefix", root)
	}
	for _, part := range strings.Split(prefix, "/") {
		if part == "." || part == ".." || part == "" && prefix != "" {
			return "", "", fmt.Errorf("datastore root %q has an empty, \".\" or \"..\" part in its prefix; use s3://bucket/prefix", root)
		}
	}
	return bucket, prefix, nil
}

func newS3FS(ctx context.Context, root string, pathStyle bool) (*s3FS, error) {
	bucket, prefix, err := parseS3URL(root)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx,
		// Checksums are given explicitly (SHA-256, see put); without this
		// the SDK would add a CRC32 trailer to every upload as well.
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		// Blobs are verified against their own hash on read; the SDK's
		// check would also log a line for every object without one.
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
		config.WithLogger(logging.Nop{}),
	)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration for bucket %q: %v; check AWS_PROFILE and the AWS config files", bucket, err)
	}
	// The retryer is set here rather than with config.WithRetryer, which
	// would make the chain ignore AWS_MAX_ATTEMPTS (and a profile's
	// max_attempts): a budget the user gives still counts.
	attempts := maxAttempts
	if cfg.RetryMaxAttempts > 0 {
		attempts, cfg.RetryMaxAttempts = cfg.RetryMaxAttempts, 0
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = maxBackoff
			o.RateLimiter = ratelimit.None
		})
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // S3-compatible servers ignore it; AWS redirects
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle })
	return &s3FS{c: c, bucket: bucket, prefix: prefix}, nil
}

func (b *s3FS) key(k string) string {
	switch {
	case b.prefix == "":
		return k
	case k == "":
		return b.prefix
	}
	return b.prefix + "/" + k
}

func (b *s3FS) where(k string) string {
	if k == "" {
		return "s3://" + b.bucket + "/" + b.prefix
	}
	return "s3://" + b.bucket + "/" + b.key(k)
}

// ctx bounds one call: retries included, no single request of the store
// may hang a task forever on a dead server.
func (b *s3FS) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Minute)
}

func sha256b64(p []byte) *string {
	sum := sha256.Sum256(p)
	return aws.String(base64.StdEncoding.EncodeToString(sum[:]))
}

func (b *s3FS) put(k string, data []byte) error { return b.putObject(k, data, false) }

func (b *s3FS) create(k string, data []byte) error { return b.putObject(k, data, true) }

// putObject uploads data with its SHA-256, so S3 itself rejects a body
// damaged on the way; exclusive adds If-None-Match: *.
func (b *s3FS) putObject(k string, data []byte, exclusive bool) error {
	ctx, cancel := b.ctx()
	defer cancel()
	in := &s3.PutObjectInput{
		Bucket:         &b.bucket,
		Key:            aws.String(b.key(k)),
		Body:           bytes.NewReader(data),
		ContentLength:  aws.Int64(int64(len(data))),
		ChecksumSHA256: sha256b64(data),
	}
	if exclusive {
		in.IfNoneMatch = aws.String("*")
	}
	_, err := b.c.PutObject(ctx, in)
	return b.err("put", k, err)
}

func (b *s3FS) open(k string) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancel(context.Background())
	out, err := b.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(k))})
	if err != nil {
		cancel()
		return nil, b.err("get", k, err)
	}
	return &bodyReader{ReadCloser: out.Body, cancel: cancel, b: b, k: k, size: aws.ToInt64(out.ContentLength)}, nil
}

// bodyReader names the object in a read error and frees the request's
// context on Close.
type bodyReader struct {
	io.ReadCloser
	cancel context.CancelFunc
	b      *s3FS
	k      string
	size   int64
}

// Size is the object's size, from the GET's Content-Length.
func (r *bodyReader) Size() int64 { return r.size }

func (r *bodyReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("reading %q: %w", r.b.where(r.k), err)
	}
	return n, err
}

func (r *bodyReader) Close() error {
	err := r.ReadCloser.Close()
	r.cancel()
	return err
}

func (b *s3FS) readFile(k string) ([]byte, error) {
	ctx, cancel := b.ctx()
	defer cancel()
	out, err := b.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(k))})
	if err != nil {
		return nil, b.err("get", k, err)
	}
	defer out.Body.Close()
	buf := bytes.NewBuffer(make([]byte, 0, max(aws.ToInt64(out.ContentLength), 0)+bytes.MinRead))
	if _, err := buf.ReadFrom(out.Body); err != nil {
		return nil, fmt.Errorf("reading %q: %w", b.where(k), err)
	}
	return buf.Bytes(), nil
}

func (b *s3FS) stat(k string) (int64, error) {
	ctx, cancel := b.ctx()
	defer cancel()
	out, err := b.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(k))})
	if err != nil {
		return 0, b.err("head", k, err)
	}
	return aws.ToInt64(out.ContentLength), nil
}

func (b *s3FS) list(dir string) ([]entry, error) {
	ctx, cancel := b.ctx()
	defer cancel()
	prefix := b.key(dir)
	if prefix != "" {
		prefix += "/"
	}
	var es []entry
	p := s3.NewListObjectsV2Paginator(b.c, &s3.ListObjectsV2Input{
		Bucket: &b.bucket, Prefix: aws.String(prefix), Delimiter: aws.String("/"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, b.err("list", dir, err)
		}
		for _, cp := range page.CommonPrefixes {
			if name := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/"); name != "" {
				es = append(es, entry{name: name, dir: true})
			}
		}
		for _, o := range page.Contents {
			if name := strings.TrimPrefix(aws.ToString(o.Key), prefix); name != "" {
				es = append(es, entry{name: name})
			}
		}
	}
	return es, nil
}

func (b *s3FS) remove(k string) error {
	ctx, cancel := b.ctx()
	defer cancel()
	_, err := b.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: aws.String(b.key(k))})
	if err = b.err("delete", k, err); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// err turns an SDK error into the store's terms: fs.ErrNotExist for a
// missing key, fs.ErrExist for a failed If-None-Match, and one line naming
// the bucket and the fix for the errors a user can fix.
func (b *s3FS) err(op, k string, err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	code, msg := "", ""
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	switch {
	case code == "NoSuchBucket":
		return fmt.Errorf("bucket %q does not exist; create it or fix --datastore-root", b.bucket)
	case code == "NoSuchKey" || code == "NotFound" || code == "NoSuchUpload" || status == 404 && code == "":
		// Only a 404 that says the key is missing: versitygw, for one,
		// answers an unknown access key with 404 XAdminUserNotFound,
		// which must not read as an empty datastore.
		return &fs.PathError{Op: op, Path: b.where(k), Err: fs.ErrNotExist}
	case code == "PreconditionFailed" || status == 412:
		return &fs.PathError{Op: op, Path: b.where(k), Err: fs.ErrExist}
	case code == "ConditionalRequestConflict" || status == 409:
		// A concurrent conditional write to the same key: the other
		// writer takes it, as if it had existed.
		return &fs.PathError{Op: op, Path: b.where(k), Err: fs.ErrExist}
	case status == 403 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "AccessDenied" ||
		code == "ExpiredToken" || code == "InvalidToken" || code == "XAdminUserNotFound":
		if code == "" {
			code = "403 Forbidden"
		}
		return fmt.Errorf("access to bucket %q denied (%s); check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID) and the bucket's policy", b.bucket, code)
	}
	if strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "no EC2 IMDS role") {
		return fmt.Errorf("no AWS credentials to reach bucket %q; set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", b.bucket)
	}
	if code != "" {
		return fmt.Errorf("s3 %s %q: %s: %s", op, b.where(k), code, msg)
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		err = oe.Err // drop "operation error S3: X," already said by op
	}
	return fmt.Errorf("s3 %s %q: %v", op, b.where(k), err)
}
