package e2e

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv/s3test"
)

// Benchmarks of the S3 datastore against issue 8's targets; bench/s3.sh
// runs them with the machine's load average.

// BenchmarkS3Foreach100 runs FanFlow with 100 splits on the local datastore
// and on S3 on loopback, alternately (so both see the same load), on moto
// (Python, in memory) and on versitygw (Go, on disk); the target is S3
// within 2x local. It reports both times and their ratio.
func BenchmarkS3Foreach100(b *testing.B) {
	bin := filepath.Join(runFlowsDir(b), "bin", "fan")
	for _, server := range []string{"moto", "versitygw"} {
		b.Run(server, func(b *testing.B) {
			var url string
			if server == "moto" {
				url = s3test.StartMoto(b).URL
			} else {
				url = s3test.StartVersity(b).URL
			}
			s3test.CreateBucket(b, url, "bench")
			run := func(env []string) time.Duration {
				cmd := exec.Command(bin, "run", "--quiet", "--n", "100")
				cmd.Dir, cmd.Env = b.TempDir(), env
				t0 := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
				return time.Since(t0)
			}
			var local, s3 time.Duration
			for i := range b.N {
				local += run(append(goEnv(), "FLOWC_DATASTORE_ROOT="+filepath.Join(b.TempDir(), ".flowc")))
				s3 += run(s3Env(url, "bench", "r"+strconv.Itoa(i)))
			}
			b.ReportMetric(local.Seconds()/float64(b.N), "local-s")
			b.ReportMetric(s3.Seconds()/float64(b.N), "s3-s")
			b.ReportMetric(s3.Seconds()/local.Seconds(), "s3/local")
		})
	}
}

// BenchmarkS3BigArtifact writes a 256 MiB []byte artifact through S3
// (moto) and reads it back; target: peak RSS <= 400 MB.
func BenchmarkS3BigArtifact(b *testing.B) {
	for range b.N {
		rss, wall := bigArtifactRun(b)
		b.ReportMetric(float64(rss>>20), "peak-RSS-MB")
		b.ReportMetric(wall.Seconds(), "run-s")
	}
}

// runFlowsDir builds testdata/runflows (for a benchmark).
func runFlowsDir(tb testing.TB) string {
	tb.Helper()
	runFlows.exe(tb, "")
	return runFlows.dir
}
