// The WebAccel dashboard: polls api/state and redraws. Text goes in through textContent only.
"use strict";

const POLL_MS = 2000;
const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"];
const seriesColors = new Map();

function $(id) { return document.getElementById(id); }

function text(id, value) {
  $(id).textContent = value === null || value === undefined ? "-" : String(value);
}

function fmt(v, digits) {
  return v === null || v === undefined || !isFinite(v) ? "-" : Number(v).toFixed(digits);
}

function colorOf(key) {
  if (!seriesColors.has(key)) {
    seriesColors.set(key, COLORS[seriesColors.size % COLORS.length]);
  }
  return seriesColors.get(key);
}

function cell(tr, value, className) {
  const td = document.createElement("td");
  td.textContent = value === null || value === undefined ? "-" : String(value);
  if (className) { td.className = className; }
  tr.appendChild(td);
  return td;
}

function fillTable(id, rows, render, empty) {
  const body = $(id).querySelector("tbody");
  body.replaceChildren();
  if ((!rows || rows.length === 0) && empty) {
    const tr = document.createElement("tr");
    const td = cell(tr, empty, "empty");
    td.colSpan = $(id).querySelectorAll("thead th").length;
    body.appendChild(tr);
    return;
  }
  for (const row of rows || []) {
    const tr = document.createElement("tr");
    render(tr, row);
    body.appendChild(tr);
  }
}

function renderCards(s) {
  const p = s.pool || {};
  text("workers-connected", p.workers);
  text("workers-idle", p.idle);
  text("workers-busy", p.busy);
  text("workers-starting", p.starting);
  text("queue-length", p.queued);
  text("queue-capacity", p.queueCapacity);
  text("in-flight", p.inFlight);
  text("requests-succeeded", p.succeeded);
  text("requests-submitted", p.submitted);
  text("requests-failed", p.failed);
  text("requests-rejected", p.rejected);
  const r = s.recording || {};
  text("records-written", r.written);
  text("records-dropped", r.dropped);
  // every counter the pool reports, including ones this page does not know by name
  const dl = $("pool-counters");
  dl.replaceChildren();
  // nested counters (failures by class) are shown one per entry, e.g. failedByClass.HANG
  const flat = [];
  for (const [k, v] of Object.entries(p)) {
    if (v && typeof v === "object") {
      for (const [c, n] of Object.entries(v)) { flat.push([k + "." + c, n]); }
    } else {
      flat.push([k, v]);
    }
  }
  for (const [k, v] of flat) {
    const item = document.createElement("div");
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.id = "pool-" + k;
    dd.textContent = String(v);
    item.append(dt, dd);
    dl.appendChild(item);
  }
}

