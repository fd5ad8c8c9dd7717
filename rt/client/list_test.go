package client

import (
	"context"
	"slices"
	"testing"
)

// ListRuns answers from the run index with the namespace rules of Runs.
func TestListRunsNamespaceAndStatus(t *testing.T) {
	f := newFixture(t)
	f.run("F", "user:alice", "succeeded", "gold")
	f.run("F", "user:bob", "succeeded", "gold")
	f.run("F", "user:alice", "failed")
	ctx := context.Background()
	ids := func(rs []RunInfo) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	c := f.client()
	got, total, err := c.ListRuns(ctx, RunQuery{Flow: "F"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(got), []string{"3", "1"}) || total != 2 {
		t.Errorf("alice's runs = %v (total %d), want [3 1]", ids(got), total)
	}
	c.Namespace("")
	got, _, _ = c.ListRuns(ctx, RunQuery{Tags: []string{"gold"}})
	if !slices.Equal(ids(got), []string{"2", "1"}) {
		t.Errorf("gold runs in all namespaces = %v, want [2 1]", ids(got))
	}
	got, _, _ = c.ListRuns(ctx, RunQuery{Status: StatusFailed})
	if !slices.Equal(ids(got), []string{"3"}) || got[0].Status != StatusFailed {
		t.Errorf("failed runs = %+v, want run 3", got)
	}
	if _, _, err := c.ListRuns(ctx, RunQuery{Flow: "../x"}); err == nil {
		t.Error("ListRuns with flow ../x: no error")
	}
}
