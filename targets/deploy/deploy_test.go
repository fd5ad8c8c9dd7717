package deploy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/rt"
)

func TestName(t *testing.T) {
	cases := []struct {
		n          Naming
		name, br   string
		key, error string
	}{
		{n: Naming{Flow: "F", User: "alice"}, name: "F", key: "flow.F"},
		{n: Naming{Flow: "F", Project: "p", User: "Alice.B@x.org"}, name: "p.user.alice_b_x_org.F", br: "user.alice_b_x_org", key: "project.p.user.alice_b_x_org"},
		{n: Naming{Flow: "F", Project: "p", User: "a", Branch: "b1"}, name: "p.test.b1.F", br: "test.b1", key: "project.p.test.b1"},
		{n: Naming{Flow: "F", Project: "p", User: "a", Production: true}, name: "p.prod.F", br: "prod", key: "project.p.prod"},
		{n: Naming{Flow: "F", Project: "p", User: "a", Production: true, Branch: "b"}, name: "p.prod.b.F", br: "prod.b", key: "project.p.prod.b"},
		{n: Naming{Flow: "F", Branch: "b"}, error: `--branch "b" needs a //flow:project`},
		{n: Naming{Flow: "F", Production: true}, error: `--production needs a //flow:project`},
		{n: Naming{Flow: "F", Project: "p", Branch: "a.b"}, error: `--branch "a.b" has '.'`},
	}
	for _, c := range cases {
		d, err := Name(c.n)
		if c.error != "" {
			if err == nil || !strings.Contains(err.Error(), c.error) {
				t.Errorf("Name(%+v) = %v; want error %q", c.n, err, c.error)
			}
			continue
		}
		if err != nil || d.Name != c.name || d.Branch != c.br || d.TokenKey != c.key {
			t.Errorf("Name(%+v) = %+v, %v; want %s %s %s", c.n, d, err, c.name, c.br, c.key)
		}
	}
	d, _ := Name(Naming{Flow: "F", Project: "p", Production: true})
	if tags := d.Tags(); len(tags) != 2 || tags[0] != "project:p" || tags[1] != "project_branch:prod" {
		t.Errorf("Tags = %q", tags)
	}
}

func TestShortenAndMap(t *testing.T) {
	if got := Shorten("short", 80); got != "short" {
		t.Errorf("Shorten(short) = %q", got)
	}
	long := strings.Repeat("a", 100)
	s := Shorten(long, 80)
	if len(s) != 80 || !strings.HasSuffix(s, "-"+Hash(long)) {
		t.Errorf("Shorten(100 a's) = %q (%d)", s, len(s))
	}
	if Shorten(long, 80) != s || Shorten(long+"b", 80) == s {
		t.Error("Shorten is not deterministic, or two names met")
	}
	jobName := func(r rune) bool { return r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }
	a, b := Map("p.prod.F", jobName, '_', 128), Map("p_prod_F", jobName, '_', 128)
	if a == b || strings.ContainsRune(a, '.') {
		t.Errorf("Map: %q and %q", a, b)
	}
	if got := Map("plain", jobName, '_', 128); got != "plain" {
		t.Errorf("Map(plain) = %q", got)
	}
	m := Map(strings.Repeat("x.", 100), jobName, '_', 64)
	if len(m) != 64 || !strings.HasSuffix(m, Hash(strings.Repeat("x.", 100))) {
		t.Errorf("Map of a long name = %q (%d)", m, len(m))
	}
}

type memShared map[string]string

func (m memShared) Get(_ context.Context, p, b string) (string, error) { return m[p+"/"+b], nil }
func (m memShared) Claim(_ context.Context, p, b, tok string, replace bool) (string, error) {
	if cur := m[p+"/"+b]; cur != "" && !replace {
		return cur, nil
	}
	m[p+"/"+b] = tok
	return tok, nil
}

// racer is a branch whose token another deployer claims between this
// deployer's Get and Claim.
type racer struct {
	memShared
	key, token string
}

