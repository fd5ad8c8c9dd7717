// Command faketask stands in for a flow binary in tests that measure the
// state machine rather than the tasks (the history events of a wide
// foreach): every task succeeds at once, and a foreach or switch task
// stores its task.json with the cardinality or case the test chose.
//
// It reads <its own path>.json: {"bucket": B, "prefix": P,
// "cardinality": {"Step": n}, "case": {"Step": "the step it chose"}, "sleep": ns,
// "record": true}, and reaches S3 at AWS_ENDPOINT_URL with plain requests
// (the emulator checks no signatures). A foreach task writes the items
// file a Distributed Map reads when its definition asks for it; with
// record, every task also writes ran.json, so a test can list the tasks
// that ran (their ids, as the task contract expands them).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/rt/taskspec"
)

type config struct {
	Bucket      string            `json:"bucket"`
	Prefix      string            `json:"prefix"`
	Cardinality map[string]int    `json:"cardinality"`
	Case        map[string]string `json:"case"`
	// Sleep makes every task take this long (a run to terminate).
	Sleep time.Duration `json:"sleep"`
	// Record: every task writes ran.json.
	Record bool `json:"record"`
}

func main() {
	if err := run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "faketask:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	b, err := os.ReadFile(args[0] + ".json")
	if err != nil {
		return err
	}
	var c config
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	var step, runID, task string
	for i := 1; i < len(args); i++ {
		if args[i] == "step" {
			expanded, err := taskspec.ExpandArrayIndex(args[i+1:])
			if err != nil {
				return err
			}
			args = append(args[:i+1:i+1], expanded...)
			break
		}
	}
	for i := 1; i+1 < len(args); i++ {
		switch args[i] {
		case "step":
			if step == "" {
				step = args[i+1]
			}
		case "--run-id":
			runID = args[i+1]
		case "--task-id":
			task = args[i+1]
		}
	}
	time.Sleep(c.Sleep)
	if step == "" {
		return nil // the failure task, or anything else: succeed
	}
	if c.Record {
		if err := put(c, runID, step, task, "ran.json", args); err != nil {
			return err
		}
	}
	rec := map[string]any{}
	if n, ok := c.Cardinality[step]; ok {
		rec["num_splits"] = n
		if k := os.Getenv(taskspec.EnvForeachItems); k != "" {
			chunk, _ := strconv.Atoi(k)
			items, err := taskspec.ForeachItems(n, chunk)
			if err != nil {
				return err
			}
			if err := put(c, runID, step, task, taskspec.ItemsFile, json.RawMessage(items)); err != nil {
				return err
			}
		}
	}
	if v, ok := c.Case[step]; ok {
		rec["switch_case"] = v
	}
	if len(rec) == 0 {
		return nil
	}
	return put(c, runID, step, task, "task.json", rec)
}

func put(c config, runID, step, task, file string, v any) error {
	flow, _, _ := strings.Cut(os.Getenv("FLOWC_TASK"), "/")
	key := strings.Trim(c.Prefix+"/"+flow+"/"+runID+"/"+step+"/"+task+"/"+file, "/")
	body, _ := json.Marshal(v)
	req, err := http.NewRequest("PUT", os.Getenv("AWS_ENDPOINT_URL")+"/"+c.Bucket+"/"+key, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("PUT %s: %s", key, resp.Status)
	}
	return nil
}
