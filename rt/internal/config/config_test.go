package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// Explicit settings win over the environment, the environment over the
// defaults; FLOWC_NAMESPACE set but empty is the global namespace.
func TestPrecedence(t *testing.T) {
	var in Input
	in.Set(DatastoreRoot, "/flag/root", "--datastore-root")
	in.Environ(env(map[string]string{
		"FLOWC_DATASTORE_ROOT": "/env/root", "FLOWC_USER": "bob", "FLOWC_NAMESPACE": "",
		"FLOWC_DATASTORE": "",
	}))
	c, err := in.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if c.Root != "/flag/root" || c.User != "bob" || c.Namespace != "" || c.Datastore != "local" || c.Metadata != "local" || c.PathStyle {
		t.Errorf("Resolve = %+v", c)
	}
	var def Input
	def.Environ(env(map[string]string{"FLOWC_USER": "carol"}))
	if c, err := def.Resolve(); err != nil || c.Namespace != "user:carol" || c.Root != "" {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	var svc Input
	svc.Environ(env(map[string]string{"FLOWC_METADATA": "service@http://md:8080/", "FLOWC_METADATA_TOKEN": "tok"}))
	if c, err := svc.Resolve(); err != nil || c.Metadata != "service@http://md:8080/" || c.MetadataURL != "http://md:8080" || c.MetadataToken != "tok" {
		t.Errorf("the metadata service: %+v, %v", c, err)
	}
	var s3 Input
	s3.Environ(env(map[string]string{"FLOWC_DATASTORE": "s3", "FLOWC_DATASTORE_ROOT": "s3://b/p", "FLOWC_DATASTORE_PATH_STYLE": "true"}))
	if c, err := s3.Resolve(); err != nil || c.Datastore != "s3" || !c.PathStyle || c.Root != "s3://b/p" {
		t.Errorf("an S3 datastore: %+v, %v", c, err)
	}
}

// The same mistake gives the same error, naming where the value came
// from and how to fix it there.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		flags map[Key]string
		env   map[string]string
		want  string
	}{
		{map[Key]string{Datastore: "gcs"}, nil, `--datastore "gcs" is not a datastore; use local or s3`},
		{nil, map[string]string{"FLOWC_DATASTORE": "gcs"}, `FLOWC_DATASTORE "gcs" is not a datastore; use local or s3`},
		{map[Key]string{Datastore: "s3"}, nil, `--datastore s3 needs --datastore-root s3://bucket/prefix, got ""`},
		{nil, map[string]string{"FLOWC_DATASTORE": "s3", "FLOWC_DATASTORE_ROOT": "/d"}, `FLOWC_DATASTORE s3 needs FLOWC_DATASTORE_ROOT s3://bucket/prefix, got "/d"`},
		{map[Key]string{Datastore: "local", DatastoreRoot: "s3://b/p"}, nil, `--datastore-root "s3://b/p" is an S3 URL but --datastore is local; pass --datastore s3`},
		{nil, map[string]string{"FLOWC_DATASTORE": "local", "FLOWC_DATASTORE_ROOT": "s3://b/p"}, `FLOWC_DATASTORE_ROOT "s3://b/p" is an S3 URL but FLOWC_DATASTORE is local; set FLOWC_DATASTORE=s3`},
		{map[Key]string{DatastoreRoot: "s3://b/p"}, nil, `--datastore-root "s3://b/p" is an S3 URL but --datastore is local; pass --datastore s3`},
		{nil, map[string]string{"FLOWC_DATASTORE_ROOT": "s3://b/p"}, `FLOWC_DATASTORE_ROOT "s3://b/p" is an S3 URL but FLOWC_DATASTORE is local; set FLOWC_DATASTORE=s3`},
		{map[Key]string{Metadata: "service"}, nil, `--metadata "service" is not a metadata provider; use local or service@http://HOST:PORT`},
		{nil, map[string]string{"FLOWC_METADATA": "service@ftp://h"}, `FLOWC_METADATA "service@ftp://h" does not name a service URL`},
		{nil, map[string]string{"FLOWC_DATASTORE_PATH_STYLE": "yes"}, `FLOWC_DATASTORE_PATH_STYLE "yes" is not a boolean; use true or false`},
	} {
		var in Input
		for k, v := range tc.flags {
			in.Set(k, v, Flag(k))
		}
		in.Environ(env(tc.env))
		_, err := in.Resolve()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("flags %v env %v: %v; want %q", tc.flags, tc.env, err, tc.want)
		}
	}
}
