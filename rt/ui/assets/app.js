// flowc run browser: plain JS, no build step. Every value and log line is
// put into the page as text (textContent, never innerHTML), so a step that
// prints <script> shows the text.
"use strict";

const main = () => document.getElementById("main");
let live = null; // the live status stream of the page on screen

function el(tag, attrs, ...kids) {
  const e = tag === "svg" || attrs && attrs.svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "svg" || v === undefined || v === null) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
}
const svg = (tag, attrs, ...kids) => el(tag, Object.assign({ svg: true }, attrs), ...kids);

async function api(path, opts) {
  const r = await fetch(path, Object.assign({ credentials: "same-origin" }, opts));
  const body = await r.json().catch(() => ({ error: r.status + " " + r.statusText }));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}
const enc = encodeURIComponent;
const runPath = (flow, id) => "/api/runs/" + enc(flow) + "/" + enc(id);

function badge(status) { return el("span", { class: "status s-" + status, text: status }); }
// One formatter for every date (toLocaleString's output): toLocaleString
// makes a formatter per call, which was most of drawing 50 rows.
const dateFmt = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
function when(t) { return t && !t.startsWith("0001") ? dateFmt.format(new Date(t)) : "-"; }
function duration(a, b) {
  if (!a || !b || b.startsWith("0001")) return "-";
  const ms = new Date(b) - new Date(a);
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  return Math.floor(ms / 60000) + " min " + Math.round(ms % 60000 / 1000) + " s";
}
function size(n) { return n < 1024 ? n + " B" : n < 1 << 20 ? (n / 1024).toFixed(1) + " KiB" : (n / (1 << 20)).toFixed(1) + " MiB"; }
function show(...kids) { main().replaceChildren(...kids.filter(k => k !== null && k !== undefined)); }
function fail(err) { show(el("p", { class: "error", id: "error", text: String(err.message || err) })); }

// Routes are in the hash, so the server serves one page.
function route() {
  if (live) { live.close(); live = null; }
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const q = new URLSearchParams(query || "");
  const go = parts[0] === "run" ? runPage(parts[1], parts[2])
    : parts[0] === "task" ? taskPage(parts[1], parts[2], parts[3], parts[4])
    : parts[0] === "compare" ? comparePage(q.get("a"), q.get("b"))
    : runsPage(q);
  // When the page is drawn (its data fetched and put in), for the
  // benchmarks' first paint and the tests.
  go.then(() => { document.body.dataset.rendered = performance.now().toFixed(1); }, fail);
}
window.addEventListener("hashchange", route);
// The script is inlined at the end of the page's body (assets.go): the
// elements above it are there, so the first page's data is asked for now.
route();

