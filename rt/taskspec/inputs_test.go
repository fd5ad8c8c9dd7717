package taskspec

import (
	"reflect"
	"testing"
)

func TestFormatParse(t *testing.T) {
	refs := []StepTask{{"A", 3}, {"B", 4}, {"B", 5}, {"B", 9}, {"C", 7}}
	s := FormatInputPaths("12", refs)
	if want := "12/A/3,12/B/:4,5,9,12/C/7"; s != want {
		t.Fatalf("Format = %q, want %q", s, want)
	}
	got, err := ParseInputPaths(s)
	if err != nil {
		t.Fatal(err)
	}
	want := []Ref{{"12", "A", "3"}, {"12", "B", "4"}, {"12", "B", "5"}, {"12", "B", "9"}, {"12", "C", "7"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse = %v, want %v", got, want)
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"", "5", "1/A", "1/A/2/3", "1/../2", "1/A/:2,..", "1/A/2,/x", "1/A/:"} {
		if _, err := ParseInputPaths(s); err == nil {
			t.Errorf("ParseInputPaths(%q) accepted", s)
		}
	}
}

func TestParseRef(t *testing.T) {
	r, err := ParseRef("12/Start/3")
	if err != nil || r != (Ref{"12", "Start", "3"}) {
		t.Errorf("ParseRef(12/Start/3) = %+v, %v", r, err)
	}
	for _, bad := range []string{"", "12/Start", "12/Start/3/4", "../Start/3", "12/../3", "12/Start/"} {
		if _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q): want an error", bad)
		}
	}
}
