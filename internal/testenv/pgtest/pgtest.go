// Package pgtest starts a throwaway PostgreSQL 15 server for a test: initdb
// into a temp dir, a postmaster on a free loopback port, stopped and
// removed at the test's cleanup. Without PostgreSQL the test skips with one
// line naming what to install (testenv.Missing). .ci/deps/postgres.sh
// provides it on CI.
package pgtest

import (
	"context"

	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/internal/testenv"
	"github.com/jackc/pgx/v5"
)

// BinEnv names a directory holding initdb and postgres, for a PostgreSQL
// installed somewhere else.
const BinEnv = "FLOWC_POSTGRES_BIN"

// hint is the one line a test without PostgreSQL skips with.
const hint = "PostgreSQL 15 is not installed (initdb and postgres in /usr/lib/postgresql/15/bin, or $" + BinEnv + "); apt-get install postgresql-15, or run .ci/deps/postgres.sh"

// Server is one running PostgreSQL server.
type Server struct {
	// URL connects to its "postgres" database as the superuser.
	URL string

	t    testing.TB
	bin  string
	dir  string // data directory's parent; also the socket directory
	port int
	cred *syscall.Credential // the postgres user's, when the test runs as root

	mu   sync.Mutex
	proc *exec.Cmd
	exit chan struct{}
	log  *os.File
}

// BinDir finds the PostgreSQL binaries, or returns "" when there are none.
func BinDir() string {
	dirs := []string{os.Getenv(BinEnv), "/usr/lib/postgresql/15/bin", filepath.Join(testenv.CacheDir("postgres"), "bin")}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Join(d, "initdb")); err == nil && !fi.IsDir() {
			if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
				return d
			}
		}
	}
	return ""
}

// Start initializes and starts a server for t, or ends t through
// testenv.Missing when PostgreSQL is not installed. The server is stopped
// and its files removed when t ends. About 1 to 5 s.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := BinDir()
	if bin == "" {
		testenv.Missing(t, hint)
	}
	s := &Server{t: t, bin: bin}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root; they run as the
		// postgres user, which owns the data directory.
		u, err := user.Lookup("postgres")
		if err != nil {
			testenv.Missing(t, "the tests run as root and there is no \"postgres\" user to run PostgreSQL as; create it (useradd postgres) or run the tests as another user")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	// Not t.TempDir: its parents are private to the test's user, and the
	// server may run as another one. A short path, too: the socket's path
	// must stay under 108 bytes.
	dir, err := os.MkdirTemp("", "flowc-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s.dir = dir
	t.Cleanup(func() {
		s.Stop()
		os.RemoveAll(dir)
	})
	if s.cred != nil {
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	initdb := s.command("initdb", "-D", s.dataDir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	var lastErr error
	for range 5 { // a free port can be taken between our probe and the server's bind
		if s.port, err = freePort(); err != nil {
			t.Fatal(err)
		}
		s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
		if lastErr = s.start(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("starting PostgreSQL: %v", lastErr)
	return nil
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

func (s *Server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Setpgid: true}
	return cmd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs the postmaster and waits until it accepts connections.
// Durability is traded for speed (fsync off): the data of a test server
// need only survive process crashes, which it still does. synchronous_commit
// stays on: with it off, a commit's WAL may still sit in shared memory, and
// a test that kills the server would lose it.
func (s *Server) start() error {
	logf, err := os.OpenFile(filepath.Join(s.dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := s.command("postgres", "-D", s.dataDir(), "-p", strconv.Itoa(s.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+s.dir,
		"-c", "fsync=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	exit := make(chan struct{})
	go func() { cmd.Wait(); close(exit) }()
	s.mu.Lock()
	s.proc, s.exit, s.log = cmd, exit, logf
	s.mu.Unlock()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exit:
			logf.Close()
			return fmt.Errorf("postgres exited at start; its log:\n%s", s.Log())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.URL)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		if time.Now().After(deadline) {
			s.Kill()
			return fmt.Errorf("postgres did not accept connections in 60 s: %v; its log:\n%s", err, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log is the server's log so far.
func (s *Server) Log() string {
	data, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	return string(data)
}

// Stop shuts the server down fast (SIGINT: active transactions are rolled
// back) and waits for it.
func (s *Server) Stop() { s.signal(syscall.SIGINT) }

// Kill kills the postmaster and its backends with SIGKILL, as a crash
// would, and returns once they are gone; Restart recovers from it.
func (s *Server) Kill() { s.signal(syscall.SIGKILL) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	cmd, exit, logf := s.proc, s.exit, s.log
	s.proc = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	pm := cmd.Process.Pid
	var children []int
	if sig == syscall.SIGKILL {
		// Every backend calls setsid, so the postmaster's process group
		// does not hold them, and a killed postmaster's backends live on
		// until they notice: answering queries meanwhile, and holding the
		// shared memory a restart needs. Stop the postmaster so it forks
		// no more, then kill its children one by one.
		syscall.Kill(pm, syscall.SIGSTOP)
		children = childrenOf(pm)
		for _, c := range children {
			syscall.Kill(c, syscall.SIGKILL)
		}
	}
	syscall.Kill(-pm, sig)
	select {
	case <-exit:
	case <-time.After(30 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exit
	}
	for _, c := range children {
		for alive(c) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	logf.Close()
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _ := procStat(c); ppid == pid {
			out = append(out, c)
		}
	}
	return out
}

// alive reports whether pid is a process that has not exited: a killed
// orphan is a zombie until its new parent reaps it, and a zombie holds no
// shared memory.
func alive(pid int) bool {
	_, state := procStat(pid)
	return state != "" && state != "Z" && state != "X"
}

// procStat reads a process's parent and state from /proc/PID/stat; state
// is "" when there is no such process.
func procStat(pid int) (ppid int, state string) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, ""
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0, ""
	}
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0]
}

// Restart starts the server again on the same port and data, after Stop
// or Kill.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	// A killed server leaves its pid file; postgres checks that the pid
	// is gone and starts anyway.
	if err := s.start(); err != nil {
		s.t.Fatalf("restarting PostgreSQL: %v", err)
	}
}

var dbSeq struct {
	sync.Mutex
	n int
}

// NewDatabase creates an empty database on s and returns its URL: tests
// sharing a server each get their own, without another server's start-up.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	dbSeq.Lock()
	dbSeq.n++
	name := fmt.Sprintf("t%d_%s", dbSeq.n, strings.ToLower(sanitize(t.Name())))
	dbSeq.Unlock()
	if len(name) > 60 {
		name = name[:60]
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	return strings.Replace(s.URL, "/postgres?", "/"+name+"?", 1)
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return '_'
	}, s)
}