// ---- runs
async function runsPage(q) {
  const params = new URLSearchParams();
  for (const k of ["flow", "user", "status", "offset"]) if (q.get(k)) params.set(k, q.get(k));
  for (const t of q.getAll("tag")) if (t) params.append("tag", t);
  const d = await api("/api/runs?" + params);
  document.getElementById("where").textContent = d.root + (d.namespace ? "  namespace " + d.namespace : "  all namespaces");
  const field = (name, input) => el("label", {}, name, input);
  const flowSel = el("select", { name: "flow" }, el("option", { value: "", text: "all flows" }), d.flows.map(f => el("option", { value: f, text: f })));
  flowSel.value = q.get("flow") || "";
  const statusSel = el("select", { name: "status" }, ["", "running", "succeeded", "failed", "killed"].map(s => el("option", { value: s, text: s || "any status" })));
  statusSel.value = q.get("status") || "";
  const user = el("input", { name: "user", value: q.get("user") || "", placeholder: "user" });
  const tag = el("input", { name: "tag", value: q.getAll("tag").join(" "), placeholder: "tag (space: all of them)" });
  const form = el("form", { class: "filters", id: "filters", onsubmit: e => {
    e.preventDefault();
    const n = new URLSearchParams();
    if (flowSel.value) n.set("flow", flowSel.value);
    if (user.value) n.set("user", user.value);
    if (statusSel.value) n.set("status", statusSel.value);
    for (const t of tag.value.split(/\s+/)) if (t) n.append("tag", t);
    location.hash = "#/?" + n;
  } }, field("flow", flowSel), field("user", user), field("tag", tag), field("status", statusSel), el("button", { type: "submit", text: "filter" }));
  const picked = new Set();
  const cmp = el("button", { id: "compare", disabled: "", text: "compare two runs", onclick: () => {
    const [a, b] = [...picked]; location.hash = "#/compare?a=" + enc(a) + "&b=" + enc(b);
  } });
  const rows = d.runs.map(r => {
    const key = r.flow + "/" + r.id;
    const box = el("input", { type: "checkbox", onchange: e => {
      e.target.checked ? picked.add(key) : picked.delete(key);
      picked.size === 2 ? cmp.removeAttribute("disabled") : cmp.setAttribute("disabled", "");
    } });
    return el("tr", { "data-run": key }, el("td", {}, box), el("td", { text: r.flow }),
      el("td", {}, el("a", { href: "#/run/" + enc(r.flow) + "/" + enc(r.id), text: r.id })),
      el("td", {}, badge(r.status)), el("td", { text: when(r.started) }), el("td", { text: duration(r.started, r.finished) }),
      el("td", { text: r.user }), el("td", {}, r.tags.map(t => el("span", { class: "tag", text: t }))));
  });
  const page = (off) => { const n = new URLSearchParams(q); n.set("offset", off); return "#/?" + n; };
  // total is -1 when the metadata service was read only as far as this
  // page (more runs match).
  const shown = `${d.runs.length ? d.offset + 1 : 0}-${d.offset + d.runs.length}`;
  const nav = el("p", { id: "runs-nav" }, d.total >= 0 ? `${d.total} runs; showing ${shown} ` : `showing ${shown} of more `,
    d.offset > 0 ? el("a", { href: page(Math.max(0, d.offset - d.limit)), text: "newer" }) : null, " ",
    d.total < 0 || d.offset + d.runs.length < d.total ? el("a", { href: page(d.offset + d.limit), id: "older", text: "older" }) : null);
  show(el("h1", { text: "Runs" }), form,
    el("table", { id: "runs" }, el("tr", {}, ["", "flow", "run", "status", "started", "duration", "user", "tags"].map(h => el("th", { text: h }))), rows),
    nav, cmp);
}

// ---- one run: graph, tags, parameters; refreshed while it runs
async function runPage(flow, id) {
  let d = await api(runPath(flow, id));
  const r = d.run;
  document.getElementById("where").textContent = r.flow + "/" + r.id;
  const tagBox = el("span", { id: "tags" });
  const drawTags = (tags, sys) => tagBox.replaceChildren(
    ...tags.map(t => el("span", { class: "tag", "data-tag": t }, t, el("button", { title: "remove tag", text: "×", onclick: () => editTags(r, { remove: [t] }, drawTags) }))),
    ...sys.map(t => el("span", { class: "tag sys", text: t })));
  drawTags(r.tags, r.sys_tags);
  const input = el("input", { id: "tag-input", placeholder: "new tag" });
  const tagForm = el("form", { id: "tag-form", onsubmit: e => {
    e.preventDefault(); if (input.value) editTags(r, { add: [input.value] }, drawTags).then(() => { input.value = ""; });
  } }, input, el("button", { type: "submit", id: "tag-add", text: "add tag" }));
  const other = el("input", { id: "compare-with", placeholder: "run id", size: 8 });
  const params = Object.entries(r.params || {});
  const steps = el("div", { id: "steps" });
  const graphBox = el("div", { id: "graph" });
  const meta = (r) => "user " + r.user + " · started " + when(r.started) + " · " + duration(r.started, r.finished) + (r.origin ? " · resumed from " + r.origin : "");
  let open = null; // the step whose tasks are listed, redrawn with the graph
  const pick = (d, name) => { open = name; showStep(d, name, steps).catch(fail); };
  const draw = (d) => {
    graphBox.replaceChildren(drawGraph(d, pick));
    document.getElementById("run-status")?.replaceChildren(badge(d.run.status));
    const m = document.getElementById("run-meta");
    if (m) m.textContent = meta(d.run);
    if (open) showStep(d, open, steps, true).catch(e => document.getElementById("live-note")?.replaceChildren(e.message));
  };
  show(el("h1", {}, r.flow + " / run " + r.id + " ", el("span", { id: "run-status" }, badge(r.status))),
    el("p", { id: "run-meta" }, meta(r)),
    el("p", {}, "tags: ", tagBox, " ", tagForm),
    params.length ? el("table", { id: "params" }, el("tr", {}, el("th", { text: "parameter" }), el("th", { text: "value" })), params.map(([k, v]) => el("tr", {}, el("td", { text: k }), el("td", { text: v })))) : null,
    el("h2", { text: "Graph" }), graphBox, el("p", { class: "muted", id: "live-note" }), steps,
    el("p", {}, "compare with run ", el("form", { class: "inline", onsubmit: e => {
      e.preventDefault(); location.hash = "#/compare?a=" + enc(r.flow + "/" + r.id) + "&b=" + enc(r.flow + "/" + other.value);
    } }, other, el("button", { type: "submit", text: "compare" }))));
  draw(d);
  // Live status while the run runs: the server sends the run's state when
  // it changes (live.go), and "end" once the run is over. A broken stream
  // is reopened by the browser; the page keeps its last picture meanwhile.
  if (r.status === "running") {
    const es = new EventSource(runPath(flow, id) + "/events");
    live = es;
    es.onmessage = (e) => { d = JSON.parse(e.data); draw(d); };
    es.addEventListener("end", () => { es.close(); if (live === es) live = null; });
    es.addEventListener("failed", (e) => { document.getElementById("live-note")?.replaceChildren(JSON.parse(e.data).error); });
  }
}

