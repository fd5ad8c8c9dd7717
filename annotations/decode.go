package annotations

import (
	"go/token"
	"strings"
)

// periods are the bare schedule values, as Metaflow's @schedule flags.
var periods = []string{"daily", "hourly", "weekly"}

func decodeSchedule(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Schedule{Pos: d.NamePos}
	var period *Arg
	for _, b := range a.bare {
		switch {
		case !contains(periods, b.Value):
			errs.errorf(b.ValuePos, "bad schedule %q in //flow:schedule; want daily, hourly, weekly or cron=\"...\"", b.Value)
		case period != nil:
			errs.errorf(b.ValuePos, "//flow:schedule has two periods, %q and %q; keep only one", period.Value, b.Value)
		default:
			period = b
			v.Period = b.Value
		}
	}
	if c := a.get("cron"); c != nil {
		if period != nil {
			errs.errorf(c.KeyPos, "//flow:schedule has both %q and cron=; keep only one", period.Value)
		}
		for _, p := range checkCron(c.Value) {
			errs.errorf(c.ValuePos, "bad cron %q in //flow:schedule: %s", c.Value, p)
		}
		v.Cron = c.Value
	} else if period == nil && len(a.bare) == 0 && a.complete {
		errs.errorf(d.NamePos, "//flow:schedule needs a period; write %s", usageSchedule)
	}
	if tz := a.get("timezone"); tz != nil {
		if p := checkTimezone(tz.Value); p != "" {
			errs.errorf(tz.ValuePos, "bad timezone %q in //flow:schedule%s", tz.Value, p)
		}
		v.Timezone = tz.Value
	}
	return func(s *Set) { s.Schedule = v }
}

func decodeProject(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Project{Pos: d.NamePos}
	if n := a.get("name"); n != nil {
		// Metaflow's @project accepts only these, since the name becomes
		// part of deployment names on every target.
		if !validProjectName(n.Value) {
			errs.errorf(n.ValuePos, "bad project name %q in //flow:project; use lowercase letters, digits and underscores", n.Value)
		}
		v.Name = n.Value
	}
	return func(s *Set) { s.Project = v }
}

func validProjectName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func decodeImage(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Image{Pos: d.NamePos}
	if n := a.get("name"); n != nil {
		v.Name = nonEmpty(d, n, errs)
	}
	return func(s *Set) { s.Image = v }
}

func decodeParam(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Param{Pos: d.NamePos}
	if n := a.get("name"); n != nil {
		if !validParamName(n.Value) {
			errs.errorf(n.ValuePos, "bad parameter name %q in //flow:param; use letters, digits, '-' and '_', starting with a letter (no leading \"--\")", n.Value)
		}
		v.Name = n.Value
	}
	var required *Arg
	for _, b := range a.bare {
		switch {
		case b.Value != "required" || b.Quoted:
			errs.errorf(b.ValuePos, "unexpected value %q in //flow:param; write key=value (supported keys: default, name, separator) or the bare word required", b.Value)
		case required != nil:
			errs.errorf(b.ValuePos, "duplicate %q in //flow:param; keep only one", "required")
		default:
			required = b
			v.Required = true
		}
	}
	if def := a.get("default"); def != nil {
		if required != nil {
			errs.errorf(required.ValuePos, "//flow:param is both required and has a default; drop one of them")
		}
		v.Default, v.HasDefault, v.DefaultPos = def.Value, true, def.ValuePos
	}
	if sep := a.get("separator"); sep != nil {
		v.Separator = nonEmpty(d, sep, errs)
	}
	return func(s *Set) { s.Param = v }
}

// validParamName keeps names usable as --flags and environment suffixes.
func validParamName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

func decodeIncludeFile(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &IncludeFile{Pos: d.NamePos}
	if n := a.get("name"); n != nil {
		if !validParamName(n.Value) {
			errs.errorf(n.ValuePos, "bad parameter name %q in //flow:includefile; use letters, digits, '-' and '_', starting with a letter (no leading \"--\")", n.Value)
		}
		v.Name = n.Value
	}
	if def := a.get("default"); def != nil {
		v.Default, v.HasDefault, v.DefaultPos = nonEmpty(d, def, errs), true, def.ValuePos
	}
	return func(s *Set) { s.IncludeFile = v }
}

