// Package config resolves the configuration that every reader and writer
// of a datastore takes: the flow binary's global options (rt/internal/cli)
// and rt/client's options and FromEnv. One table names each setting's flag,
// environment variable and default, one function applies the precedence
// (explicit > environment > default), and one set of checks gives the same
// one-line errors, naming where the bad value came from.
package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/rt/internal/metadata"
	"github.com/flowc-dev/flowc/rt/internal/ns"
)

// Key is one setting.
type Key int

// The settings.
const (
	Datastore          Key = iota // local or s3
	DatastoreRoot                 // a directory, or s3://bucket/prefix
	DatastorePathStyle            // S3 path-style addressing
	Metadata                      // local, or service@URL
	MetadataToken                 // the service's bearer token
	Namespace                     // set but empty: all namespaces
	User                          // whose default namespace
	numKeys
)

// setting is one row of the table.
type setting struct {
	flag, env, def string
}

var table = [numKeys]setting{
	Datastore:          {"--datastore", "FLOWC_DATASTORE", "local"},
	DatastoreRoot:      {"--datastore-root", "FLOWC_DATASTORE_ROOT", ""},
	DatastorePathStyle: {"--datastore-path-style", "FLOWC_DATASTORE_PATH_STYLE", "false"},
	Metadata:           {"--metadata", "FLOWC_METADATA", "local"},
	MetadataToken:      {"", "FLOWC_METADATA_TOKEN", ""}, // never a flag: a command line is visible to other users
	Namespace:          {"--namespace", "FLOWC_NAMESPACE", ""},
	User:               {"", "FLOWC_USER", ""},
}

// Flag is the flag of k ("" for one the binary has no flag for).
func Flag(k Key) string { return table[k].flag }

// Env is the environment variable of k.
func Env(k Key) string { return table[k].env }

// value is one setting as given: from is the flag, option or variable it
// came from ("" while unset).
type value struct {
	s    string
	from string
}

// Input collects the settings before they are resolved.
type Input struct{ v [numKeys]value }

// Set gives k explicitly (a flag, a client option); from names it in
// messages ("--datastore", "client.WithRoot"). It wins over the
// environment.
func (in *Input) Set(k Key, s, from string) { in.v[k] = value{s, from} }

// IsSet reports whether k was given explicitly or from the environment.
func (in *Input) IsSet(k Key) bool { return in.v[k].from != "" }

// Environ fills every setting not given explicitly from the environment
// (lookup is os.LookupEnv). An empty variable is unset, except
// FLOWC_NAMESPACE, where set but empty means all namespaces.
func (in *Input) Environ(lookup func(string) (string, bool)) {
	for k := range numKeys {
		if in.v[k].from != "" {
			continue
		}
		s, ok := lookup(table[k].env)
		if ok && (s != "" || k == Namespace) {
			in.v[k] = value{s, table[k].env}
		}
	}
}

// Config is the resolved configuration.
type Config struct {
	Datastore string // "local" or "s3"
	// Root is the datastore root as given; "" for a local datastore means
	// the default (.flowc in the working directory or its nearest parent
	// that has one), which the caller finds.
	Root      string
	PathStyle bool
	// Metadata is "local" or "service@URL" (checked; the URL is
	// MetadataURL), and MetadataToken the service's token.
	Metadata      string
	MetadataURL   string
	MetadataToken string
	// Namespace is the namespace runs are read from (and new runs land
	// in): the user's own unless one was given, "" for all of them.
	Namespace string
	User      string
}

// Resolve applies the defaults and checks the settings together.
func (in *Input) Resolve() (Config, error) {
	get := func(k Key) string {
		if in.v[k].from != "" {
			return in.v[k].s
		}
		return table[k].def
	}
	c := Config{Datastore: get(Datastore), Root: get(DatastoreRoot), Metadata: get(Metadata)}
	ps := get(DatastorePathStyle)
	if ps == "" {
		ps = "false"
	}
	b, err := strconv.ParseBool(ps)
	if err != nil {
		return c, fmt.Errorf("%s %q is not a boolean; use true or false", in.v[DatastorePathStyle].from, ps)
	}
	c.PathStyle = b
	s3Root := strings.HasPrefix(c.Root, "s3://")
	ds := in.v[Datastore]
	switch c.Datastore {
	case "local":
		if s3Root {
			// The default datastore is local too: an S3 root alone is
			// refused, never read as a local directory named "s3:".
			name := ds.from
			if name == "" {
				name = table[Datastore].flag
				if in.v[DatastoreRoot].from == table[DatastoreRoot].env {
					name = table[Datastore].env
				}
			}
			return c, fmt.Errorf("%s %q is an S3 URL but %s is local; %s", in.v[DatastoreRoot].from, c.Root, name, fix(name, Datastore, "s3"))
		}
	case "s3":
		if !s3Root {
			root := in.v[DatastoreRoot].from
			if root == "" {
				root = table[DatastoreRoot].flag
				if ds.from == table[Datastore].env {
					root = table[DatastoreRoot].env
				}
			}
			return c, fmt.Errorf("%s s3 needs %s s3://bucket/prefix, got %q; pass the bucket and prefix", ds.from, root, c.Root)
		}
	default:
		return c, fmt.Errorf("%s %q is not a datastore; use local or s3", ds.from, c.Datastore)
	}
	if c.Metadata != "local" {
		from := in.v[Metadata].from
		u, err := metadata.ParseServiceFrom(from, c.Metadata)
		if err != nil {
			return c, err
		}
		c.MetadataURL = u
	}
	c.MetadataToken = get(MetadataToken)
	c.User = strings.TrimSpace(get(User))
	if c.User == "" {
		c.User = ns.User()
	}
	if in.v[Namespace].from != "" {
		c.Namespace = in.v[Namespace].s
	} else {
		c.Namespace = ns.DefaultNamespace(c.User)
	}
	return c, nil
}

// fix says how to set k to v, in the terms of where the conflicting value
// came from: an environment variable is fixed in the environment, anything
// else with the flag.
func fix(from string, k Key, v string) string {
	if from == table[k].env {
		return fmt.Sprintf("set %s=%s", table[k].env, v)
	}
	if table[k].flag == "" || strings.HasPrefix(from, "client.") {
		return fmt.Sprintf("set %s=%s", table[k].env, v)
	}
	return fmt.Sprintf("pass %s %s", table[k].flag, v)
}