async function editTags(r, change, drawTags) {
  try {
    const d = await api(runPath(r.flow, r.id) + "/tags", { method: "POST", headers: { "Content-Type": "application/json", "X-Flowc-UI": "1" }, body: JSON.stringify(change) });
    drawTags(d.tags, d.sys_tags);
  } catch (e) { alert(e.message); }
}

const rank = ["failed", "running", "unfinished", "killed", "succeeded"];
function stepStatus(st) {
  if (!st || !st.n) return "pending";
  for (const s of rank) if (st.counts[s]) return s;
  return "pending";
}

// drawGraph lays the steps out in layers (longest path from Start) and
// draws them as SVG boxes colored by their tasks' status; a step with
// several tasks (a foreach body) shows its counts. Without a stored graph
// the steps that ran are drawn in the order they ran.
function drawGraph(d, pick) {
  const byName = Object.fromEntries(d.steps.map(s => [s.name, s]));
  let nodes, edges;
  if (d.graph && d.graph.steps) {
    nodes = d.graph.steps.map(s => s.name);
    edges = [];
    for (const s of d.graph.steps) for (const n of s.next || []) if (n !== s.name) edges.push([s.name, n]);
    for (const s of d.graph.steps) if (s.switch) for (const c of s.switch.cases) if (c.step !== s.name && !edges.some(e => e[0] === s.name && e[1] === c.step)) edges.push([s.name, c.step]);
  } else {
    nodes = d.steps.map(s => s.name);
    edges = nodes.slice(1).map((n, i) => [nodes[i], n]);
  }
  const depth = Object.fromEntries(nodes.map(n => [n, 0]));
  for (let i = 0; i < nodes.length; i++) for (const [a, b] of edges) if (depth[b] < depth[a] + 1 && depth[a] + 1 < nodes.length) depth[b] = depth[a] + 1;
  const layers = [];
  for (const n of nodes) (layers[depth[n]] ||= []).push(n);
  const W = 150, H = 44, GX = 30, GY = 40;
  const width = Math.max(...layers.map(l => l.length)) * (W + GX) + GX;
  const pos = {};
  layers.forEach((l, y) => l.forEach((n, x) => {
    const off = (width - l.length * (W + GX) + GX) / 2;
    pos[n] = { x: off + x * (W + GX), y: GY / 2 + y * (H + GY) };
  }));
  const g = svg("svg", { class: "graph", width, height: layers.length * (H + GY), id: "graph-svg" },
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" }, svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#888" }))));
  for (const [a, b] of edges) {
    const p = pos[a], q = pos[b];
    if (!p || !q) continue;
    const x1 = p.x + W / 2, y1 = p.y + H, x2 = q.x + W / 2, y2 = q.y;
    g.append(svg("path", { class: "edge", d: `M${x1},${y1} C${x1},${y1 + GY / 2} ${x2},${y2 - GY / 2} ${x2},${y2}` }));
  }
  for (const n of nodes) {
    const st = byName[n], status = stepStatus(st), p = pos[n];
    const tasks = st ? st.n : 0;
    const label = tasks > 1 ? `${st.counts.succeeded || 0}/${tasks} done` + (st.counts.running ? ` · ${st.counts.running} running` : "") + (st.counts.failed ? ` · ${st.counts.failed} failed` : "") : status;
    g.append(svg("g", { class: "node n-" + status, "data-step": n, "data-status": status, "data-tasks": tasks, "data-done": st ? st.counts.succeeded || 0 : 0, transform: `translate(${p.x},${p.y})`,
      onclick: () => pick(d, n) },
      svg("title", { text: n + ": " + label }),
      svg("rect", { width: W, height: H }),
      svg("text", { x: 8, y: 18, text: n }),
      svg("text", { x: 8, y: 35, class: "counts", text: label })));
  }
  return g;
}

