package argo

// SetInClusterDir points the in-cluster config at dir instead of the
// service account mount, for the duration of a test.
func SetInClusterDir(dir string) (restore func()) {
	old := inClusterDir
	inClusterDir = dir
	return func() { inClusterDir = old }
}