func (r racer) Claim(ctx context.Context, p, b, tok string, replace bool) (string, error) {
	r.memShared[r.key] = r.token
	return r.memShared.Claim(ctx, p, b, tok, replace)
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	alice := &Tokens{Dir: filepath.Join(t.TempDir(), "alice")}
	bob := &Tokens{Dir: filepath.Join(t.TempDir(), "bob")}
	d, _ := Name(Naming{Flow: "F", User: "alice"})

	// First create: minted, saved.
	r, err := alice.Resolve(ctx, Request{Deployment: d})
	if err != nil || !r.Minted || !strings.HasPrefix(r.Token, "f-") {
		t.Fatalf("first create: %+v, %v", r, err)
	}
	if err := alice.Save(ctx, d, r); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(alice.Dir, d.TokenKey)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	tok := r.Token

	// Redeploy by its deployer: the same token, nothing minted.
	r, err = alice.Resolve(ctx, Request{Deployment: d, Recorded: tok})
	if err != nil || r.Minted || r.Token != tok {
		t.Fatalf("redeploy: %+v, %v", r, err)
	}
	// Someone else: refused, then authorized.
	if _, err := bob.Resolve(ctx, Request{Deployment: d, Recorded: tok}); err == nil || !strings.Contains(err.Error(), "--authorize") {
		t.Fatalf("redeploy by another deployer: %v", err)
	}
	if err := bob.Authorize(ctx, Request{Deployment: d, Recorded: tok}); err == nil {
		t.Fatal("delete by another deployer was allowed")
	}
	if _, err := bob.Resolve(ctx, Request{Deployment: d, Recorded: tok, Authorize: "wrong-one"}); err == nil {
		t.Fatal("a wrong --authorize was accepted")
	}
	r, err = bob.Resolve(ctx, Request{Deployment: d, Recorded: tok, Authorize: tok})
	if err != nil || r.Token != tok {
		t.Fatalf("authorized redeploy: %+v, %v", r, err)
	}
	if err := bob.Authorize(ctx, Request{Deployment: d, Recorded: tok, Authorize: tok}); err != nil {
		t.Fatal(err)
	}
	// Rotation needs the old token too, then mints.
	if _, err := bob.Resolve(ctx, Request{Deployment: d, Recorded: tok, GenerateNew: true}); err == nil {
		t.Fatal("--generate-new-token without the token was allowed")
	}
	r, err = alice.Resolve(ctx, Request{Deployment: d, Recorded: tok, GenerateNew: true})
	if err != nil || !r.Minted || r.Token == tok {
		t.Fatalf("rotation: %+v, %v", r, err)
	}
	if _, err := alice.Resolve(ctx, Request{Deployment: d, Authorize: "has space"}); err == nil {
		t.Fatal("a malformed --authorize was accepted")
	}
}

// All flows of a project branch share one token: the second flow's first
// create takes the branch's token, and someone without it is refused.
func TestProjectTokenShared(t *testing.T) {
	ctx := context.Background()
	shared := memShared{}
	alice := &Tokens{Dir: filepath.Join(t.TempDir(), "a"), Shared: shared}
	bob := &Tokens{Dir: filepath.Join(t.TempDir(), "b"), Shared: shared}
	first, _ := Name(Naming{Flow: "FirstFlow", Project: "demo_project", Production: true})
	second, _ := Name(Naming{Flow: "SecondFlow", Project: "demo_project", Production: true})
	r, err := alice.Resolve(ctx, Request{Deployment: first})
	if err != nil || !r.Minted {
		t.Fatal(r, err)
	}
	if err := alice.Save(ctx, first, r); err != nil {
		t.Fatal(err)
	}
	if shared["demo_project/prod"] != r.Token {
		t.Fatalf("shared = %v", shared)
	}
	if b, err := os.ReadFile(filepath.Join(alice.Dir, first.TokenKey)); err != nil || strings.TrimSpace(string(b)) != r.Token {
		t.Fatalf("the minted branch token is not cached: %q %v", b, err)
	}
	r2, err := alice.Resolve(ctx, Request{Deployment: second})
	if err != nil || r2.Minted || r2.Token != r.Token {
		t.Fatalf("second flow: %+v, %v; want the branch's token %s", r2, err, r.Token)
	}
	if _, err := bob.Resolve(ctx, Request{Deployment: second}); err == nil || !strings.Contains(err.Error(), `project "demo_project" branch "prod"`) {
		t.Fatalf("another deployer of the branch: %v", err)
	}
	if r3, err := bob.Resolve(ctx, Request{Deployment: second, Authorize: r.Token}); err != nil || r3.Token != r.Token {
		t.Fatalf("authorized: %+v %v", r3, err)
	}
	// Whoever holds the branch's token may delete any of its flows.
	if err := bob.Authorize(ctx, Request{Deployment: second, Recorded: r.Token}); err == nil {
		t.Fatal("delete by a deployer without the branch's token was allowed")
	}
	if err := alice.Authorize(ctx, Request{Deployment: second, Recorded: r.Token}); err != nil {
		t.Fatal(err)
	}
	// A rotation replaces the branch's token; the other flow, still
	// recorded with the old one, redeploys for the new token's holder
	// and moves to it.
	rot, err := alice.Resolve(ctx, Request{Deployment: first, Recorded: r.Token, GenerateNew: true})
	if err != nil || !rot.Minted || rot.Token == r.Token {
		t.Fatalf("rotation: %+v %v", rot, err)
	}
	if err := alice.Save(ctx, first, rot); err != nil || shared["demo_project/prod"] != rot.Token {
		t.Fatalf("after rotation: shared %v, %v", shared, err)
	}
	if r5, err := alice.Resolve(ctx, Request{Deployment: second, Recorded: r.Token}); err != nil || r5.Token != rot.Token {
		t.Fatalf("second flow after the rotation: %+v %v; want %s", r5, err, rot.Token)
	}
	// Two first creates of a new branch at once: the second to claim
	// takes the first's token (it does not hold it: refused).
	race := memShared{}
	carol := &Tokens{Dir: filepath.Join(t.TempDir(), "c"), Shared: race}
	dave := &Tokens{Dir: filepath.Join(t.TempDir(), "d"), Shared: racer{race, "demo_project/test.x", "won-aaaaaaaaaaaa"}}
	bx, _ := Name(Naming{Flow: "FirstFlow", Project: "demo_project", Branch: "x"})
	if _, err := dave.Resolve(ctx, Request{Deployment: bx}); err == nil || !strings.Contains(err.Error(), "--authorize") {
		t.Fatalf("a lost claim: %v; want the winner's token to guard the branch", err)
	}
	if r6, err := carol.Resolve(ctx, Request{Deployment: bx, Authorize: "won-aaaaaaaaaaaa"}); err != nil || r6.Token != "won-aaaaaaaaaaaa" {
		t.Fatalf("the winner's token: %+v %v", r6, err)
	}
	// Another branch has its own token.
	other, _ := Name(Naming{Flow: "FirstFlow", Project: "demo_project", User: "bob"})
	if r4, err := bob.Resolve(ctx, Request{Deployment: other}); err != nil || !r4.Minted || r4.Token == r.Token {
		t.Fatalf("user branch: %+v %v", r4, err)
	}
	msg := HowToShare(first, r.Token, "flow step-functions create")
	if !strings.Contains(msg, "--authorize "+r.Token) || !strings.Contains(msg, Namespace(r.Token)) {
		t.Errorf("HowToShare = %q", msg)
	}
}