function renderTables(s) {
  const breakers = new Map((s.breakers || []).map(b => [b.scope + "/" + b.id, b]));
  const scores = new Map((s.health || []).map(h => [h.scope + "/" + h.id, h]));
  fillTable("backends", s.backends, (tr, b) => {
    tr.dataset.backend = b.name;
    cell(tr, b.name);
    cell(tr, b.family);
    cell(tr, b.browserVersion);
    const td = cell(tr, b.state, "state-" + b.state);
    const note = b.reason || (b.failedLaunches > 0 ? b.failedLaunches + " failed launches in a row: " + b.lastError : "");
    if (note) { td.title = note; }
    cell(tr, b.browsers, "n");
    cell(tr, b.workers, "n");
    const br = breakers.get("backend/" + b.name);
    cell(tr, br ? br.phase : "-", br ? "phase-" + br.phase : "");
    const h = scores.get("backend/" + b.name);
    cell(tr, h ? h.score : "-", "n");
    cell(tr, note, "note");
  });
  fillTable("workers", s.workers, (tr, w) => {
    tr.dataset.worker = w.id;
    cell(tr, w.id);
    cell(tr, w.backend);
    cell(tr, w.state);
    cell(tr, w.served, "n served");
    const br = breakers.get("worker/" + w.id);
    cell(tr, br ? br.phase : "-", br ? "phase-" + br.phase : "");
    const h = scores.get("worker/" + w.id);
    cell(tr, h ? h.score : "-", "n");
    cell(tr, (w.loadedModels || []).join(", "));
  });
  renderBreakerHistory(s.breakers);
  const verdicts = s.trends && s.trends.verdicts ? s.trends.verdicts : [];
  fillTable("trends", verdicts, (tr, t) => {
    tr.dataset.series = t.model + " " + t.backend + " " + t.ep;
    tr.dataset.metric = t.metric;
    cell(tr, t.metric);
    cell(tr, t.model);
    cell(tr, t.backend);
    cell(tr, t.ep);
    cell(tr, t.direction + (t.significant ? "" : " (not significant)"), "verdict-" + t.direction);
    cell(tr, t.severity);
    // errors change in percentage points, every other metric in percent
    const unit = t.metric === "errors" ? " pts" : " %";
    cell(tr, t.percentChange === null ? "-" : (t.percentChange >= 0 ? "+" : "") + fmt(t.percentChange, 1) + unit, "n");
    // throughput is often a small fraction of one inference per second: three significant digits
    const value = v => v === null ? "-" : t.metric === "throughput" ? Number(v).toPrecision(3) : fmt(v, 1);
    cell(tr, value(t.baselineMedianMs), "n");
    cell(tr, value(t.recentMedianMs), "n");
    cell(tr, t.unit);
    cell(tr, t.baselineCount + "/" + t.recentCount, "n");
    cell(tr, t.mannWhitneyP === null ? "-" : Number(t.mannWhitneyP).toPrecision(2), "n");
    cell(tr, t.welchP === null ? "-" : Number(t.welchP).toPrecision(2), "n");
  }, s.trends && s.trends.error ? "trends unavailable: " + s.trends.error
      : "no verdicts yet: no series has samples of any metric in both the baseline and the recent window");
}

// The newest entries of a breaker's history as lines in one cell; the rest are counted.
const HISTORY_SHOWN = 5;

function historyCell(tr, entries, line, className) {
  const td = cell(tr, null, className);
  td.replaceChildren();
  const newest = (entries || []).slice().reverse();
  for (const e of newest.slice(0, HISTORY_SHOWN)) {
    const div = document.createElement("div");
    div.textContent = line(e);
    td.appendChild(div);
  }
  if (newest.length > HISTORY_SHOWN) {
    const more = document.createElement("div");
    more.className = "more";
    more.textContent = "and " + (newest.length - HISTORY_SHOWN) + " older (pool:breakers -v)";
    td.appendChild(more);
  } else if (newest.length === 0) {
    td.textContent = "-";
  }
}

function clock(iso) {
  return iso ? iso.substring(11, 23) : "-";
}

function renderBreakerHistory(breakers) {
  const withHistory = (breakers || []).filter(b => (b.transitions && b.transitions.length > 0)
      || (b.failures && b.failures.length > 0));
  fillTable("breaker-history", withHistory, (tr, b) => {
    tr.dataset.breaker = b.scope + "/" + b.id;
    cell(tr, b.scope + " " + b.id);
    cell(tr, b.phase, "phase-" + b.phase);
    cell(tr, b.phaseSince ? b.phaseSince.substring(0, 19).replace("T", " ") : "-");
    cell(tr, b.transitionsInto ? b.transitionsInto.open : "-", "n");
    historyCell(tr, b.transitions, t => clock(t.at) + "  " + t.from + " \u2192 " + t.to + ": " + t.cause, "transitions");
    historyCell(tr, b.failures, f => clock(f.at) + "  " + f.kind + (f.message ? ": " + f.message : ""), "failures");
  }, breakers ? "no breaker has changed phase or counted a failure" : "no health monitor installed");
}

// A step of 1, 2 or 5 times a power of ten, so that about four steps cover the largest value.
function niceStep(max) {
  const raw = max > 0 ? max / 4 : 0.25;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5]) {
    if (m * p >= raw) { return m * p; }
  }
  return 10 * p;
}

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) { e.setAttribute(k, String(v)); }
  if (parent) { parent.appendChild(e); }
  return e;
}

function clock(t) {
  return new Date(t).toISOString().substring(11, 19);
}

