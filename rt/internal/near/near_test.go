package near

import "testing"

func TestMatch(t *testing.T) {
	steps := []string{"Start", "A", "B", "Square", "Join", "End"}
	for name, want := range map[string]string{
		"start": "Start", "END": "End", "Sqaure": "Square", "Jion": "Join", "join": "Join",
		"C": "", "Nothing": "", "Strt": "Start", "a": "A",
	} {
		if got := Match(name, steps); got != want {
			t.Errorf("Match(%q) = %q, want %q", name, got, want)
		}
	}
}
