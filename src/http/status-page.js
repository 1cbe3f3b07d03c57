// The status page's script, served as a static asset after graphql-ws's browser build (the global
// `graphqlWs`). Browser code: plain ES2020, no imports, no build step, nothing from the internet.
// The live figures come from the `hordeStatusUpdated` subscription over graphql-ws; the model and
// worker lists are re-read over HTTP when an update arrives, at most every LIST_EVERY_MS.
// Each rendered update is kept as `window.hordeStatusLast` and dispatched as a `horde:status` event
// on document (the browser test awaits them).
(() => {
  const HISTORY = 600; // updates kept per chart (they come at most once a second, on a change)
  const WINDOW_MS = 5 * 60_000; // what the charts show
  const LIST_EVERY_MS = 5_000;
  const STATUS_FIELDS = `queuedRequests queuedJobs queuedMegapixelsteps processingJobs workersOnline threadsOnline
    pastMinuteImages pastMinuteMegapixelsteps maintenance at`;
  // Two documents, so that one list failing (say, a server without leaderboards) leaves the other.
  const MODELS = "query StatusPageModels { models(kind: image) { name count queued jobs eta performance } }";
  const WORKERS =
    "query StatusPageWorkers { topWorkers(by: MEGAPIXELSTEPS, first: 10) { rank value worker { name online } } }";
  const endpoint = new URL("graphql", window.location.href);
  const series = { workers: [], queue: [], throughput: [] };
  let updates = 0;
  let listsAt = 0;
  let listsPending = false;

  const $ = (sel) => document.querySelector(sel);
  const fmt = (n, digits = 0) =>
    n === null || n === undefined || Number.isNaN(n)
      ? "–"
      : Number(n).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: 0 });

  function setLive(state, text) {
    const el = $("#live");
    el.dataset.state = state;
    el.textContent = text;
  }

  function setFigure(name, value, digits) {
    for (const el of document.querySelectorAll(`[data-figure="${name}"]`)) el.textContent = fmt(value, digits);
  }

  /**
   * A step chart of one series over the last WINDOW_MS: each value holds until the next update
   * (updates come only on a change), the latest one until now. The area under it, the line, the
   * latest point, and the window's top value.
   */
  function lineChart(svg, points, digits) {
    const w = 300;
    const h = 100;
    const now = Date.now();
    const from = now - WINDOW_MS;
    const shown = points.filter((p, i) => p.t >= from || points[i + 1]?.t >= from || i === points.length - 1);
    const max = Math.max(1, ...shown.map((p) => p.v));
    const x = (t) => (Math.max(0, t - from) / WINDOW_MS) * w;
    const y = (v) => h - (v / max) * (h - 12);
    const xy = [];
    shown.forEach((p, i) => {
      const next = shown[i + 1]?.t ?? now;
      xy.push([x(p.t), y(p.v)], [x(next), y(p.v)]);
    });
    const line = xy.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
    const last = points[points.length - 1];
    svg.innerHTML = "";
    const add = (tag, attrs, text) => {
      const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      if (text !== undefined) el.textContent = text;
      svg.appendChild(el);
      return el;
    };
    add("line", { x1: 0, y1: h - 0.5, x2: w, y2: h - 0.5, class: "axis" });
    if (xy.length > 0) {
      const first = xy[0];
      const end = xy[xy.length - 1];
      add("polygon", { points: `${first[0]},${h} ${line} ${end[0]},${h}`, class: "area" });
      add("polyline", { points: line, class: "line" });
      add("circle", { cx: end[0], cy: end[1], r: 2.5, class: "dot" });
    }
    add("text", { x: 2, y: 9, class: "max" }, `max ${fmt(max, digits)}`);
    add("text", { x: w - 2, y: h + 10, class: "max", "text-anchor": "end" }, "now");
    add("text", { x: 2, y: h + 10, class: "max" }, `${WINDOW_MS / 60_000} min ago`);
    svg.dataset.points = String(points.length);
    svg.dataset.last = last ? String(last.v) : "";
  }

  /** Horizontal bars per model: its queued jobs against the threads serving it. */
  function modelBars(svg, models) {
    const rows = models.slice(0, 8);
    const h = Math.max(1, rows.length) * 22 + 4;
    svg.setAttribute("viewBox", `0 0 300 ${h}`);
    svg.innerHTML = "";
    const max = Math.max(1, ...rows.map((m) => Math.max(m.jobs, m.count)));
    const add = (tag, attrs, text) => {
      const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      if (text !== undefined) el.textContent = text;
      svg.appendChild(el);
    };
    rows.forEach((m, i) => {
      const y = 4 + i * 22;
      add("text", { x: 0, y: y + 12, class: "name" }, m.name.length > 22 ? `${m.name.slice(0, 21)}…` : m.name);
      add("rect", { x: 120, y, width: Math.max(1, (m.jobs / max) * 170), height: 8, class: "queued" });
      add("rect", { x: 120, y: y + 9, width: Math.max(1, (m.count / max) * 170), height: 8, class: "threads" });
    });
    if (rows.length === 0) add("text", { x: 0, y: 16, class: "name" }, "no model has workers or jobs yet");
    svg.dataset.models = String(rows.length);
  }

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
  }

  function renderModels(models) {
    const busy = models
      .filter((m) => m.count > 0 || m.jobs > 0)
      .sort((a, b) => b.jobs - a.jobs || b.count - a.count || a.name.localeCompare(b.name));
    modelBars($("#chart-models"), busy);
    const body = $("#top-models tbody");
    body.innerHTML = "";
    for (const m of busy.slice(0, 10)) {
      const tr = document.createElement("tr");
      cell(tr, m.name);
      cell(tr, fmt(m.count), "num");
      cell(tr, fmt(m.jobs), "num");
      cell(tr, fmt(m.queued, 1), "num");
      cell(tr, m.eta === null || m.eta === undefined ? "–" : `${fmt(m.eta)} s`, "num");
      cell(tr, fmt(m.performance, 2), "num");
      body.appendChild(tr);
    }
    if (busy.length === 0)
      body.innerHTML = '<tr><td colspan="6" class="empty">No model has workers or jobs now</td></tr>';
  }

  function renderWorkers(places) {
    const body = $("#top-workers tbody");
    body.innerHTML = "";
    for (const p of places) {
      const tr = document.createElement("tr");
      cell(tr, String(p.rank), "num");
      cell(tr, p.worker ? p.worker.name : "(deleted)");
      cell(tr, p.worker?.online ? "online" : "offline", p.worker?.online ? "on" : "off");
      cell(tr, fmt(p.value, 1), "num");
      body.appendChild(tr);
    }
    if (places.length === 0) body.innerHTML = '<tr><td colspan="4" class="empty">No worker has generated yet</td></tr>';
  }

  let listsTimer = null;

  /** Re-reads the lists now, or once LIST_EVERY_MS has passed since the last read (one trailing read). */
  async function refreshLists() {
    const wait = listsAt + LIST_EVERY_MS - Date.now();
    if (wait > 0 || listsPending) {
      if (listsTimer === null) {
        listsTimer = setTimeout(
          () => {
            listsTimer = null;
            void refreshLists();
          },
          Math.max(wait, 250),
        );
      }
      return;
    }
    listsPending = true;
    try {
      await Promise.all([
        readList(MODELS, "#top-models tbody", (d) => renderModels(d.models)),
        readList(WORKERS, "#top-workers tbody", (d) => renderWorkers(d.topWorkers)),
      ]);
      listsAt = Date.now();
    } finally {
      listsPending = false;
    }
  }

  /** Reads one list over HTTP and renders it, or says in its table why it could not. */
  async function readList(query, tbody, show) {
    let why;
    try {
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
        body: JSON.stringify({ query }),
      });
      const body = await res.json();
      if (body.data) return show(body.data);
      why = body.errors?.[0]?.message ?? `HTTP ${res.status}`;
    } catch (err) {
      why = err?.message ?? String(err);
    }
    const tr = document.createElement("tr");
    cell(tr, `Unavailable: ${why}`, "empty");
    tr.firstChild.colSpan = 6;
    $(tbody).replaceChildren(tr);
  }

  function push(list, v) {
    list.push({ t: Date.now(), v: Number(v) || 0 });
    if (list.length > HISTORY) list.shift();
  }

  function drawCharts() {
    lineChart($("#chart-workers"), series.workers, 0);
    lineChart($("#chart-queue"), series.queue, 0);
    lineChart($("#chart-throughput"), series.throughput, 1);
  }

  function render(s) {
    updates++;
    setFigure("workersOnline", s.workersOnline);
    setFigure("threadsOnline", s.threadsOnline);
    setFigure("queuedJobs", s.queuedJobs);
    setFigure("queuedRequests", s.queuedRequests);
    setFigure("queuedMegapixelsteps", s.queuedMegapixelsteps, 1);
    setFigure("processingJobs", s.processingJobs);
    setFigure("pastMinuteImages", s.pastMinuteImages);
    setFigure("pastMinuteMegapixelsteps", s.pastMinuteMegapixelsteps, 1);
    $("#maintenance").hidden = !s.maintenance;
    push(series.workers, s.workersOnline);
    push(series.queue, s.queuedJobs);
    push(series.throughput, s.pastMinuteMegapixelsteps);
    drawCharts();
    $("#updated").textContent = new Date(s.at).toLocaleTimeString();
    document.body.dataset.updates = String(updates);
    window.hordeStatusLast = { ...s, updates };
    document.dispatchEvent(new CustomEvent("horde:status", { detail: window.hordeStatusLast }));
    void refreshLists();
  }

  // The charts scroll with time between updates, which come only when a figure changes.
  setInterval(() => {
    if (updates > 0) drawCharts();
  }, 5_000);

  const client = window.graphqlWs.createClient({
    url: endpoint.href.replace(/^http/, "ws"),
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    on: {
      connected: () => setLive("live", "live"),
      closed: () => setLive("down", "reconnecting…"),
    },
  });
  client.subscribe(
    { query: `subscription StatusPage { hordeStatusUpdated { ${STATUS_FIELDS} } }` },
    {
      next: (msg) => {
        if (msg.data?.hordeStatusUpdated) render(msg.data.hordeStatusUpdated);
        else if (msg.errors) setLive("down", `error: ${msg.errors[0]?.message ?? "unknown"}`);
      },
      error: (err) => setLive("down", `error: ${err?.message ?? err?.reason ?? "connection failed"}`),
      complete: () => setLive("down", "ended"),
    },
  );
})();