function drawChart(model, series, t0, t1) {
  const W = 640, H = 220, L = 48, R = 10, T = 10, B = 24;
  const div = document.createElement("div");
  div.className = "chart";
  div.dataset.model = model;
  const h3 = document.createElement("h3");
  h3.textContent = model;
  div.appendChild(h3);
  const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img"}, div);
  let max = 0;
  for (const pts of series.values()) {
    for (const p of pts) { if (p.p50 !== null) { max = Math.max(max, p.p50); } }
  }
  const step = niceStep(max * 1.05);
  const ticks = Math.max(1, Math.ceil(max * 1.05 / step));
  const yMax = step * ticks;
  const x = t => L + (W - L - R) * (t - t0) / Math.max(1, t1 - t0);
  const y = v => T + (H - T - B) * (1 - v / yMax);
  for (let i = 0; i <= ticks; i++) {
    const v = step * i;
    el("line", {x1: L, x2: W - R, y1: y(v), y2: y(v), class: "axis"}, svg);
    el("text", {x: L - 6, y: y(v) + 3, "text-anchor": "end", class: "tick"}, svg).textContent =
        Number(v.toPrecision(3)) + " ms";
  }
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (t1 - t0) * i / 4;
    el("text", {x: x(t), y: H - 6, "text-anchor": i === 0 ? "start" : i === 4 ? "end" : "middle", class: "tick"},
        svg).textContent = clock(t);
  }
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const [key, pts] of series) {
    const color = colorOf(key);
    const ok = pts.filter(p => p.p50 !== null);
    const d = ok.map((p, i) => (i === 0 ? "M" : "L") + x(p.t).toFixed(1) + "," + y(p.p50).toFixed(1)).join(" ");
    el("path", {d: d || "M0,0", class: "series", stroke: color, "data-series": key,
        "data-points": ok.length}, svg);
    for (const p of ok) {
      el("circle", {cx: x(p.t), cy: y(p.p50), r: 2.5, fill: color}, svg);
    }
    const last = ok.length ? ok[ok.length - 1] : null;
    const span = document.createElement("span");
    span.style.setProperty("--swatch", color);
    span.textContent = key + (last ? ` ${fmt(last.p50, 1)} ms` : "");
    legend.appendChild(span);
  }
  div.appendChild(legend);
  return div;
}

function renderCharts(s) {
  const holder = $("charts");
  const tl = s.timeline;
  if (!tl || tl.error) {
    holder.replaceChildren();
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = tl && tl.error ? "latency history unavailable: " + tl.error : "no metrics store installed";
    holder.appendChild(p);
    return;
  }
  const now = Date.parse(s.time);
  const t0 = now - tl.windowMs, t1 = now;
  const byModel = new Map();
  for (const p of tl.points) {
    const key = (p.backend || "none") + " / " + p.ep;
    if (!byModel.has(p.model)) { byModel.set(p.model, new Map()); }
    const series = byModel.get(p.model);
    if (!series.has(key)) { series.set(key, []); }
    // a point stands at the middle of its step
    series.get(key).push({t: Math.max(t0, p.t + tl.stepMs / 2), p50: p.p50});
  }
  holder.replaceChildren();
  if (byModel.size === 0) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = "no inferences in this window yet";
    holder.appendChild(p);
    return;
  }
  for (const [model, series] of [...byModel].sort((a, b) => a[0].localeCompare(b[0]))) {
    holder.appendChild(drawChart(model, series, t0, t1));
  }
}

async function poll() {
  const status = $("status");
  try {
    const r = await fetch("api/state?minutes=" + encodeURIComponent($("minutes").value), {cache: "no-store"});
    const s = await r.json();
    if (!r.ok) { throw new Error(s.error || ("HTTP " + r.status)); }
    renderCards(s);
    renderTables(s);
    renderCharts(s);
    status.textContent = "updated " + clock(Date.parse(s.time)) + " UTC" + (s.pool ? "" : " (no pool service)");
    status.className = "status";
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  } catch (e) {
    status.textContent = "cannot reach the platform: " + e.message;
    status.className = "status error";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("minutes").addEventListener("change", poll);
  poll();
  setInterval(poll, POLL_MS);
});