func decodeNext(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Next{Pos: d.NamePos}
	seen := map[string]bool{}
	for _, b := range a.bare {
		switch {
		case strings.Contains(b.Value, ","):
			errs.errorf(b.ValuePos, "bad step list %q in //flow:next; separate steps with spaces: //flow:next %s", b.Value, strings.Join(strings.FieldsFunc(b.Value, func(r rune) bool { return r == ',' }), " "))
		case !token.IsIdentifier(b.Value):
			errs.errorf(b.ValuePos, "bad step name %q in //flow:next; want a method name", b.Value)
		case seen[b.Value]:
			errs.errorf(b.ValuePos, "duplicate step %q in //flow:next; keep only one", b.Value)
		default:
			seen[b.Value] = true
			v.Targets = append(v.Targets, Ident{b.Value, b.ValuePos})
		}
	}
	if len(d.Args) == 0 && a.complete {
		errs.errorf(d.NamePos, "//flow:next needs at least one step; write %s", usageNext)
	}
	return func(s *Set) { s.Next = v }
}

func decodeForeach(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Foreach{Pos: d.NamePos}
	v.Over = ident(d, a.get("over"), "a field name", errs)
	v.Next = ident(d, a.get("next"), "a step name", errs)
	return func(s *Set) { s.Foreach = v }
}

func decodeSwitch(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Switch{Pos: d.NamePos}
	v.On = ident(d, a.get("on"), "a field name", errs)
	c := a.get("cases")
	if c == nil {
		return func(s *Set) { s.Switch = v }
	}
	// Offsets into a quoted value do not map to source columns (escapes),
	// so errors inside one point at its opening quote.
	at := func(off int) token.Pos {
		if c.Quoted {
			return c.ValuePos
		}
		return c.ValuePos + token.Pos(off)
	}
	seen := map[string]bool{}
	off := 0
	for _, item := range strings.Split(c.Value, ",") {
		itemOff := off
		off += len(item) + 1
		if item == "" {
			pos := c.ValuePos
			if itemOff > 0 {
				pos = at(itemOff - 1) // the stray comma
			}
			errs.errorf(pos, "empty case in //flow:switch; remove the extra comma")
			continue
		}
		colon := strings.LastIndexByte(item, ':')
		if colon < 0 {
			errs.errorf(at(itemOff), "bad case %q in //flow:switch; write value:Step, e.g. %s", item, usageSwitch)
			continue
		}
		val, step := item[:colon], item[colon+1:]
		switch {
		case val == "":
			errs.errorf(at(itemOff), "case %q in //flow:switch has no value; write value:Step", item)
		case step == "":
			errs.errorf(at(itemOff+colon), "case %q in //flow:switch has no step; write value:Step", item)
		case !token.IsIdentifier(step):
			errs.errorf(at(itemOff+colon+1), "bad step name %q in //flow:switch case %q; want a method name", step, item)
		case seen[val]:
			errs.errorf(at(itemOff), "duplicate case %q in //flow:switch; keep only one", val)
		default:
			seen[val] = true
			v.Cases = append(v.Cases, Case{Value: val, Step: Ident{step, at(itemOff + colon + 1)}})
		}
	}
	return func(s *Set) { s.Switch = v }
}

func decodeRetry(d *Directive, a argSet, errs *diags) func(*Set) {
	// Metaflow's @retry defaults. times=0 is allowed: it turns retries off
	// for a step while keeping the directive visible.
	v := &Retry{Pos: d.NamePos, Times: 3, MinutesBetween: 2}
	if n, ok := count(d, a.get("times"), errs); ok {
		v.Times = n
	}
	if n, ok := count(d, a.get("minutes_between"), errs); ok {
		v.MinutesBetween = n
		v.MinutesBetweenSet = true
	}
	return func(s *Set) { s.Retry = v }
}

func decodeCatch(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Catch{Pos: d.NamePos, Var: ident(d, a.get("var"), "a field name", errs)}
	return func(s *Set) { s.Catch = v }
}

func decodeTimeout(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Timeout{Pos: d.NamePos}
	bad := false
	for _, u := range []struct {
		key  string
		secs int
	}{{"seconds", 1}, {"minutes", 60}, {"hours", 3600}} {
		arg := a.get(u.key)
		if arg == nil {
			continue
		}
		n, ok := count(d, arg, errs)
		bad = bad || !ok
		v.Seconds += n * u.secs
	}
	if !bad && v.Seconds == 0 && a.complete {
		errs.errorf(d.NamePos, "//flow:timeout needs a positive duration; write e.g. //flow:timeout minutes=10")
	}
	return func(s *Set) { s.Timeout = v }
}

