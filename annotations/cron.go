package annotations

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// The generator checks timezones against the tz database; embedding
	// it makes the check the same on every machine (and costs the flow
	// binary nothing: it never links annotations).
	_ "time/tzdata"
)

// An AWS cron expression (EventBridge and EventBridge Scheduler, which the
// Step Functions target deploys a //flow:schedule to) has six fields. AWS
// checks it only at deploy time, so the generator checks it fully here:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
type cronField struct {
	name     string
	min, max int
	names    []string // names for min, min+1, ... (month and weekday names)
	slash    bool     // increments allowed
	question bool     // "?" allowed
}

var cronFields = []cronField{
	{name: "minutes", min: 0, max: 59, slash: true},
	{name: "hours", min: 0, max: 23, slash: true},
	{name: "day-of-month", min: 1, max: 31, slash: true, question: true},
	{name: "month", min: 1, max: 12, slash: true, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, question: true, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
	{name: "year", min: 1970, max: 2199, slash: true},
}

const cronFieldNames = "minutes hours day-of-month month day-of-week year"

// checkCron returns what is wrong with expr as an AWS cron expression, one
// message per problem (each without the "bad cron" prefix), or nil.
func checkCron(expr string) []string {
	fields := strings.Fields(expr)
	if len(fields) == 5 {
		msg := "AWS cron has 6 fields (" + cronFieldNames + "), this one has 5"
		if fix := sixFields(fields); fix != "" {
			msg += fmt.Sprintf("; write cron=%q", fix)
		} else {
			msg += `; add the year ("*") and write "?" in day-of-month or day-of-week (AWS numbers weekdays 1-7 from SUN)`
		}
		return []string{msg}
	}
	if len(fields) != 6 {
		return []string{fmt.Sprintf("found %d fields, AWS cron has 6 (%s); e.g. cron=\"0 10 * * ? *\"", len(fields), cronFieldNames)}
	}
	var probs []string
	for i, f := range fields {
		if p := cronFields[i].check(f); p != "" {
			probs = append(probs, p)
		}
	}
	switch dom, dow := fields[2] == "?", fields[4] == "?"; {
	case dom && dow:
		probs = append(probs, `day-of-month and day-of-week are both "?"; set one of them, e.g. "*" for day-of-month`)
	case !dom && !dow:
		probs = append(probs, `day-of-month and day-of-week cannot both be set; write "?" in one of them, e.g. cron="0 10 * * ? *"`)
	}
	return probs
}

// sixFields rewrites a Unix 5-field cron as AWS's 6 fields when the
// meaning cannot change: Unix numbers weekdays 0-6 from Sunday, AWS 1-7, so
// a weekday given in digits is left to the user.
func sixFields(f []string) string {
	switch {
	case f[4] == "*":
		return strings.Join([]string{f[0], f[1], f[2], f[3], "?", "*"}, " ")
	case f[2] == "*" && !strings.ContainsAny(f[4], "0123456789"):
		return strings.Join([]string{f[0], f[1], "?", f[3], f[4], "*"}, " ")
	}
	return ""
}

// check validates one field; "" when it is good.
func (c cronField) check(s string) string {
	bad := func(format string, args ...any) string {
		return fmt.Sprintf("%s %q ", c.name, s) + fmt.Sprintf(format, args...)
	}
	if s == "?" {
		if !c.question {
			return bad(`is not allowed; "?" goes only in day-of-month or day-of-week`)
		}
		return ""
	}
	if p, ok := c.special(s); ok {
		return p
	}
	for _, item := range strings.Split(s, ",") {
		if item == "" {
			return bad("has an empty list item; separate values with single commas")
		}
		if c.hasSpecial(item) {
			return bad("mixes %q with other values; L, W, # and ? stand alone in their field", item)
		}
		base, step, hasStep := strings.Cut(item, "/")
		if hasStep {
			if !c.slash {
				return bad(`has an increment; "/" is not allowed in %s`, c.name)
			}
			n, err := strconv.Atoi(step)
			if err != nil || n < 1 || n > c.max {
				return bad("has a bad increment %q; use a number from 1 to %d", step, c.max)
			}
		}
		if base == "*" {
			continue
		}
		lo, hi, isRange := strings.Cut(base, "-")
		if lo == "" || isRange && hi == "" {
			return bad("has a range %q with an end missing; write it as 1-5", base)
		}
		a, p := c.value(lo)
		if p != "" {
			return bad("%s", p)
		}
		if isRange {
			b, p := c.value(hi)
			if p != "" {
				return bad("%s", p)
			}
			if a > b {
				return bad("has a range %q that runs backwards; write the smaller value first", base)
			}
		}
	}
	return ""
}

// hasSpecial reports whether a list item holds one of the wildcards that
// stand alone (? L W #) outside a name: WED and JUL hold a W and an L.
func (c cronField) hasSpecial(item string) bool {
	for part := range strings.FieldsFuncSeq(item, func(r rune) bool { return r == '-' || r == '/' }) {
		if _, p := c.value(part); p != "" && strings.ContainsAny(part, "?LW#") {
			return true
		}
	}
	return false
}

// special handles the fields' own wildcards: L and W in day-of-month, L
// and # in day-of-week. ok is false when s is none of them.
func (c cronField) special(s string) (prob string, ok bool) {
	bad := func(format string, args ...any) string {
		return fmt.Sprintf("%s %q ", c.name, s) + fmt.Sprintf(format, args...)
	}
	switch c.name {
	case "day-of-month":
		switch {
		case s == "L" || s == "LW":
			return "", true
		case strings.HasSuffix(s, "W") && !strings.ContainsAny(s, ",-/*"):
			if _, p := c.value(strings.TrimSuffix(s, "W")); p != "" {
				return bad("%s (15W is the weekday nearest the 15th)", p), true
			}
			return "", true
		}
	case "day-of-week":
		switch {
		case s == "L":
			return "", true
		case strings.HasSuffix(s, "L") && !strings.ContainsAny(s, ",-/*#"):
			if _, p := c.value(strings.TrimSuffix(s, "L")); p != "" {
				return bad("%s (6L is the last Friday of the month)", p), true
			}
			return "", true
		case strings.Contains(s, "#") && !strings.ContainsAny(s, ",-/*"):
			day, nth, _ := strings.Cut(s, "#")
			if _, p := c.value(day); p != "" {
				return bad("%s (3#2 is the second Tuesday of the month)", p), true
			}
			if n, err := strconv.Atoi(nth); err != nil || n < 1 || n > 5 {
				return bad("has %q after #; use 1 to 5 (3#2 is the second Tuesday of the month)", nth), true
			}
			return "", true
		}
	}
	return "", false
}

// value parses one number or name of the field and checks its range.
func (c cronField) value(s string) (int, string) {
	for i, n := range c.names {
		if strings.EqualFold(s, n) {
			return c.min + i, ""
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' {
		want := fmt.Sprintf("a number from %d to %d", c.min, c.max)
		if c.names != nil {
			want += fmt.Sprintf(" or a name %s-%s", c.names[0], c.names[len(c.names)-1])
		}
		return 0, fmt.Sprintf("has %q, which is not a value; use %s", s, want)
	}
	if n < c.min || n > c.max {
		return 0, fmt.Sprintf("has %d, out of range; use %d-%d", n, c.min, c.max)
	}
	return n, ""
}

// checkTimezone reports whether name is a zone of the tz database, as
// EventBridge Scheduler wants it ("" when it is).
func checkTimezone(name string) string {
	if name == "" || name == "Local" || strings.ContainsAny(name, " \t") {
		return "; use a tz database name such as Europe/Paris or UTC"
	}
	if _, err := time.LoadLocation(name); err != nil {
		return " is not in the tz database; use a name such as Europe/Paris or UTC"
	}
	return ""
}
