package store

import "testing"

func TestProjectToken(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := s.ProjectToken("p", "prod"); err != nil || tok != "" {
		t.Fatalf("none yet: %q %v", tok, err)
	}
	if tok, err := s.ClaimProjectToken("p", "prod", "p-first", false); err != nil || tok != "p-first" {
		t.Fatalf("first claim: %q %v", tok, err)
	}
	if tok, err := s.ClaimProjectToken("p", "prod", "p-second", false); err != nil || tok != "p-first" {
		t.Fatalf("second claim: %q %v; want the first's token", tok, err)
	}
	if tok, err := s.ClaimProjectToken("p", "prod", "p-rotated", true); err != nil || tok != "p-rotated" {
		t.Fatalf("rotation: %q %v", tok, err)
	}
	if tok, _ := s.ProjectToken("p", "prod"); tok != "p-rotated" {
		t.Errorf("after rotation: %q", tok)
	}
	if flows, _ := s.ListFlows(); len(flows) != 0 {
		t.Errorf("the project record shows as flows %q", flows)
	}
	if _, err := s.ClaimProjectToken("p", "../x", "t", false); err == nil {
		t.Error("a branch with a path in it was accepted")
	}
}
