package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
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
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
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
	if err := svc.Serve(ctx, l); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
