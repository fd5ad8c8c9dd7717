// Package annotations parses the //flow: directives of a Go file into typed
// values, checking their grammar, their arguments and their placement.
//
// # Grammar
//
// A directive is a line comment with no space after the slashes:
//
//	//flow:<name> arg arg ...
//
// The name is lowercase. Arguments are separated by spaces or tabs. An
// argument is key=value or a bare value. A value is a bare token (anything
// up to the next space; it may contain '=' and ',') or a Go double-quoted
// string, unquoted with strconv.Unquote:
//
//	//flow:schedule cron="0 10 * * ? *" timezone=Europe/Paris
//
// A list is one comma-separated value (cases=v1:StepA,v2:StepB).
// //flow:next takes bare step names (//flow:next A B) and //flow:env takes
// arbitrary KEY=VALUE pairs. An empty value must be quoted (key="").
//
// # Directives
//
// On a struct type (the doc comment of its TypeSpec, or of a type
// declaration with a single spec):
//
//	//flow:flow
//	//flow:schedule daily|hourly|weekly|cron="..." [timezone=Area/City]
//	//flow:project name=x              lowercase letters, digits, '_'
//	//flow:image name=ref
//
// On a struct field:
//
//	//flow:param [name=x] [default=v] [required] [separator=,]
//	//flow:includefile [name=x] [default=path]
//
// On a method (a function without receiver is accepted here and left to
// the generator to reject):
//
//	//flow:step
//	//flow:next StepA [StepB ...]
//	//flow:foreach over=Field next=Step
//	//flow:switch on=Field cases=v1:StepA,v2:StepB
//	//flow:retry [times=3] [minutes_between=2]
//	//flow:catch var=Field
//	//flow:timeout [seconds=n] [minutes=n] [hours=n]   the sum, > 0
//	//flow:resources [cpu=n] [memory=MiB] [gpu=n] [disk=MiB]
//	//flow:batch [queue=q] [image=ref] [iam_role=arn]
//	//flow:kubernetes [image=ref] [namespace=ns] [service_account=sa]
//	//flow:env KEY=VALUE ...
//
// Numbers are non-negative decimal integers.
//
// # Errors
//
// Nothing is silently ignored. ParseFile reports, in one pass and at the
// exact token: unknown directives and keys, duplicate keys, missing required
// keys, bad values, a directive repeated on one declaration, a directive on
// the wrong kind of declaration or in no declaration's doc comment, and near
// misses anywhere in the file ("// flow:step", "//flow:Step",
// "//flows:step", "flow:step" in a /* */ comment).
package annotations
