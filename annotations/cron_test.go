package annotations

import (
	"strings"
	"testing"
)

// TestCronValid: expressions AWS accepts (its documentation's examples
// among them) pass.
func TestCronValid(t *testing.T) {
	for _, expr := range []string{
		"0 10 * * ? *",
		"15 12 * * ? *",
		"0 18 ? * MON-FRI *",
		"0 8 1 * ? *",
		"0/15 * * * ? *",
		"0/10 * ? * MON-FRI *",
		"0/5 8-17 ? * MON-FRI *",
		"0 9 ? * 2#1 *",
		"*/5 * * * ? *",
		"0 0 L * ? 2026",
		"0 0 LW * ? *",
		"0 0 15W * ? *",
		"0 0 ? * L *",
		"0 0 ? * 6L *",
		"0 0 ? * FRI#3 2026-2030",
		"0,30 0-23/2 1,15 JAN-JUN,dec ? 1970/5",
		"59 23 31 12 ? 2199",
		"0 0 ? * SUN,SAT *",
		// Names that hold a wildcard's letter (W, L) are names.
		"0 12 ? * WED *",
		"0 12 ? * MON,WED,FRI *",
		"0 12 ? * MON-WED *",
		"0 12 ? * wed *",
		"0 0 1 JUL ? *",
		"0 0 1 JUN-JUL,DEC ? *",
	} {
		if probs := checkCron(expr); len(probs) != 0 {
			t.Errorf("%q: want valid, got %q", expr, probs)
		}
	}
}

// TestCronInvalid: each bad expression gives messages naming the field,
// the bad part and the fix.
func TestCronInvalid(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{"99 25 * * ? *", `minutes "99" has 99, out of range; use 0-59`},
		{"99 25 * * ? *", `hours "25" has 25, out of range; use 0-23`},
		{"0 10 32 * ? *", `day-of-month "32" has 32, out of range; use 1-31`},
		{"0 10 0 * ? *", `day-of-month "0" has 0, out of range; use 1-31`},
		{"0 10 * 13 ? *", `month "13" has 13, out of range; use 1-12`},
		{"0 10 * FOO ? *", `month "FOO" has "FOO", which is not a value; use a number from 1 to 12 or a name JAN-DEC`},
		{"0 10 ? * 0 *", `day-of-week "0" has 0, out of range; use 1-7`},
		{"0 10 ? * 8 *", `day-of-week "8" has 8, out of range; use 1-7`},
		{"0 10 * * ? 1969", `year "1969" has 1969, out of range; use 1970-2199`},
		{"0 10 * * ? 2200", `year "2200" has 2200, out of range; use 1970-2199`},
		{"0 10 * * * *", `day-of-month and day-of-week cannot both be set; write "?" in one of them`},
		{"0 10 1 * MON *", `day-of-month and day-of-week cannot both be set`},
		{"0 10 ? * ? *", `day-of-month and day-of-week are both "?"`},
		{"? 10 * * ? *", `minutes "?" is not allowed; "?" goes only in day-of-month or day-of-week`},
		{"0 10 ? * MON/2 *", `day-of-week "MON/2" has an increment; "/" is not allowed in day-of-week`},
		{"0/0 10 * * ? *", `minutes "0/0" has a bad increment "0"; use a number from 1 to 59`},
		{"0 17-9 * * ? *", `hours "17-9" has a range "17-9" that runs backwards`},
		{"0 10 1,,2 * ? *", `day-of-month "1,,2" has an empty list item`},
		{"0 10 1,L * ? *", `day-of-month "1,L" mixes "L" with other values`},
		{"0 10 ? * WED,L *", `day-of-week "WED,L" mixes "L" with other values`},
		{"0 10 ? * MON-WEDL *", `day-of-week "MON-WEDL" mixes "MON-WEDL" with other values`},
		{"0 10 32W * ? *", `day-of-month "32W" has 32, out of range; use 1-31 (15W is the weekday nearest the 15th)`},
		{"0 10 ? * 2#6 *", `day-of-week "2#6" has "6" after #; use 1 to 5`},
		{"0 10 ? * 9L *", `day-of-week "9L" has 9, out of range; use 1-7`},
		{"0 10 L * L *", `day-of-month and day-of-week cannot both be set`},
		{"0 10 * * ? * *", `found 7 fields, AWS cron has 6 (minutes hours day-of-month month day-of-week year)`},
		{"*/5 * * * *", `AWS cron has 6 fields (minutes hours day-of-month month day-of-week year), this one has 5; write cron="*/5 * * * ? *"`},
		{"0 9 * * MON-FRI", `this one has 5; write cron="0 9 ? * MON-FRI *"`},
		{"0 9 * * 1-5", `this one has 5; add the year ("*") and write "?" in day-of-month or day-of-week (AWS numbers weekdays 1-7 from SUN)`},
		{"a b c d e f", `minutes "a" has "a", which is not a value; use a number from 0 to 59`},
		{"-1 10 * * ? *", `minutes "-1" has a range "-1" with an end missing`},
	} {
		probs := checkCron(c.expr)
		if !strings.Contains(strings.Join(probs, "\n"), c.want) {
			t.Errorf("%q: want a message containing %q, got %q", c.expr, c.want, probs)
		}
	}
}

func TestTimezone(t *testing.T) {
	for _, tz := range []string{"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Etc/GMT+5"} {
		if p := checkTimezone(tz); p != "" {
			t.Errorf("%q: want valid, got %q", tz, p)
		}
	}
	for _, tz := range []string{"Mars/Olympus", "Local", "", "Europe/ Paris", "europe/paris", "../etc/passwd", "Europe/Paris\x00"} {
		if p := checkTimezone(tz); p == "" {
			t.Errorf("%q: want an error", tz)
		}
	}
}
