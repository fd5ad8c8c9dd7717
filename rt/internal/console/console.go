// Package console formats the lines flowc prints while running, so the
// scheduler and the tasks it starts agree on one look:
//
//	2026-11-21 10:00:00.123 [<run>/<step>/<task> (pid N)] message
package console

import (
	"strconv"
	"time"
)

const stampLayout = "2006-01-02 15:04:05.000"

// AppendPrefix appends the timestamp and the bracketed origin (with a
// trailing space) to b. pid <= 0 leaves the pid out.
func AppendPrefix(b []byte, t time.Time, origin string, pid int) []byte {
	b = t.AppendFormat(b, stampLayout)
	b = append(b, " ["...)
	b = append(b, origin...)
	if pid > 0 {
		b = append(b, " (pid "...)
		b = strconv.AppendInt(b, int64(pid), 10)
		b = append(b, ')')
	}
	return append(b, "] "...)
}

// Line returns one full console line, newline included.
func Line(origin string, pid int, msg string) []byte {
	b := AppendPrefix(make([]byte, 0, 64+len(msg)), time.Now(), origin, pid)
	b = append(b, msg...)
	return append(b, '\n')
}
