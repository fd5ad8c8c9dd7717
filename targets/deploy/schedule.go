package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// Schedule is a //flow:schedule as the engines take it. The generator has
// already checked the cron expression (six AWS fields) and the timezone,
// so this only translates.
type Schedule struct {
	Cron     string // the AWS 6-field cron, as the graph carries it
	Timezone string // a tz database name; "" is UTC
}

// ScheduleOf is the schedule of g, nil when it has none.
func ScheduleOf(g *rt.Graph) *Schedule {
	if g.Schedule == nil || g.Schedule.Cron == "" {
		return nil
	}
	return &Schedule{Cron: g.Schedule.Cron, Timezone: g.Schedule.Timezone}
}

// AWS is the EventBridge Scheduler expression, "cron(...)".
func (s *Schedule) AWS() string { return "cron(" + s.Cron + ")" }

// TZ is the timezone for EventBridge Scheduler's
// ScheduleExpressionTimezone and Argo's CronWorkflow timezone.
func (s *Schedule) TZ() string {
	if s.Timezone == "" {
		return "UTC"
	}
	return s.Timezone
}

// Unix is the expression in the 5 fields of a Unix cron (Argo's
// CronWorkflow): the year must be "*", "?" becomes "*", and weekdays go
// from AWS's 1-7 (SUN-SAT) to 0-6. AWS-only syntax (L, W, #, a year) has
// no Unix form: a one-line error for that target.
func (s *Schedule) Unix() (string, error) {
	f := strings.Fields(s.Cron)
	if len(f) != 6 {
		return "", fmt.Errorf("schedule cron %q does not have 6 fields; fix the //flow:schedule and run go generate", s.Cron)
	}
	if f[5] != "*" {
		return "", fmt.Errorf("schedule cron %q sets a year (%q), which a Unix cron cannot express; use \"*\" for the year", s.Cron, f[5])
	}
	for i, v := range f[:5] {
		if awsOnly(v) {
			return "", fmt.Errorf("schedule cron %q uses %q in its %s, which is AWS-only; write it with plain values, ranges and lists", s.Cron, v, strings.Fields(cronFieldNames)[i])
		}
		if v == "?" {
			f[i] = "*"
		}
	}
	dow, err := unixWeekdays(f[4])
	if err != nil {
		return "", fmt.Errorf("schedule cron %q: %v", s.Cron, err)
	}
	f[4] = dow
	return strings.Join(f[:5], " "), nil
}

const cronFieldNames = "minutes hours day-of-month month day-of-week year"

// cronNames are the month and weekday names, the same in AWS and Unix cron.
var cronNames = strings.Fields("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC SUN MON TUE WED THU FRI SAT")

// awsOnly reports whether a cron field uses L, W or # outside a name: WED
// and JUL hold a W and an L, and are plain Unix cron.
func awsOnly(v string) bool {
	for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == '-' || r == '/' }) {
		isName := slices.ContainsFunc(cronNames, func(n string) bool { return strings.EqualFold(n, part) })
		if !isName && strings.ContainsAny(part, "LW#") {
			return true
		}
	}
	return false
}

// unixWeekdays renumbers AWS weekday digits (1 = SUN) to Unix (0 = SUN).
// Names are the same in both and stay as written.
func unixWeekdays(v string) (string, error) {
	if v == "*" {
		return v, nil
	}
	var out strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			out.WriteByte(c)
			continue
		}
		j := i
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		// A number after '/' is an increment, not a weekday.
		if i > 0 && v[i-1] == '/' {
			out.WriteString(v[i:j])
		} else {
			n := 0
			for _, d := range v[i:j] {
				n = n*10 + int(d-'0')
			}
			if n < 1 || n > 7 {
				return "", fmt.Errorf("day-of-week %d is out of range; use 1-7 (SUN-SAT)", n)
			}
			fmt.Fprintf(&out, "%d", n-1)
		}
		i = j - 1
	}
	return out.String(), nil
}
