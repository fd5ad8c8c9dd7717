package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/internal/mdapi"
	"github.com/flowc-dev/flowc/internal/mdservice"
)

// metadataServiceCmd runs the metadata service. It lives in flowc, not in
// flow binaries: it is the only thing that links a database driver.
type metadataServiceCmd struct {
	DatabaseURL      string        `name:"database-url" env:"FLOWC_DATABASE_URL" placeholder:"postgres://USER:PASSWORD@HOST:PORT/DB" help:"The PostgreSQL database to keep the metadata in; its schema is created or migrated at start."`
	Listen           string        `default:"127.0.0.1:8080" placeholder:"HOST:PORT" help:"The address to serve on. Anything but loopback needs a token."`
	Token            string        `env:"FLOWC_METADATA_TOKEN" help:"The bearer token every request must carry (prefer the environment or --token-file: a command line is visible to other users)."`
	TokenFile        string        `type:"path" placeholder:"FILE" help:"Read the bearer token from FILE."`
	HeartbeatTimeout time.Duration `default:"1m" help:"A running run or task without a heartbeat for this long is reported killed; clients heartbeat at a sixth of it."`
}

func (c *metadataServiceCmd) Run(e *env) error {
	if c.DatabaseURL == "" {
		return errors.New("--database-url is missing; pass postgres://USER:PASSWORD@HOST:PORT/DB or set FLOWC_DATABASE_URL")
	}
	token := c.Token
	if c.TokenFile != "" {
		if token != "" {
			return errors.New("both --token (or " + mdapi.TokenEnv + ") and --token-file are set; pass one")
		}
		data, err := os.ReadFile(c.TokenFile)
		if err != nil {
			return fmt.Errorf("reading --token-file: %w", err)
		}
		if token = strings.TrimSpace(string(data)); token == "" {
			return fmt.Errorf("--token-file %q is empty; write the token in it", c.TokenFile)
		}
	}
	if token == "" && !mdservice.Loopback(c.Listen) {
		return fmt.Errorf("--listen %q accepts connections from other machines, and no token is set; pass --token-file FILE (or set %s), or listen on 127.0.0.1", c.Listen, mdapi.TokenEnv)
	}
	if c.HeartbeatTimeout < time.Second {
		return fmt.Errorf("--heartbeat-timeout %s is too short; use 1s or more", c.HeartbeatTimeout)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tuneGC()
	logs := newLogBuffer(e.stderr)
	defer logs.close()
	log := slog.New(slog.NewJSONHandler(logs, nil))
	svc, err := mdservice.New(ctx, mdservice.Config{DatabaseURL: c.DatabaseURL, Token: token, HeartbeatTimeout: c.HeartbeatTimeout, Log: log})
	if err != nil {
		return err
	}
	defer svc.Close()
	l, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", c.Listen, err)
	}
	log.Info("listening", "url", "http://"+l.Addr().String(), "schema", svc.Schema(), "token", token != "")
	logs.flush() // whoever started the service waits for this line
	if err := svc.Serve(ctx, l); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// tuneGC lets the heap grow to five times what is live, not twice, unless
// GOGC says otherwise: the service's live heap is a few MB, and collecting
// it half as often saved a twentieth of its CPU per task attempt
// (bench/metadata.sh). The soft limit keeps it well under the 100 MB it
// may use, unless GOMEMLIMIT says otherwise.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
}

// logBuffer holds the access log's lines for up to logFlushEvery and
// writes them together: a write per request was a tenth of what the
// service spent on one. A crash loses at most that much of the log.
type logBuffer struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

const logFlushEvery = 200 * time.Millisecond

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(logFlushEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.flush()
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	b.w.Flush()
	b.mu.Unlock()
}

// close writes what is held and stops the flusher.
func (b *logBuffer) close() {
	close(b.stop)
	<-b.done
	b.flush()
}