// showStep lists a step's tasks, or opens its only one (not on a redraw).
// A wide step's list is not in the run's answer: it is fetched when shown,
// and on a live redraw again only if the step's counts changed.
let listed = null; // what the list on screen shows: run, step and counts
async function showStep(d, name, box, redraw) {
  const st = d.steps.find(s => s.name === name);
  if (!st || !st.n) { listed = null; box.replaceChildren(el("p", { class: "muted", text: name + " has no tasks yet" })); return; }
  if (st.n === 1 && !redraw) { location.hash = "#/task/" + [d.run.flow, d.run.id, name, st.tasks[0].id].map(enc).join("/"); return; }
  const key = JSON.stringify([d.run.flow, d.run.id, name, st.counts]);
  if (redraw && listed === key) return;
  listed = key;
  const tasks = st.tasks || (await api(runPath(d.run.flow, d.run.id) + "/tasks?step=" + enc(name))).tasks;
  if (listed !== key) return; // another list was asked for meanwhile
  box.replaceChildren(el("h2", { text: name + ": " + tasks.length + " tasks" }),
    el("div", { class: "tasklist", id: "tasklist" }, tasks.map(t => el("a", { href: "#/task/" + [d.run.flow, d.run.id, name, t.id].map(enc).join("/"), "data-task": t.id }, badge(t.status), " " + t.id))));
}

// ---- one task: logs with attempts, artifacts rendered
async function taskPage(flow, id, step, task) {
  const base = runPath(flow, id) + "/" + enc(step) + "/" + enc(task);
  const t = await api(base);
  document.getElementById("where").textContent = t.path;
  const logBox = el("div", { id: "logs" });
  const valueBox = el("div", { id: "value" });
  const attemptSel = el("select", { id: "attempt" }, t.attempts.map(a => el("option", { value: a, text: "attempt " + a })));
  attemptSel.value = String(t.attempt);
  let stream = "stdout";
  const tabs = el("span", { class: "tabs" });
  const loadLog = async () => {
    tabs.replaceChildren(...["stdout", "stderr"].map(s => el("button", { class: s === stream ? "on" : "", id: "tab-" + s, text: s, onclick: () => { stream = s; loadLog(); } })));
    const pre = el("pre", { id: "log-" + stream });
    logBox.replaceChildren(pre);
    let offset = 0;
    const more = async () => {
      const l = await api(base + "/log?stream=" + stream + "&attempt=" + attemptSel.value + "&offset=" + offset);
      pre.append(l.text); offset = l.next;
      logBox.querySelector("button.more")?.remove();
      if (!l.eof) logBox.append(el("button", { class: "more", text: "more", onclick: more }));
      if (!pre.textContent) pre.textContent = "(empty)";
    };
    await more();
  };
  attemptSel.addEventListener("change", loadLog);
  const arts = el("ul", { class: "plain", id: "artifacts" }, t.artifacts.map(a => el("li", { "data-name": a.name },
    el("button", { class: "link", onclick: () => showArtifact(base, a.name, valueBox) }, a.name), el("span", { class: "muted", text: ` ${a.type} · ${size(a.size)}` }))));
  const failure = t.failure ? el("pre", { class: "error", id: "failure", text: t.failure.type + ": " + t.failure.message + (t.failure.stack ? "\n" + t.failure.stack : "") }) : null;
  show(el("h1", {}, el("a", { href: "#/run/" + enc(flow) + "/" + enc(id), text: flow + "/" + id }), " / " + step + " / " + task + " ", badge(t.status)),
    el("p", {}, "attempt " + t.attempt + " · started " + when(t.started) + " · " + duration(t.started, t.finished) + (t.origin ? " · cloned from " + t.origin : "") + (t.foreach_index ? " · foreach index " + t.foreach_index.join(",") : "")),
    failure,
    el("h2", { text: "Artifacts" }), t.artifacts.length ? arts : el("p", { class: "muted", text: "no artifacts (the task has not committed)" }), valueBox,
    el("h2", {}, "Logs ", tabs, " ", attemptSel), logBox);
  await loadLog();
}

