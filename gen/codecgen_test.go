package gen

import (
	"bytes"
	"fmt"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/go/packages"
)

// codecCases are field types and values: the generated program encodes
// each value with the generated code, decodes it back, and compares with
// encoding/json in both directions.
var codecCases = []struct{ typ, val string }{
	{"map[string][]float64", `map[string][]float64{"b": {1, 2.5, 1e-7}, "a": nil, "c": {}}`},
	{"[]Movie", `[]Movie{{Title: "Alien <&>", Year: 1979, Inner: Inner{N: 1}, P: &Inner{Tags: []string{}}, M: map[string]int{"z": 1, "a": 2}, Tags: []string{"x"}, Blob: []byte{0, 255}}, {}}`},
	{"time.Time", `time.Date(2026, 11, 21, 10, 0, 0, 123, time.UTC)`},
	{"time.Duration", `90 * time.Second`},
	{"*rt.Failure", `&rt.Failure{Type: "*errors.errorString", Message: "boom", Stack: "goroutine 1\n\tmain.go:1"}`},
	{"*rt.Failure", `nil`},
	{"Floats", `Floats{1, -2, 3.25}`},
	{"Floats", `Floats(nil)`},
	{"Tree", `Tree{Name: "root", Kids: []*Tree{{Name: "a"}, nil, {Name: "b", Kids: []*Tree{{Name: "c", Kids: []*Tree{}}}}}}`},
	{"[3]int", `[3]int{1, -2, 3}`},
	{"map[int]string", `map[int]string{10: "ten", 9: "nine", -1: "minus one"}`},
	{"string", `"raw \x00\xff bytes"`},
	{"[]byte", `[]byte("raw\x00bytes")`},
	{"Genre", `Genre("drama")`},
	{"map[Genre]Floats", `map[Genre]Floats{"b": {1}, "a": nil}`},
	{"Scalars", `Scalars{F32: 0.1, U8: 255, I8: -128, B: true, U: 1 << 63, Blob: Blob("hi"), Mine: []MyByte{1, 2}, Arr: [2]Genre{"x", "y"}, R: 'é'}`},
	{"Pair[string]", `Pair[string]{A: "a", B: "b"}`},
	{"[]*int", `[]*int{ip(5), nil}`},
	{"struct {\n\tX int `json:\"x\"`\n\tY []string\n}", `struct {X int "json:\"x\""; Y []string}{X: 1, Y: []string{"q"}}`},
	{"map[string]*Movie", `map[string]*Movie{"nil": nil, "one": {Title: "t"}}`},
	{"netip.Addr", `netip.MustParseAddr("10.0.0.1")`},
	{"map[uint16][]Tree", `map[uint16][]Tree{7: {{Name: "x"}}, 65535: nil}`},
	{"[][]byte", `[][]byte{nil, {}, []byte("abc")}`},
}

const codecTypesSrc = `package main

import (
	"net/netip"
	"time"

	"github.com/flowc-dev/flowc/rt"
)

var (
	_ = time.Second
	_ rt.Failure
	_ netip.Addr
)

type Inner struct {
	N    int
	Tags []string
}

type Movie struct {
	Title   string ` + "`json:\"title\"`" + `
	Year    int
	Inner   Inner
	P       *Inner
	M       map[string]int
	Skip    int ` + "`json:\"-\"`" + `
	private int
	Tags    []string
	Blob    []byte
}

type Floats []float64

type Tree struct {
	Name string
	Kids []*Tree
}

type Genre string

type Blob []byte

type MyByte uint8

type Scalars struct {
	F32  float32
	U8   uint8
	I8   int8
	B    bool
	U    uint
	Blob Blob
	Mine []MyByte
	Arr  [2]Genre
	R    rune
}

type Pair[T any] struct{ A, B T }

func ip(i int) *int { return &i }

// Types check must refuse.
type Embeds struct{ Inner }
type DupNames struct {
	A int ` + "`json:\"x\"`" + `
	B int ` + "`json:\"x\"`" + `
}
type OnlyMarshal struct{}

func (OnlyMarshal) MarshalJSON() ([]byte, error) { return []byte("1"), nil }

type Deep struct{ M map[string][]struct{ C chan int } }

var (
	bad0 chan int
	bad1 func()
	bad2 any
	bad3 map[float64]int
	bad4 Embeds
	bad5 complex128
	bad6 DupNames
	bad7 OnlyMarshal
	bad8 Deep
	bad9 *error
)
`

