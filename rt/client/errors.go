package client

import "fmt"

// notFoundError reads as its message alone but matches ErrNotFound, so the
// text stays one clean line while errors.Is still works.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }
func (e *notFoundError) Unwrap() error { return ErrNotFound }

func notFound(format string, args ...any) error {
	return &notFoundError{msg: fmt.Sprintf(format, args...)}
}
