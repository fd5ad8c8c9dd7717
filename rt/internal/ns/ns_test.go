package ns

import (
	"errors"
	"os/user"
	"slices"
	"strings"
	"testing"
)

func TestUserFromEnv(t *testing.T) {
	t.Setenv("FLOWC_USER", "alice")
	if got := User(); got != "alice" {
		t.Errorf("User() = %q, want %q", got, "alice")
	}
}

func TestUserFallsBackToOSUser(t *testing.T) {
	t.Setenv("FLOWC_USER", "")
	want := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		want = u.Username
		if i := strings.LastIndexByte(want, '\\'); i >= 0 {
			want = want[i+1:]
		}
	}
	if got := User(); got != want {
		t.Errorf("User() = %q, want %q", got, want)
	}
}

func TestDefaultNamespace(t *testing.T) {
	if got := DefaultNamespace("bob"); got != "user:bob" {
		t.Errorf("DefaultNamespace(bob) = %q", got)
	}
}

func TestVisible(t *testing.T) {
	cases := []struct {
		run, current string
		want         bool
	}{
		{"user:bob", "user:bob", true},
		{"user:bob", "user:alice", false},
		{"user:bob", "", true},
		{"", "", true},
		{"", "user:alice", false},
		{"production:abc", "user:alice", false},
	}
	for _, c := range cases {
		if got := Visible(c.run, c.current); got != c.want {
			t.Errorf("Visible(%q, %q) = %v, want %v", c.run, c.current, got, c.want)
		}
	}
}

func TestSysTags(t *testing.T) {
	got := SysTags("bob", Version)
	want := []string{"user:bob", "runtime:flowc-" + Version}
	if !slices.Equal(got, want) {
		t.Errorf("SysTags = %q, want %q", got, want)
	}
}

func TestNotInNamespace(t *testing.T) {
	err := Check(`run 12 of flow "X"`, "user:bob", "user:alice")
	var nin *NotInNamespace
	if !errors.As(err, &nin) {
		t.Fatalf("Check returned %v, want a *NotInNamespace", err)
	}
	want := `run 12 of flow "X" is in namespace "user:bob", not in the current namespace "user:alice"; pass --namespace user:bob or --namespace "" for all namespaces`
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	if err := Check("x", "user:bob", ""); err != nil {
		t.Errorf("global namespace: Check = %v, want nil", err)
	}
	odd := (&NotInNamespace{What: "x", Namespace: "team a", Current: "user:c"}).Error()
	if !strings.Contains(odd, `--namespace "team a"`) {
		t.Errorf("a namespace with a space must be quoted: %s", odd)
	}
}