var codecBad = []string{
	"channels cannot be serialized",
	"funcs cannot be serialized",
	"interface types cannot be serialized",
	"map keys must be strings or integers, not float64",
	"embedded field Inner of Embeds is not supported; give it a field name",
	"complex128 values cannot be serialized",
	`fields A and B of DupNames are both named "x" in JSON; rename one with a json tag`,
	"type OnlyMarshal has MarshalJSON or MarshalText but no UnmarshalJSON or UnmarshalText to read it back",
	"channels cannot be serialized (at M[k][i].C)",
	"interface types cannot be serialized",
}

const codecMainSrc = `package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"

	"github.com/flowc-dev/flowc/rt/codec"
)

var failed bool

func fail(format string, args ...any) {
	failed = true
	fmt.Printf(format+"\n", args...)
}

func check[T any](name, encoding string, v T, enc func(T, *codec.Writer) error, dec func(*T, *codec.Reader, int64) error) {
	var buf bytes.Buffer
	w := codec.NewWriter(&buf)
	if err := enc(v, w); err != nil {
		fail("%s: encode: %v", name, err)
		return
	}
	w.Flush()
	data := bytes.Clone(buf.Bytes())

	buf.Reset()
	w = codec.NewWriter(&buf)
	enc(v, w)
	w.Flush()
	if !bytes.Equal(buf.Bytes(), data) {
		fail("%s: encoding twice gave different bytes:\n%s\n%s", name, data, buf.Bytes())
	}

	var got T
	if err := dec(&got, codec.NewReader(bytes.NewReader(data)), int64(len(data))); err != nil {
		fail("%s: decode of %s: %v", name, data, err)
	} else if !reflect.DeepEqual(got, v) {
		fail("%s: round trip of %s\n got %#v\nwant %#v", name, data, got, v)
	}
	if encoding == "raw" {
		var want []byte
		switch x := any(v).(type) {
		case string:
			want = []byte(x)
		case []byte:
			want = x
		}
		if !bytes.Equal(data, want) {
			fail("%s: raw bytes %q, want %q", name, data, want)
		}
		fmt.Printf("%s %q\n", name, data)
		return
	}
	var std T
	if err := json.Unmarshal(data, &std); err != nil {
		fail("%s: json.Unmarshal of %s: %v", name, data, err)
	} else if !reflect.DeepEqual(std, v) {
		fail("%s: json.Unmarshal of %s\n got %#v\nwant %#v", name, data, std, v)
	}
	marshaled, err := json.Marshal(v)
	if err != nil {
		fail("%s: json.Marshal: %v", name, err)
		return
	}
	var fromStd T
	if err := dec(&fromStd, codec.NewReader(bytes.NewReader(marshaled)), int64(len(marshaled))); err != nil {
		fail("%s: decode of json.Marshal output %s: %v", name, marshaled, err)
	} else if !reflect.DeepEqual(fromStd, v) {
		fail("%s: decode of json.Marshal output %s\n got %#v\nwant %#v", name, marshaled, fromStd, v)
	}
	fmt.Printf("%s %s\n", name, data)
}

func main() {
	runCases()
	if failed {
		os.Exit(1)
	}
}
`

