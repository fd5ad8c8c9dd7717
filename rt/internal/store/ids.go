package store

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// maxIDLen bounds an id; well under NAME_MAX (255) with room for suffixes.
const maxIDLen = 200

// ValidID reports an error naming what for any id that is empty, has a "/",
// "..", a NUL or other path tricks. Ids become path components (and S3 key
// parts), so only letters, digits, '-', '_' and '.' are allowed, and a
// leading '-' (an option to other tools) or '.' (hidden, and our temp files)
// is not.
func ValidID(what, id string) error {
	for _, r := range id {
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("%s %q is not valid; ids are integers or names made of letters, digits, '-', '_' and '.'", what, id)
		}
	}
	switch {
	case id == "":
		return fmt.Errorf("%s %q is not valid; ids are integers or names made of letters, digits, '-', '_' and '.'", what, id)
	case id[0] == '-' || id[0] == '.':
		return fmt.Errorf("%s %q is not valid; ids do not start with '-' or '.'", what, id)
	case len(id) > maxIDLen:
		return fmt.Errorf("%s %q... is not valid; ids have at most %d characters", what, id[:40], maxIDLen)
	}
	return nil
}

// validHash checks a blob name before it becomes a path.
func validHash(h string) error {
	if len(h) != 64 {
		return fmt.Errorf("blob hash %q is not valid; hashes are 64 lowercase hex digits", h)
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("blob hash %q is not valid; hashes are 64 lowercase hex digits", h)
		}
	}
	return nil
}

func (p TaskPath) validate() error {
	if err := ValidID("flow", p.Flow); err != nil {
		return err
	}
	if err := ValidID("run id", p.Run); err != nil {
		return err
	}
	if err := ValidID("step", p.Step); err != nil {
		return err
	}
	return ValidID("task id", p.Task)
}

// String is the "flow/run/step/task" form used in messages.
func (p TaskPath) String() string { return p.Flow + "/" + p.Run + "/" + p.Step + "/" + p.Task }

// Keys: slash-separated, relative to the root.

func blobKey(flow, hash string) string { return flow + "/data/" + hash[:2] + "/" + hash }

func runKey(flow, run string) string { return flow + "/" + run }

func taskKey(p TaskPath) string { return p.Flow + "/" + p.Run + "/" + p.Step + "/" + p.Task }

// attemptKey names one file of an attempt, e.g. "F/1/Start/0/2.done".
func attemptKey(p TaskPath, attempt int, suffix string) string {
	return taskKey(p) + "/" + strconv.Itoa(attempt) + "." + suffix
}

func validAttempt(p TaskPath, attempt int) error {
	if attempt < 0 {
		return fmt.Errorf("attempt %d of task %q is not valid; attempts count from 0", attempt, p)
	}
	return nil
}