func TestMintUsesRand(t *testing.T) {
	tk := &Tokens{Rand: bytes.NewReader(make([]byte, 12))}
	r, err := tk.Resolve(context.Background(), Request{Deployment: Deployment{Name: "p.prod.F", Project: "p", Branch: "prod", TokenKey: "project.p.prod"}})
	if err != nil || r.Token != "p-aaaaaaaaaaaa" {
		t.Errorf("mint = %+v, %v", r, err)
	}
}

func TestSchedule(t *testing.T) {
	if ScheduleOf(&rt.Graph{}) != nil {
		t.Error("a flow without a schedule has one")
	}
	s := ScheduleOf(&rt.Graph{Schedule: &rt.Schedule{Cron: "0 10 ? * MON-FRI *", Timezone: "Europe/Paris"}})
	if s.AWS() != "cron(0 10 ? * MON-FRI *)" || s.TZ() != "Europe/Paris" {
		t.Errorf("AWS = %q %q", s.AWS(), s.TZ())
	}
	for cron, want := range map[string]string{
		"0 0 * * ? *":      "0 0 * * *",
		"0 0 ? * SUN *":    "0 0 * * SUN",
		"15 10 ? * 2-6 *":  "15 10 * * 1-5",
		"0 */2 ? * 1,7 *":  "0 */2 * * 0,6",
		"0/5 * 1-15 * ? *": "0/5 * 1-15 * *",
		// Names holding a W or an L are names, not AWS wildcards.
		"0 10 ? * WED *":     "0 10 * * WED",
		"0 10 ? * MON,WED *": "0 10 * * MON,WED",
		"0 10 1 JUL ? *":     "0 10 1 JUL *",
		"0 10 1 JAN,JUL ? *": "0 10 1 JAN,JUL *",
	} {
		got, err := (&Schedule{Cron: cron}).Unix()
		if err != nil || got != want {
			t.Errorf("Unix(%q) = %q, %v; want %q", cron, got, err, want)
		}
	}
	for _, cron := range []string{"0 0 L * ? *", "0 0 ? * 6L *", "0 0 ? * 3#2 *", "0 0 * * ? 2030", "0 0 15W * ? *", "0 0 ? * WED#2 *", "0 0 1,L * ? *"} {
		if _, err := (&Schedule{Cron: cron}).Unix(); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("Unix(%q): want a one-line error, got %v", cron, err)
		}
	}
	if (&Schedule{Cron: "0 0 * * ? *"}).TZ() != "UTC" {
		t.Error("no timezone is not UTC")
	}
}