// codecTestModule writes a module that uses this one, with src as its
// main package, and returns its directory.
func codecTestModule(t *testing.T, files map[string]string) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/cg\n\ngo 1.26\n\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => " + root + "\n"
	files["go.mod"] = gomod
	if sum, err := os.ReadFile(filepath.Join(root, "go.sum")); err == nil {
		files["go.sum"] = string(sum)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func codecGoEnv() []string { return append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off") }

func codecLoadPackage(t *testing.T, dir string) *types.Package {
	t.Helper()
	cfg := &packages.Config{Dir: dir, Env: codecGoEnv(), Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("test package does not type-check")
	}
	return pkgs[0].Types
}

// codecGenerateCases renders the generated file: one enc/dec pair per case and
// runCases calling check on each.
func codecGenerateCases(t *testing.T, pkg *types.Package) []byte {
	t.Helper()
	f := jen.NewFilePathName(pkg.Path(), pkg.Name())
	c := newCodecs(pkg, "github.com/flowc-dev/flowc/rt/codec")
	var calls []jen.Code
	for i, cs := range codecCases {
		typ := pkg.Scope().Lookup(fmt.Sprintf("case%d", i)).Type()
		if why := c.check(typ); why != "" {
			t.Fatalf("check(%s) = %q, want ok", cs.typ, why)
		}
		enc, dec := fmt.Sprintf("enc%d", i), fmt.Sprintf("dec%d", i)
		f.Func().Id(enc).Params(jen.Id("v").Add(c.typ(typ)), jen.Id("w").Op("*").Qual(c.codec, "Writer")).Error().Block(
			c.encodeStmt(typ, jen.Id("v"), jen.Id("w")),
		)
		f.Func().Id(dec).Params(jen.Id("dst").Op("*").Add(c.typ(typ)), jen.Id("r").Op("*").Qual(c.codec, "Reader"), jen.Id("size").Int64()).Error().Block(
			c.decodeStmt(typ, jen.Parens(jen.Op("*").Id("dst")), jen.Id("r"), jen.Id("size")),
		)
		calls = append(calls, jen.Id("check").Call(jen.Lit(fmt.Sprintf("case%d %s", i, strings.ReplaceAll(cs.typ, "\n", " "))), jen.Lit(c.encoding(typ)), jen.Id(fmt.Sprintf("case%d", i)), jen.Id(enc), jen.Id(dec)))
	}
	f.Func().Id("runCases").Params().Block(calls...)
	for _, d := range c.decls() {
		f.Add(d)
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		t.Fatalf("rendering: %v", err)
	}
	return buf.Bytes()
}

func TestCodecGen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	var vars strings.Builder
	for i, cs := range codecCases {
		fmt.Fprintf(&vars, "var case%d %s = %s\n", i, cs.typ, cs.val)
	}
	dir := codecTestModule(t, map[string]string{"types.go": codecTypesSrc, "vars.go": "package main\n\nimport (\n\t\"net/netip\"\n\t\"time\"\n\n\t\"github.com/flowc-dev/flowc/rt\"\n)\n\nvar _ = time.Second\nvar _ rt.Failure\nvar _ netip.Addr\n\n" + vars.String()})
	pkg := codecLoadPackage(t, dir)

	c := newCodecs(pkg, "github.com/flowc-dev/flowc/rt/codec")
	for i, want := range codecBad {
		typ := pkg.Scope().Lookup(fmt.Sprintf("bad%d", i)).Type()
		if got := c.check(typ); got != want {
			t.Errorf("check(%s) = %q, want %q", typ, got, want)
		}
	}
	for _, enc := range []struct {
		name, want string
	}{{"case0", "json"}, {"case11", "raw"}, {"case12", "raw"}, {"case13", "json"}} {
		if got := c.encoding(pkg.Scope().Lookup(enc.name).Type()); got != enc.want {
			t.Errorf("encoding(%s) = %s, want %s", enc.name, got, enc.want)
		}
	}

	src := codecGenerateCases(t, pkg)
	if again := codecGenerateCases(t, pkg); !bytes.Equal(src, again) {
		t.Fatal("generating twice gave different code")
	}
	for _, name := range []string{"func flowcEncMapStringSliceFloat64(", "func flowcDecPtrTree(", "func flowcEncTimeTime(", "func flowcEncRtFailure("} {
		if !bytes.Contains(src, []byte(name)) {
			t.Errorf("generated code has no %s", name)
		}
	}
	// CODECGEN_DUMP=file keeps the generated code for reading.
	if p := os.Getenv("CODECGEN_DUMP"); p != "" {
		os.WriteFile(p, src, 0o644)
	}
	if err := os.WriteFile(filepath.Join(dir, "gen.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(codecMainSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir, cmd.Env = dir, codecGoEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run of the generated program: %v\n%s\ngenerated code:\n%s", err, out, src)
	}
	if n := strings.Count(string(out), "\n"); n != len(codecCases) {
		t.Errorf("%d cases ran, want %d:\n%s", n, len(codecCases), out)
	}
	t.Logf("%s", out)
}
