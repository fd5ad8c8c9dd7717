package annotations

import (
	"go/token"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestDirectives decodes every directive in its valid forms. Positions are
// checked by TestPositions and the error tests; here only values count.
func TestDirectives(t *testing.T) {
	tests := []struct {
		on   placement
		line string // the directive lines, one per "\n"
		want Set
	}{
		{onType, "//flow:flow", Set{Flow: &Flow{}}},
		{onType, "//flow:schedule daily", Set{Schedule: &Schedule{Period: "daily"}}},
		{onType, "//flow:schedule hourly", Set{Schedule: &Schedule{Period: "hourly"}}},
		{onType, "//flow:schedule weekly timezone=Europe/Paris", Set{Schedule: &Schedule{Period: "weekly", Timezone: "Europe/Paris"}}},
		{onType, `//flow:schedule cron="0 10 * * ? *"`, Set{Schedule: &Schedule{Cron: "0 10 * * ? *"}}},
		{onType, `//flow:schedule cron="*/5 * * * ? *" timezone="America/New_York"`, Set{Schedule: &Schedule{Cron: "*/5 * * * ? *", Timezone: "America/New_York"}}},
		{onType, "//flow:project name=demo_project", Set{Project: &Project{Name: "demo_project"}}},
		{onType, "//flow:image name=python:3.12", Set{Image: &Image{Name: "python:3.12"}}},
		{onType, "//flow:flow\n//flow:schedule daily\n//flow:project name=p\n//flow:image name=i",
			Set{Flow: &Flow{}, Schedule: &Schedule{Period: "daily"}, Project: &Project{Name: "p"}, Image: &Image{Name: "i"}}},

		{onField, "//flow:param", Set{Param: &Param{}}},
		{onField, "//flow:param default=5", Set{Param: &Param{Default: "5", HasDefault: true}}},
		{onField, `//flow:param default=""`, Set{Param: &Param{Default: "", HasDefault: true}}},
		{onField, "//flow:param name=max_genres required separator=,", Set{Param: &Param{Name: "max_genres", Required: true, Separator: ","}}},
		{onField, `//flow:param name=alpha default="a b" separator=";"`, Set{Param: &Param{Name: "alpha", Default: "a b", HasDefault: true, Separator: ";"}}},
		{onField, "//flow:includefile", Set{IncludeFile: &IncludeFile{}}},
		{onField, "//flow:includefile name=movie-data default=movies.csv", Set{IncludeFile: &IncludeFile{Name: "movie-data", Default: "movies.csv", HasDefault: true}}},

		{onMethod, "//flow:step", Set{Step: &Step{}}},
		{onMethod, "//flow:next End", Set{Next: &Next{Targets: []Ident{{Name: "End"}}}}},
		{onMethod, "//flow:next A B\tC", Set{Next: &Next{Targets: []Ident{{Name: "A"}, {Name: "B"}, {Name: "C"}}}}},
		{onMethod, "//flow:foreach over=Genres next=Compute", Set{Foreach: &Foreach{Over: Ident{Name: "Genres"}, Next: Ident{Name: "Compute"}}}},
		{onMethod, "//flow:switch on=Mode cases=fast:Quick,slow:Careful", Set{Switch: &Switch{On: Ident{Name: "Mode"},
			Cases: []Case{{"fast", Ident{Name: "Quick"}}, {"slow", Ident{Name: "Careful"}}}}}},
		{onMethod, `//flow:switch on=Mode cases="a b:A,x:y:B"`, Set{Switch: &Switch{On: Ident{Name: "Mode"},
			Cases: []Case{{"a b", Ident{Name: "A"}}, {"x:y", Ident{Name: "B"}}}}}},
		{onMethod, "//flow:retry", Set{Retry: &Retry{Times: 3, MinutesBetween: 2}}},
		{onMethod, "//flow:retry times=1", Set{Retry: &Retry{Times: 1, MinutesBetween: 2}}},
		{onMethod, "//flow:retry times=0 minutes_between=0", Set{Retry: &Retry{Times: 0, MinutesBetween: 0, MinutesBetweenSet: true}}},
		{onMethod, "//flow:retry minutes_between=10", Set{Retry: &Retry{Times: 3, MinutesBetween: 10, MinutesBetweenSet: true}}},
		{onMethod, "//flow:catch var=ComputeFailed", Set{Catch: &Catch{Var: Ident{Name: "ComputeFailed"}}}},
		{onMethod, "//flow:timeout seconds=30", Set{Timeout: &Timeout{Seconds: 30}}},
		{onMethod, "//flow:timeout hours=1 minutes=2 seconds=3", Set{Timeout: &Timeout{Seconds: 3723}}},
		{onMethod, "//flow:timeout minutes=0 seconds=1", Set{Timeout: &Timeout{Seconds: 1}}},
		{onMethod, "//flow:resources", Set{Resources: &Resources{}}},
		{onMethod, "//flow:resources cpu=4 memory=16000 gpu=1 disk=0", Set{Resources: &Resources{CPU: 4, MemoryMiB: 16000, GPU: 1}}},
		{onMethod, "//flow:resources disk=20480", Set{Resources: &Resources{DiskMiB: 20480}}},
		{onMethod, "//flow:batch queue=q image=img:1 iam_role=arn:aws:iam::1:role/r", Set{Batch: &Batch{Queue: "q", Image: "img:1", IAMRole: "arn:aws:iam::1:role/r"}}},
		{onMethod, "//flow:batch", Set{Batch: &Batch{}}},
		{onMethod, "//flow:kubernetes image=img namespace=ns service_account=sa", Set{Kubernetes: &Kubernetes{Image: "img", Namespace: "ns", ServiceAccount: "sa"}}},
		{onMethod, `//flow:env B=2 A="x y" C=` + "`" + `raw` + "`", Set{Env: &Env{Vars: []EnvVar{{Key: "B", Value: "2"}, {Key: "A", Value: "x y"}, {Key: "C", Value: "`raw`"}}}}},
		{onMethod, "//flow:step\n//flow:next Join\n//flow:catch var=F\n//flow:retry times=1\n//flow:env K=V",
			Set{Step: &Step{}, Next: &Next{Targets: []Ident{{Name: "Join"}}}, Catch: &Catch{Var: Ident{Name: "F"}},
				Retry: &Retry{Times: 1, MinutesBetween: 2}, Env: &Env{Vars: []EnvVar{{Key: "K", Value: "V"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var typeDoc, fieldDoc, methodDoc string
			switch tt.on {
			case onType:
				typeDoc = tt.line
			case onField:
				fieldDoc = "\t" + strings.ReplaceAll(tt.line, "\n", "\n\t")
			case onMethod:
				methodDoc = tt.line
			}
			src := "package p\n\n// F is a flow.\n" + typeDoc + "\ntype F struct {\n\t// X is a field.\n" + fieldDoc + "\n\tX int\n}\n\n// M is a method.\n" + methodDoc + "\nfunc (f *F) M() {}\n"
			_, _, out, errs := parse(t, src)
			if len(errs) > 0 {
				t.Fatalf("errors:\n%s\nsource:\n%s", strings.Join(errs, "\n"), src)
			}
			var got *Set
			switch tt.on {
			case onType:
				got = lookupType(out, "F")
			case onField:
				got = lookupField(out, "X")
			case onMethod:
				got = lookupMethod(out, "M")
			}
			if got == nil {
				t.Fatalf("no directives found on the %s", tt.on.where())
			}
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreTypes(token.Pos(0))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if n := len(out.Types) + len(out.Fields) + len(out.Methods); n != 1 {
				t.Errorf("%d declarations carry directives, want 1", n)
			}
		})
	}
}

func TestKebabCase(t *testing.T) {
	for in, want := range map[string]string{
		"MaxGenres": "max-genres", "HTTPPort": "http-port", "UserID": "user-id", "URL": "url",
		"Alpha": "alpha", "x": "x", "Num2Go": "num2-go", "max_genres": "max-genres", "IOReader": "io-reader",
	} {
		if got := KebabCase(in); got != want {
			t.Errorf("KebabCase(%q) = %q, want %q", in, got, want)
		}
	}
}
