package ui

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/internal/ns"
)

// Paging limits: the page asks for more with offset; the server never
// answers with more than this at once.
const (
	logPage      = 256 << 10 // bytes of a log
	textPage     = 64 << 10  // bytes of a raw or oversized JSON value
	bytesPage    = 4 << 10   // bytes of a binary value, as a hex dump
	itemsPage    = 100       // elements of a JSON array
	maxTreeBytes = 1 << 20   // larger JSON (not an array) is shown as text
	maxValue     = 256 << 20 // larger values are not read at all
)

func (s *Server) apiLog(w http.ResponseWriter, r *http.Request) {
	t, err := s.task(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	stream := r.URL.Query().Get("stream")
	if stream == "" {
		stream = "stdout"
	}
	if stream != "stdout" && stream != "stderr" {
		writeErr(w, badRequest("stream %q is not a log; use stdout or stderr", stream))
		return
	}
	attempt := -1
	if r.URL.Query().Get("attempt") != "" {
		if attempt, err = intParam(r, "attempt", 0, 1000); err != nil {
			writeErr(w, err)
			return
		}
	}
	offset, err := intParam(r, "offset", 0, 1<<40)
	if err != nil {
		writeErr(w, err)
		return
	}
	rc, err := t.Log(r.Context(), stream, attempt)
	if errors.Is(err, client.ErrNotFound) && attempt < 0 {
		writeJSON(w, map[string]any{"text": "", "offset": offset, "next": offset, "eof": true})
		return
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	defer rc.Close()
	if _, err := io.CopyN(io.Discard, rc, int64(offset)); err != nil && err != io.EOF {
		writeErr(w, err)
		return
	}
	buf := make([]byte, logPage+1)
	n, err := io.ReadFull(rc, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		writeErr(w, err)
		return
	}
	eof := n <= logPage
	n = min(n, logPage)
	text := buf[:n]
	if !eof {
		text = cutRune(text)
	}
	writeJSON(w, map[string]any{"text": string(text), "offset": offset, "next": offset + len(text), "eof": eof})
}

// cutRune drops a partial UTF-8 sequence at the end of a page, so the next
// page starts with it whole.
func cutRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// apiArtifact renders one value for the page: a JSON array paged by
// elements, other JSON whole (up to maxTreeBytes), text and bytes paged.
func (s *Server) apiArtifact(w http.ResponseWriter, r *http.Request) {
	t, err := s.task(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	name := r.PathValue("name")
	ctx := r.Context()
	infos, err := t.ArtifactInfos(ctx)
	if err != nil {
		writeErr(w, err)
		return
	}
	var info *client.ArtifactInfo
	for i := range infos {
		if infos[i].Name == name {
			info = &infos[i]
		}
	}
	if info == nil {
		writeErr(w, &httpError{http.StatusNotFound, errors.New("task " + t.Path() + " has no artifact " + strconv.Quote(name))})
		return
	}
	out := map[string]any{"info": artifactOf(*info)}
	if info.Size > maxValue {
		out["kind"] = "too_large"
		out["hint"] = "read it with: <bin> dump " + t.RunID() + "/" + t.Step() + "/" + t.ID() + " --artifact " + name + " --json"
		writeJSON(w, out)
		return
	}
	offset, err := intParam(r, "offset", 0, maxValue)
	if err != nil {
		writeErr(w, err)
		return
	}
	if info.Encoding != "json" {
		var b []byte
		if err := t.Data(ctx, name, &b); err != nil {
			writeErr(w, err)
			return
		}
		if utf8.Valid(b) {
			page(out, "text", b, offset, textPage)
		} else {
			page(out, "bytes", b, offset, bytesPage)
			out["dump"] = hex.Dump(b[out["offset"].(int):out["next"].(int)])
			delete(out, "text")
		}
		writeJSON(w, out)
		return
	}
	var raw json.RawMessage
	if err := t.Data(ctx, name, &raw); err != nil {
		writeErr(w, err)
		return
	}
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err == nil {
			lo := min(offset, len(items))
			hi := min(lo+itemsPage, len(items))
			out["kind"], out["items"], out["offset"], out["next"], out["total"] = "array", items[lo:hi], lo, hi, len(items)
			writeJSON(w, out)
			return
		}
	}
	if len(raw) <= maxTreeBytes {
		out["kind"], out["value"] = "json", raw
		writeJSON(w, out)
		return
	}
	page(out, "text", raw, offset, textPage)
	writeJSON(w, out)
}

// page puts b[offset:offset+size] into out as kind.
func page(out map[string]any, kind string, b []byte, offset, size int) {
	lo := min(offset, len(b))
	hi := min(lo+size, len(b))
	chunk := b[lo:hi]
	if kind == "text" && hi < len(b) {
		chunk = cutRune(chunk)
		hi = lo + len(chunk)
	}
	out["kind"], out["text"], out["offset"], out["next"], out["total"] = kind, string(chunk), lo, hi, len(b)
}

// apiCompare lines two runs up step by step (tasks by position) and says
// which artifacts differ: equal values have equal hashes.
func (s *Server) apiCompare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var runs [2]*client.Run
	for i, k := range []string{"a", "b"} {
		flow, id, ok := strings.Cut(r.URL.Query().Get(k), "/")
		if !ok {
			writeErr(w, badRequest("%s %q is not a run; use Flow/RUN-ID", k, r.URL.Query().Get(k)))
			return
		}
		run, err := s.run(ctx, flow, id)
		if err != nil {
			writeErr(w, err)
			return
		}
		runs[i] = run
	}
	type side struct {
		Hash string `json:"hash"`
		Type string `json:"type"`
		Size int64  `json:"size"`
		Task string `json:"task"` // "step/task", for links
	}
	type row struct {
		Step     string `json:"step"`
		Artifact string `json:"artifact"`
		A        *side  `json:"a"`
		B        *side  `json:"b"`
		Same     bool   `json:"same"`
	}
	rows := []row{}
	index := map[string]int{}
	for i, run := range runs {
		steps, err := run.Steps(ctx)
		if err != nil {
			writeErr(w, err)
			return
		}
		for _, st := range steps {
			tasks, err := st.Tasks(ctx)
			if err != nil {
				writeErr(w, err)
				return
			}
			for k, t := range tasks {
				label := st.Name()
				if len(tasks) > 1 {
					label += "[" + strconv.Itoa(k) + "]"
				}
				if !t.Finished() {
					continue
				}
				arts, err := t.ArtifactInfos(ctx)
				if err != nil && !errors.Is(err, client.ErrNotFound) {
					writeErr(w, err)
					return
				}
				for _, a := range arts {
					key := label + "\x00" + a.Name
					j, ok := index[key]
					if !ok {
						j = len(rows)
						index[key] = j
						rows = append(rows, row{Step: label, Artifact: a.Name})
					}
					sd := &side{Hash: a.Hash, Type: a.Type, Size: a.Size, Task: st.Name() + "/" + t.ID()}
					if i == 0 {
						rows[j].A = sd
					} else {
						rows[j].B = sd
					}
				}
			}
		}
	}
	differ := 0
	for i := range rows {
		rows[i].Same = rows[i].A != nil && rows[i].B != nil && rows[i].A.Hash == rows[i].B.Hash
		if !rows[i].Same {
			differ++
		}
	}
	writeJSON(w, map[string]any{"a": runOf(runs[0]), "b": runOf(runs[1]), "rows": rows, "differ": differ})
}

// apiTags is the page's one write. The guard checked it is same-origin.
func (s *Server) apiTags(w http.ResponseWriter, r *http.Request) {
	p, err := ids(r, "flow", "run")
	if err != nil {
		writeErr(w, err)
		return
	}
	var body struct {
		Add    []string `json:"add"`
		Remove []string `json:"remove"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeErr(w, badRequest("tag request: %v; send {\"add\": [...], \"remove\": [...]}", err))
		return
	}
	for _, t := range body.Add {
		if err := ns.ValidTag("tag", t); err != nil {
			writeErr(w, &httpError{http.StatusBadRequest, err})
			return
		}
	}
	run, err := s.run(r.Context(), p["flow"], p["run"])
	if err != nil {
		writeErr(w, err)
		return
	}
	if len(body.Add) > 0 {
		if err := run.AddTags(r.Context(), body.Add...); err != nil {
			writeErr(w, err)
			return
		}
	}
	if len(body.Remove) > 0 {
		if err := run.RemoveTags(r.Context(), body.Remove...); err != nil {
			writeErr(w, &httpError{http.StatusBadRequest, err})
			return
		}
	}
	writeJSON(w, map[string]any{"tags": orEmpty(run.Tags()), "sys_tags": orEmpty(run.SysTags())})
}