func decodeResources(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Resources{Pos: d.NamePos}
	for _, r := range []struct {
		key string
		dst *int
	}{{"cpu", &v.CPU}, {"memory", &v.MemoryMiB}, {"gpu", &v.GPU}, {"disk", &v.DiskMiB}} {
		if n, ok := count(d, a.get(r.key), errs); ok {
			*r.dst = n
		}
	}
	return func(s *Set) { s.Resources = v }
}

func decodeBatch(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Batch{Pos: d.NamePos}
	v.Queue = str(d, a.get("queue"), errs)
	v.Image = str(d, a.get("image"), errs)
	v.IAMRole = str(d, a.get("iam_role"), errs)
	return func(s *Set) { s.Batch = v }
}

func decodeKubernetes(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Kubernetes{Pos: d.NamePos}
	v.Image = str(d, a.get("image"), errs)
	v.Namespace = str(d, a.get("namespace"), errs)
	v.ServiceAccount = str(d, a.get("service_account"), errs)
	return func(s *Set) { s.Kubernetes = v }
}

func decodeEnv(d *Directive, a argSet, errs *diags) func(*Set) {
	v := &Env{Pos: d.NamePos}
	for _, k := range a.keys {
		if !validEnvName(k.Key) {
			errs.errorf(k.KeyPos, "bad environment variable name %q in //flow:env; use letters, digits and '_', not starting with a digit", k.Key)
			continue
		}
		if why := reservedEnv(k.Key); why != "" {
			errs.errorf(k.KeyPos, "//flow:env %s: %s; rename the variable", k.Key, why)
			continue
		}
		v.Vars = append(v.Vars, EnvVar{Key: k.Key, Value: k.Value, Pos: k.KeyPos})
	}
	if len(d.Args) == 0 && a.complete {
		errs.errorf(d.NamePos, "//flow:env needs at least one variable; write %s", usageEnv)
	}
	return func(s *Set) { s.Env = v }
}

// reservedEnv says why a task's variable name is not the flow's to set,
// "" if it is: flowc's settings and the cloud task contract are FLOWC_
// variables, which a step's environment would silently override (its
// datastore, its run), and AWS Batch refuses a job whose environment has an
// AWS_BATCH_ name. targets/deploy.ReservedEnv is the same rule for --secret.
func reservedEnv(name string) string {
	switch u := strings.ToUpper(name); {
	case strings.HasPrefix(u, "FLOWC_"):
		return "names starting with FLOWC_ are flowc's own settings"
	case strings.HasPrefix(u, "AWS_BATCH_"):
		return "names starting with AWS_BATCH_ are reserved by AWS Batch"
	}
	return ""
}

func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// count decodes a non-negative integer. Only decimal digits are accepted,
// at most 9 of them, so sums like hours*3600 cannot overflow.
func count(d *Directive, arg *Arg, errs *diags) (int, bool) {
	if arg == nil {
		return 0, false
	}
	s := arg.Value
	ok := s != "" && len(s) <= 9
	n := 0
	for i := 0; ok && i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			ok = false
			break
		}
		n = n*10 + int(s[i]-'0')
	}
	if !ok {
		want := "a non-negative integer"
		if len(s) > 9 && strings.Trim(s, "0123456789") == "" {
			want = "at most 999999999"
		}
		errs.errorf(arg.ValuePos, "bad value %q for %q in //flow:%s; want %s", s, arg.Key, d.Name, want)
	}
	return n, ok
}

// ident decodes a Go identifier naming a field or a step.
func ident(d *Directive, arg *Arg, want string, errs *diags) Ident {
	if arg == nil {
		return Ident{}
	}
	if !token.IsIdentifier(arg.Value) {
		errs.errorf(arg.ValuePos, "bad value %q for %q in //flow:%s; want %s", arg.Value, arg.Key, d.Name, want)
	}
	return Ident{arg.Value, arg.ValuePos}
}

// str decodes an optional string option; "" is refused because it would
// silently mean "not set".
func str(d *Directive, arg *Arg, errs *diags) string {
	if arg == nil {
		return ""
	}
	return nonEmpty(d, arg, errs)
}

func nonEmpty(d *Directive, arg *Arg, errs *diags) string {
	if arg.Value == "" {
		errs.errorf(arg.ValuePos, "empty value for %q in //flow:%s; give a value or drop the key", arg.Key, d.Name)
	}
	return arg.Value
}
