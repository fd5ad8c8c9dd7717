package task

import (
	"slices"
	"testing"
)

// eachItem is what a foreach body reads its item with; splitArray, what the
// foreach step cuts its chunks with. Both must find the same elements, commas
// and brackets inside strings and nested values included.
func TestEachItem(t *testing.T) {
	b := []byte(`[1,"a,b","x\"],",[2,[3]],{"k":[4,"}"]},null]`)
	want := []string{`1`, `"a,b"`, `"x\"],"`, `[2,[3]]`, `{"k":[4,"}"]}`, `null`}
	var got []string
	n, err := eachItem(b, func(k int, it []byte) {
		if k != len(got) {
			t.Errorf("item %q has index %d, want %d", it, k, len(got))
		}
		got = append(got, string(it))
	})
	if err != nil || n != len(want) || !slices.Equal(got, want) {
		t.Fatalf("eachItem = %d, %q, %v; want %d, %q", n, got, err, len(want), want)
	}
	items, err := splitArray(b)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range items {
		if string(it) != want[i] {
			t.Errorf("splitArray item %d = %q, want %q", i, it, want[i])
		}
	}
	if n, err := eachItem([]byte(`[]`), func(int, []byte) { t.Error("an empty array has no items") }); n != 0 || err != nil {
		t.Errorf("eachItem([]) = %d, %v", n, err)
	}
	for _, bad := range []string{`[1,]`, `[1,[2]`, `[1,"a]`, `{1}`, `[1]]`, ``} {
		if _, err := eachItem([]byte(bad), func(int, []byte) {}); err == nil {
			t.Errorf("eachItem(%q) took it for an array", bad)
		}
		if _, err := splitArray([]byte(bad)); err == nil {
			t.Errorf("splitArray(%q) took it for an array", bad)
		}
	}
}