async function showArtifact(base, name, box) {
  const url = base + "/artifacts/" + enc(name);
  const v = await api(url).catch(e => ({ kind: "error", error: e.message }));
  const head = el("h2", { text: name + (v.info ? " (" + v.info.type + ", " + size(v.info.size) + ")" : "") });
  if (v.kind === "error") { box.replaceChildren(head, el("p", { class: "error", text: v.error })); return; }
  if (v.kind === "too_large") { box.replaceChildren(head, el("p", { text: "too large to show here; " + v.hint })); return; }
  if (v.kind === "json") { box.replaceChildren(head, el("div", { class: "tree", id: "value-tree" }, renderValue(v.value, 0))); return; }
  if (v.kind === "array") {
    const body = el("div", { id: "value-items" });
    const pageNav = el("p", { class: "muted" });
    const load = async (off) => {
      const p = off === 0 ? v : await api(url + "?offset=" + off);
      body.replaceChildren(renderArray(p.items, p.offset));
      pageNav.replaceChildren(`items ${p.total ? p.offset + 1 : 0}-${p.next} of ${p.total} `,
        p.offset > 0 ? el("button", { text: "previous", onclick: () => load(Math.max(0, p.offset - 100)) }) : null,
        p.next < p.total ? el("button", { id: "value-next", text: "next", onclick: () => load(p.next) }) : null);
    };
    box.replaceChildren(head, pageNav, body);
    await load(0);
    return;
  }
  // text or bytes, paged by bytes
  const pre = el("pre", { id: "value-text" });
  box.replaceChildren(head, pre);
  let p = v;
  const add = () => {
    pre.append(p.kind === "bytes" ? p.dump : p.text);
    box.querySelector("button.more")?.remove();
    if (p.next < p.total) box.append(el("button", { class: "more", text: `more (${size(p.total - p.next)} left)`, onclick: async () => { p = await api(url + "?offset=" + p.next); add(); } }));
  };
  add();
}

// A slice of structs (objects with keys) is a table; anything else a tree.
function renderArray(items, offset) {
  if (items.length && items.every(i => i && typeof i === "object" && !Array.isArray(i))) {
    const keys = [...new Set(items.flatMap(Object.keys))];
    return el("table", { class: "values" }, el("tr", {}, el("th", { text: "#" }), keys.map(k => el("th", { text: k }))),
      items.map((it, i) => el("tr", {}, el("td", { text: offset + i }), keys.map(k => el("td", {}, k in it ? renderValue(it[k], 2) : "")))));
  }
  return el("div", { class: "tree" }, items.map((it, i) => el("div", {}, el("span", { class: "k", text: (offset + i) + ": " }), renderValue(it, 1))));
}

function renderValue(v, depth) {
  if (v === null) return el("span", { class: "lit", text: "null" });
  if (typeof v === "string") return el("span", { class: "str", text: JSON.stringify(v) });
  if (typeof v === "number") return el("span", { class: "num", text: String(v) });
  if (typeof v === "boolean") return el("span", { class: "lit", text: String(v) });
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  const summary = Array.isArray(v) ? `[${v.length}]` : `{${entries.length}}`;
  if (!entries.length) return el("span", { text: Array.isArray(v) ? "[]" : "{}" });
  const d = el("details", depth < 2 ? { open: "" } : {}, el("summary", { text: summary }),
    entries.map(([k, x]) => el("div", {}, el("span", { class: "k", text: k + ": " }), renderValue(x, depth + 1))));
  return d;
}

// ---- two runs side by side
async function comparePage(a, b) {
  const d = await api("/api/compare?a=" + enc(a || "") + "&b=" + enc(b || ""));
  document.getElementById("where").textContent = "compare";
  const link = (r, s) => s ? el("a", { href: "#/task/" + [r.flow, r.id, ...s.task.split("/")].map(enc).join("/"), text: s.type + " · " + size(s.size) + " · " + s.hash.slice(0, 10) }) : el("span", { class: "muted", text: "absent" });
  const rows = [...d.rows].sort((x, y) => x.same - y.same);
  show(el("h1", { text: `${d.a.flow}/${d.a.id} vs ${d.b.flow}/${d.b.id}` }),
    el("p", { id: "differ" }, `${d.differ} of ${d.rows.length} artifacts differ`),
    el("table", { id: "compare-table" }, el("tr", {}, ["step", "artifact", d.a.flow + "/" + d.a.id, d.b.flow + "/" + d.b.id, ""].map(h => el("th", { text: h }))),
      rows.map(r => el("tr", { class: r.same ? "same" : "differs", "data-artifact": r.step + "." + r.artifact }, el("td", { text: r.step }), el("td", { text: r.artifact }),
        el("td", {}, link(d.a, r.a)), el("td", {}, link(d.b, r.b)), el("td", { text: r.same ? "same" : "differs" })))));
}
