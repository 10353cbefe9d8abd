/*
 * <grok-charts>: live training curves of one or more runs, drawn with uPlot 1.6.30.
 * Classic script (no modules, no build). Needs window.uPlot (uPlot.iife.min.js) and uPlot.min.css.
 * Public API: configure(json), setAxes(x, xlog), setCursor(step), exportPng(key), appendRows(run, columns, rows);
 * read-only pointCount, status, lastStep, redrawMs; events grok-progress, grok-status, grok-scrub.
 */
(function () {
  'use strict';
  if (!window.customElements || window.customElements.get('grok-charts')) return; // loaded twice: keep the first

  const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000']; // Okabe–Ito
  const DASHES = [null, [6, 4], [2, 3], [10, 3, 2, 3]];
  const FINAL = ['FINISHED', 'CANCELLED', 'DIVERGED', 'FAILED'];
  const HEIGHT = 220;
  let instances = 0;

  const CSS = `
grok-charts{display:block;font-family:var(--lumo-font-family,system-ui,sans-serif);color:var(--lumo-body-text-color,#1f2328)}
grok-charts .gc-chart{margin:0 0 10px}
grok-charts .gc-head{display:flex;align-items:center;justify-content:space-between;gap:8px}
grok-charts .gc-title{font-weight:600;font-size:14px}
grok-charts .gc-png{font:inherit;font-size:12px;padding:1px 8px;border:1px solid #8888;border-radius:4px;background:transparent;color:inherit;cursor:pointer}
grok-charts .gc-plot{min-height:${HEIGHT}px;overflow:hidden}
grok-charts .u-legend{font-size:12px}
grok-charts .u-legend .u-series > *{padding:1px 4px}
grok-charts .gc-scrub{display:flex;align-items:center;gap:12px;margin-top:4px}
grok-charts .gc-scrub input{flex:1;min-width:0}
grok-charts .gc-readout{font-size:13px;font-variant-numeric:tabular-nums;white-space:nowrap;min-width:15em}`;

  function injectStyle() {
    if (document.getElementById('grok-charts-style')) return;
    const s = document.createElement('style');
    s.id = 'grok-charts-style';
    s.textContent = CSS;
    document.head.appendChild(s);
  }

  /** New element with class and attributes/properties. */
  function h(tag, cls, props) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const k in props || {}) {
      if (k.startsWith('aria-') || k === 'role') e.setAttribute(k, props[k]); else e[k] = props[k];
    }
    return e;
  }

  /** Short number for legends and ticks: 4 significant digits, exponent outside [1e-3, 1e5). */
  function fmt(v) {
    if (v == null || !isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
    return String(+v.toPrecision(4));
  }

  /** Axis tick: k / M suffixes for large round numbers (20k, 1.5M), else as fmt. */
  function tick(v) {
    const a = Math.abs(v);
    if (a >= 1e4 && a < 1e9) return a >= 1e6 ? +(v / 1e6).toPrecision(4) + 'M' : +(v / 1e3).toPrecision(4) + 'k';
    return fmt(v);
  }

  /** y range of a log10 chart: whole decades around the data (one decade when flat). */
  function logRange(lo, hi) {
    if (lo == null || hi == null || !isFinite(lo) || !isFinite(hi)) return [0, 1];
    const a = Math.floor(lo), b = Math.ceil(hi);
    return a === b ? [a - 1, b + 1] : [a, b];
  }

  // ---- per-run columnar store: one Float64Array per column (NaN = null), grown by doubling ----

  function newRun(spec) {
    return {
      id: String(spec.id), label: spec.label == null ? String(spec.id) : String(spec.label),
      cols: {}, n: 0, cap: 0, lastStep: null, steps: null,
      status: 'LOADING', message: null, final: false, ws: null, retry: 0,
      progress: null, progAt: -1e9, progTimer: 0,
    };
  }

  function grow(run, need) {
    if (need <= run.cap) return;
    let cap = Math.max(1024, run.cap);
    while (cap < need) cap *= 2;
    for (const k in run.cols) {
      const a = new Float64Array(cap).fill(NaN);
      a.set(run.cols[k].subarray(0, run.n));
      run.cols[k] = a;
    }
    run.cap = cap;
  }

  function column(run, name) {
    if (!run.cols[name]) run.cols[name] = new Float64Array(Math.max(run.cap, 1)).fill(NaN);
    return run.cols[name];
  }

  /** Index of the last row whose value in sorted column `a` (length n) is <= v; 0 when none is. */
  function atOrBelow(a, n, v) {
    let lo = 0, hi = n - 1, r = 0;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      if (a[m] <= v) { r = m; lo = m + 1; } else hi = m - 1;
    }
    return r;
  }

  /**
   * Rows of one run to draw for one chart. Up to 2 rows per pixel everything is kept; above that the x range
   * is cut into `buckets` equal slices (of log10 x when xlog) and each slice keeps, per series, the rows of its
   * min and max and of its first null, so spikes and gaps stay visible. The first and last rows are always kept.
   */
  function pickRows(xs, i0, i1, ys, ylog, lo, hi, buckets, xlog) {
    const out = [];
    if (i1 - i0 <= 2 * buckets) {
      for (let i = i0; i < i1; i++) out.push(i);
      return out;
    }
    // bucket start rows: walk x against the next bucket edge, so log10 runs once per bucket, not per row
    const t0 = xlog ? Math.log10(lo) : lo, k = buckets / (((xlog ? Math.log10(hi) : hi) - t0) || 1);
    const starts = [];
    let cur = -1, edge = -Infinity;
    for (let i = i0; i < i1; i++) {
      const x = xs[i];
      if (x < edge) continue;
      let b = Math.floor(((xlog ? Math.log10(x) : x) - t0) * k);
      if (b <= cur) b = cur + 1; // rounding at an edge: still a new bucket
      cur = b;
      edge = xlog ? Math.pow(10, t0 + (b + 1) / k) : t0 + (b + 1) / k;
      starts.push(i);
    }
    const nb = starts.length, S = ys.length, pick = new Int32Array(nb * S * 3).fill(-1);
    starts.push(i1);
    // per series and bucket: rows of min, max and first null (tight loops over one typed array)
    for (let s = 0; s < S; s++) {
      const y = ys[s];
      if (!y) continue;
      for (let b = 0; b < nb; b++) {
        let mnI = -1, mxI = -1, gI = -1, mnV = Infinity, mxV = -Infinity;
        for (let i = starts[b], e = starts[b + 1]; i < e; i++) {
          const v = y[i];
          if (v !== v) { if (gI < 0) gI = i; continue; }
          if (ylog && v <= 0) continue;
          if (v < mnV) { mnV = v; mnI = i; }
          if (v > mxV) { mxV = v; mxI = i; }
        }
        const o = (b * S + s) * 3;
        pick[o] = mnI; pick[o + 1] = mxI; pick[o + 2] = gI;
      }
    }
    const idx = [];
    for (let b = 0; b < nb; b++) {
      idx.length = 0;
      for (let j = b * S * 3, e = j + S * 3; j < e; j++) {
        const r = pick[j];
        if (r < 0) continue;
        let m = idx.length; // insertion sort: a handful of rows, cheaper than Array.sort per bucket
        idx.push(r);
        while (m > 0 && idx[m - 1] > r) { idx[m] = idx[m - 1]; m--; }
        idx[m] = r;
      }
      for (let j = 0; j < idx.length; j++) if (idx[j] !== out[out.length - 1]) out.push(idx[j]);
    }
    return withRow(withRow(out, i0, false), i1 - 1, false);
  }

  /** Sorted row list with row r in it (a copy unless `inPlace`); r < 0: unchanged. */
  function withRow(rows, r, inPlace) {
    if (r < 0) return rows;
    let lo = 0, hi = rows.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (rows[m] < r) lo = m + 1; else hi = m; }
    if (rows[lo] === r) return rows;
    const out = inPlace === false ? rows : rows.slice();
    out.splice(lo, 0, r);
    return out;
  }

  /** x and series arrays for uPlot from picked rows: NaN -> null (a gap), <= 0 on log y -> undefined (skipped). */
  function table(rows, xs, ys, ylog) {
    const x = new Array(rows.length);
    for (let j = 0; j < rows.length; j++) x[j] = xs[rows[j]];
    const out = ys.map((y) => {
      const a = new Array(rows.length);
      for (let j = 0; j < rows.length; j++) {
        const v = y ? y[rows[j]] : NaN;
        // log y is drawn as log10 on a linear scale: uPlot's own log scale rounds below ~1e-16 to 0 and then
        // cannot place its ticks, while train losses here go far lower; <= 0 is skipped
        a[j] = v !== v ? null : ylog ? (v <= 0 ? undefined : Math.log10(v)) : v;
      }
      return a;
    });
    return { x, ys: out };
  }

  /** Union of sorted x arrays of several runs; a run without a row at some x has a hole there (undefined: uPlot spans it). */
  function merge(tables) {
    const x = [], pos = tables.map(() => 0);
    for (;;) {
      let m = Infinity;
      for (let t = 0; t < tables.length; t++) if (pos[t] < tables[t].x.length && tables[t].x[pos[t]] < m) m = tables[t].x[pos[t]];
      if (m === Infinity) break;
      x.push(m);
      for (let t = 0; t < tables.length; t++) if (tables[t].x[pos[t]] === m) pos[t]++;
    }
    const out = [x];
    for (const t of tables) {
      const cols = t.ys.map(() => new Array(x.length));
      for (let i = 0, j = 0; i < t.x.length; i++) {
        while (x[j] < t.x[i]) j++;
        for (let s = 0; s < cols.length; s++) cols[s][j] = t.ys[s][i];
      }
      out.push(...cols);
    }
    return out;
  }

  class GrokCharts extends HTMLElement {
    constructor() {
      super();
      this._runs = [];
      this._charts = [];
      this._cfg = null;
      this._x = 'step';
      this._xlog = false;
      this._base = '/api';
      this._markers = [];
      this._cursorStep = null; // pinned cursor (scrubbed) step, or null to follow the latest row
      this._hover = 0;
      this._raf = 0; this._timer = 0; this._lastCost = 0; this._lastEnd = 0;
      this._labelAt = -1e9; this._labelTimer = 0; this._scrubTimer = 0;
      this._sizeDirty = true;
      this._syncKey = 'grok-charts-' + (++instances);
      this.redrawMs = 0;
    }

    // ---- read-only state for tests ----
    get pointCount() { return this._runs.reduce((s, r) => s + r.n, 0); }
    get status() { return this._runs.length ? this._runs[0].status : 'LOADING'; }
    get lastStep() { return this._runs.length ? this._runs[0].lastStep : null; }
    /** x points drawn per chart (after downsampling): 0 means the chart shows nothing. */
    get drawn() { return this._charts.map((c) => c.u.data[0].length); }

    connectedCallback() {
      injectStyle();
      if (!this._ro && window.ResizeObserver) {
        // resize inside the next frame, not in the callback, so a layout change cannot loop the observer
        this._ro = new ResizeObserver(() => { this._sizeDirty = true; this._schedule(); });
        this._ro.observe(this);
      }
      this._runs.forEach((r) => this._open(r));
      this._schedule();
    }

    disconnectedCallback() {
      if (this._ro) { this._ro.disconnect(); this._ro = null; }
      this._runs.forEach((r) => this._close(r));
      cancelAnimationFrame(this._raf); clearTimeout(this._timer); this._raf = this._timer = 0;
    }

    // ---- public API ----

    /** (Re)builds the charts; keeps the data and sockets of runs that stay (matched by id). */
    configure(json) {
      const cfg = typeof json === 'string' ? JSON.parse(json) : (json || {});
      this._cfg = cfg;
      this._x = cfg.x === 'time' ? 'time' : 'step';
      this._xlog = !!cfg.xlog;
      this._markers = Array.isArray(cfg.markers) ? cfg.markers : [];
      if ('cursor' in cfg) this._cursorStep = cfg.cursor == null ? null : Number(cfg.cursor);
      const base = cfg.base === undefined ? '/api' : cfg.base; // null: no sockets (data only via appendRows)
      const old = new Map(this._runs.map((r) => [r.id, r]));
      if (base !== this._base) old.forEach((r) => this._close(r));
      this._base = base;
      this._runs = (cfg.runs || []).map((spec) => {
        const r = old.get(String(spec.id));
        if (!r) return newRun(spec);
        old.delete(r.id);
        r.label = spec.label == null ? r.id : String(spec.label);
        return r;
      });
      old.forEach((r) => this._close(r));
      this._build();
      this._runs.forEach((r) => this._open(r));
    }

    /** Switches x between "step" and "time" and linear/log, without refetching. */
    setAxes(x, xlog) {
      this._x = x === 'time' ? 'time' : 'step';
      this._xlog = !!xlog;
      if (this._cfg) this._build();
    }

    /** Moves the cursor to the row at or below `step` on every chart (null: no pinned cursor). No grok-scrub. */
    setCursor(step) {
      this._cursorStep = step == null ? null : Number(step);
      this._schedule();
    }

    /** PNG data URL of one chart: title, plot and legend. */
    exportPng(key) {
      const c = this._charts.find((ch) => ch.cfg.key === key);
      if (!c) return null;
      const u = c.u, src = u.ctx.canvas, pr = window.uPlot.pxRatio || 1;
      const out = document.createElement('canvas'), ctx = out.getContext('2d');
      const font = (px, w) => `${w || ''} ${px * pr}px system-ui, sans-serif`;
      ctx.font = font(12);
      // lay out legend items in rows first, to know the height
      const items = [], rowH = 18 * pr, pad = 8 * pr;
      let x = pad, rows = 1;
      u.series.forEach((s, i) => {
        if (i === 0 || s.show === false) return;
        const w = 26 * pr + ctx.measureText(s.label).width + 14 * pr;
        if (x + w > src.width && x > pad) { x = pad; rows++; }
        items.push({ s, x, y: rows - 1 });
        x += w;
      });
      const titleH = 26 * pr;
      out.width = src.width;
      out.height = titleH + src.height + rows * rowH + pad;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.fillStyle = '#1f2328';
      ctx.font = font(14, 'bold');
      ctx.textBaseline = 'middle';
      ctx.fillText(c.cfg.title || key, pad, titleH / 2);
      ctx.drawImage(src, 0, titleH);
      ctx.font = font(12);
      for (const it of items) {
        const y = titleH + src.height + it.y * rowH + rowH / 2;
        ctx.strokeStyle = it.s._stroke || '#000';
        ctx.lineWidth = 2 * pr;
        ctx.setLineDash((it.s.dash || []).map((d) => d * pr));
        ctx.beginPath(); ctx.moveTo(it.x, y); ctx.lineTo(it.x + 20 * pr, y); ctx.stroke();
        ctx.fillStyle = '#1f2328';
        ctx.fillText(it.s.label, it.x + 26 * pr, y);
      }
      return out.toDataURL('image/png');
    }

    /** Appends rows (arrays in the order of `columns`) to run `runIndex`; the WebSocket handler uses it too. */
    appendRows(runIndex, columns, rows) {
      const run = this._runs[runIndex];
      if (!run || !rows || !rows.length) return 0;
      const si = columns.indexOf('step');
      grow(run, run.n + rows.length);
      const dst = columns.map((c) => column(run, c));
      const missing = Object.keys(run.cols).filter((k) => columns.indexOf(k) < 0).map((k) => run.cols[k]);
      let n = run.n;
      for (const row of rows) {
        const step = si >= 0 ? row[si] : n;
        if (run.lastStep != null && step <= run.lastStep) continue; // never twice, even if a batch is replayed
        for (let c = 0; c < dst.length; c++) { const v = row[c]; dst[c][n] = v == null ? NaN : v; }
        for (const a of missing) a[n] = NaN;
        run.lastStep = step;
        n++;
      }
      const added = n - run.n;
      run.n = n;
      if (added) { this._schedule(); this._labelsSoon(); }
      return added;
    }

    // ---- streaming ----

    _open(run) {
      if (run.ws || run.retry || run.final || this._base == null || !this.isConnected) return;
      const url = new URL(`${String(this._base).replace(/\/$/, '')}/runs/${encodeURIComponent(run.id)}/stream`, document.baseURI);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      if (run.lastStep != null) url.searchParams.set('from', String(run.lastStep));
      const ws = new WebSocket(url.href);
      run.ws = ws;
      ws.onmessage = (e) => { if (run.ws === ws) this._message(run, JSON.parse(e.data)); };
      ws.onclose = (e) => {
        if (run.ws !== ws) return; // closed by us
        run.ws = null;
        if (e.code === 1000 || run.final) return;
        if (e.code >= 4400 && e.code < 4500) { // the server refused this run: retrying cannot help
          this._setStatus(run, 'FAILED', e.reason || ('stream refused: ' + e.code));
          return;
        }
        run.retry = setTimeout(() => { run.retry = 0; this._open(run); }, 1000);
      };
    }

    _close(run) {
      clearTimeout(run.retry); run.retry = 0;
      clearTimeout(run.progTimer); run.progTimer = 0;
      const ws = run.ws;
      run.ws = null;
      if (ws && ws.readyState <= 1) ws.close(1000);
    }

    _message(run, m) {
      const ri = this._runs.indexOf(run);
      if (m.type === 'start') {
        run.steps = m.steps;
        run.columns = m.columns;
      } else if (m.type === 'points') {
        this.appendRows(ri, run.columns || [], m.rows || []);
      } else if (m.type === 'progress') {
        run.progress = { run: run.id, step: m.step, steps: m.steps, eta: m.eta_seconds == null ? null : m.eta_seconds };
        if (run.status === 'LOADING' || run.status === 'QUEUED') run.status = 'RUNNING'; // progress is only sent while running
        this._progress(run);
      } else if (m.type === 'status') {
        this._setStatus(run, m.status, m.message == null ? null : m.message);
      }
    }

    _setStatus(run, status, message) {
      run.status = status;
      run.message = message;
      if (FINAL.indexOf(status) >= 0) {
        run.final = true;
        if (run.progress && run.progTimer) { clearTimeout(run.progTimer); run.progTimer = 0; this._emit('grok-progress', run.progress); }
      }
      this._emit('grok-status', { run: run.id, status, message });
      this._labelsSoon();
    }

    /** grok-progress at most ~4 a second in all (each run every 250 ms × runs), the newest value last. */
    _progress(run) {
      const wait = 250 * Math.max(1, this._runs.length) - (performance.now() - run.progAt);
      if (wait <= 0) {
        run.progAt = performance.now();
        this._emit('grok-progress', run.progress);
      } else if (!run.progTimer) {
        run.progTimer = setTimeout(() => { run.progTimer = 0; this._progress(run); }, wait);
      }
    }

    _emit(name, detail) {
      this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
    }

    // ---- views ----

    _build() {
      injectStyle();
      this._charts.forEach((c) => c.u.destroy());
      this._charts = [];
      this._hover = 0;
      this.textContent = '';
      const box = this.appendChild(h('div', 'gc-charts'));
      const width = Math.max(200, this.clientWidth || 800);
      for (const cfg of (this._cfg.charts || [])) {
        const title = cfg.title || cfg.key, sec = h('section', 'gc-chart'), head = h('div', 'gc-head');
        const btn = h('button', 'gc-png', { type: 'button', textContent: 'PNG', 'aria-label': `Download ${title} as PNG` });
        btn.addEventListener('click', () => this._download(cfg.key));
        head.append(h('span', 'gc-title', { textContent: title }), btn);
        const plot = h('div', 'gc-plot', { role: 'img', 'aria-label': `${title}: no data yet` });
        sec.dataset.key = cfg.key;
        sec.append(head, plot);
        box.appendChild(sec);
        const u = new window.uPlot(this._opts(cfg, width), this._empty(cfg), plot);
        this._wire(u);
        this._charts.push({ cfg, u, plot, picks: [] });
      }
      this._buildScrubber();
      this._sizeDirty = true;
      this._labelAt = -1e9;
      this._labelsSoon();
      this._schedule();
    }

    _empty(cfg) {
      return [[]].concat(this._runs.flatMap(() => cfg.series.map(() => [])));
    }

    _opts(cfg, width) {
      const compare = this._runs.length > 1, time = this._x === 'time';
      const series = [{ label: time ? 't' : 'step', value: (u, v) => (v == null ? '–' : time ? fmt(v) : String(v)) }]; // steps exact
      this._runs.forEach((run, r) => cfg.series.forEach((s, i) => {
        const stroke = PALETTE[(compare ? r : i) % PALETTE.length];
        const dash = compare ? DASHES[i % DASHES.length] : (s.dash ? (Array.isArray(s.dash) ? s.dash : [6, 4]) : null);
        const o = { label: compare ? `${run.label} · ${s.label}` : s.label, stroke, _stroke: stroke, width: 1.5,
          value: (u, v) => fmt(v == null || !cfg.ylog ? v : 10 ** v) };
        if (dash) o.dash = dash;
        series.push(o);
      }));
      const ticks = (u, splits) => splits.map((v) => (v == null ? '' : tick(v)));
      return {
        width, height: HEIGHT,
        series,
        scales: { x: { time: false, distr: this._xlog ? 3 : 1 }, y: cfg.ylog ? { range: (u, lo, hi) => logRange(lo, hi) } : {} },
        axes: [
          { label: time ? 't = ηk' : 'step', labelSize: 18, size: 34, space: 60, values: ticks },
          {
            label: cfg.ylabel || '', labelSize: 24, size: 56, // same on every chart: plot areas line up
            // log y: ticks at whole decades only, labelled 10^k
            values: cfg.ylog ? (u, splits) => splits.map((v) => (v == null || Math.abs(v - Math.round(v)) > 1e-9 ? '' : fmt(10 ** Math.round(v)))) : ticks,
            ...(cfg.ylog ? { incrs: [1, 2, 3, 5, 10, 20, 50, 100] } : {}),
          },
        ],
        legend: { show: true, live: true },
        cursor: { y: false, sync: { key: this._syncKey, setSeries: false }, drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
        hooks: { draw: [(u) => this._drawMarkers(u)] },
      };
    }

    /** Hover bookkeeping (the scrubbed cursor returns when the mouse leaves) and click-to-scrub. */
    _wire(u) {
      u.over.addEventListener('mouseenter', () => { this._hover++; });
      u.over.addEventListener('mouseleave', () => {
        this._hover = Math.max(0, this._hover - 1);
        setTimeout(() => this._applyCursor(), 0); // after uPlot has hidden its own cursor
      });
      u.over.addEventListener('click', () => {
        const run = this._runs[0], i = u.cursor.idx;
        if (!run || !run.n || i == null || u.data[0][i] == null) return;
        const xs = run.cols[this._x];
        if (xs) this._scrubTo(atOrBelow(xs, run.n, u.data[0][i]));
      });
    }

    _drawMarkers(u) {
      const sc = u.scales.x;
      if (!this._markers.length || sc.min == null) return;
      const ctx = u.ctx, pr = window.uPlot.pxRatio || 1, b = u.bbox;
      ctx.save();
      ctx.font = `${11 * pr}px system-ui, sans-serif`;
      ctx.strokeStyle = ctx.fillStyle = '#444';
      ctx.lineWidth = pr;
      ctx.setLineDash([5 * pr, 4 * pr]);
      ctx.textBaseline = 'top';
      this._markers.forEach((m, k) => {
        const v = this._x === 'time' ? m.time : m.step;
        if (v == null || !isFinite(v) || (this._xlog && v <= 0)) return;
        const y = b.top + (4 + 14 * k) * pr, label = m.label || '';
        if (v < sc.min || v > sc.max) { // off the data range: say where it is rather than stretch the axis
          const right = v > sc.max;
          ctx.textAlign = right ? 'right' : 'left';
          ctx.fillText(right ? `${label} at ${fmt(v)} →` : `← ${label} at ${fmt(v)}`, right ? b.left + b.width - 4 * pr : b.left + 4 * pr, y);
          return;
        }
        const px = Math.round(u.valToPos(v, 'x', true)) + 0.5;
        ctx.beginPath(); ctx.moveTo(px, b.top); ctx.lineTo(px, b.top + b.height); ctx.stroke();
        const right = px > b.left + b.width * 0.7;
        ctx.textAlign = right ? 'right' : 'left';
        ctx.fillText(label, px + (right ? -4 : 4) * pr, y);
      });
      ctx.restore();
    }

    // ---- drawing ----

    /** One redraw per animation frame; after an expensive one, wait as long as it took (half the thread stays free). */
    _schedule() {
      if (this._raf || this._timer || !this._charts.length) return;
      const wait = this._lastCost - (performance.now() - this._lastEnd);
      const go = () => { this._timer = 0; this._raf = requestAnimationFrame(() => { this._raf = 0; this._redraw(); }); };
      if (wait > 4) this._timer = setTimeout(go, wait); else go();
    }

    _redraw() {
      if (!this._charts.length) return;
      const t0 = performance.now();
      const W = this.clientWidth;
      if (this._sizeDirty && W > 0) {
        this._sizeDirty = false;
        this._charts.forEach((c) => { if (c.u.width !== W) c.u.batch(() => c.u.setSize({ width: W, height: HEIGHT })); }); // bbox now
      }
      const xcol = this._x, xlog = this._xlog;
      // drawn row range per run (log x starts after x = 0) and one x range for all, so bucket edges line up
      let lo = Infinity, hi = -Infinity;
      const spans = this._runs.map((run) => {
        const xs = run.cols[xcol];
        let i0 = 0;
        if (!xs) return { xs, i0: 0, i1: 0 };
        while (i0 < run.n && (xs[i0] !== xs[i0] || (xlog && xs[i0] <= 0))) i0++;
        if (i0 < run.n) { lo = Math.min(lo, xs[i0]); hi = Math.max(hi, xs[run.n - 1]); }
        return { xs, i0, i1: run.n };
      });
      const keeps = this._runs.map((run) => (this._cursorStep != null && run.cols.step && run.n ? atOrBelow(run.cols.step, run.n, this._cursorStep) : -1));
      for (const c of this._charts) {
        const buckets = Math.max(50, Math.round(c.u.bbox.width / (window.uPlot.pxRatio || 1)) || W - 80);
        const tables = this._runs.map((run, r) => {
          const sp = spans[r], ys = c.cfg.series.map((s) => run.cols[s.column]);
          // picks depend only on these; a finished run is not rescanned when the cursor moves
          const key = `${run.n}|${sp.i0}|${lo}|${hi}|${buckets}|${xcol}|${xlog}`;
          if (!c.picks[r] || c.picks[r].key !== key) {
            c.picks[r] = { key, rows: sp.xs ? pickRows(sp.xs, sp.i0, sp.i1, ys, !!c.cfg.ylog, lo, hi, buckets, xlog) : [] };
          }
          const k = keeps[r], rows = k >= sp.i0 ? withRow(c.picks[r].rows, k) : c.picks[r].rows; // the cursor row, exact
          return table(rows, sp.xs || [], ys, !!c.cfg.ylog);
        });
        const data = tables.length === 1 ? [tables[0].x].concat(tables[0].ys) : tables.length ? merge(tables) : this._empty(c.cfg);
        try {
          c.u.batch(() => c.u.setData(data)); // batch: draw now, not in a microtask, so the timing below is real
        } catch (e) { // one chart's failure must not blank the others
          console.error('grok-charts: cannot draw ' + c.cfg.key, e);
        }
      }
      this._applyCursor();
      this._updateScrubber();
      this._lastEnd = performance.now();
      this._lastCost = this.redrawMs = this._lastEnd - t0;
    }

    /** Puts the scrubbed cursor on every chart unless the mouse is over one (then uPlot's sync rules). */
    _applyCursor() {
      const run = this._runs[0];
      if (this._hover || this._cursorStep == null || !run || !run.n || !run.cols.step) return;
      const i = atOrBelow(run.cols.step, run.n, this._cursorStep), xs = run.cols[this._x];
      const x = xs ? xs[i] : NaN;
      for (const c of this._charts) {
        const ok = x === x && !(this._xlog && x <= 0) && c.u.scales.x.min != null;
        c.u.setCursor({ left: ok ? c.u.valToPos(x, 'x') : -10, top: 10 }, false, false);
      }
    }

    // ---- scrubber ----

    _buildScrubber() {
      const bar = h('div', 'gc-scrub');
      const input = h('input', '', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Step scrubber' });
      const out = h('span', 'gc-readout', { textContent: 'step – · t = –' });
      input.addEventListener('input', () => this._scrubTo(Number(input.value)));
      bar.append(input, out);
      this.appendChild(bar);
      this._scrub = input;
      this._readout = out;
    }

    /** User scrub to row i of run 0: pins the cursor, redraws, and tells the server 150 ms after the last move. */
    _scrubTo(i) {
      const run = this._runs[0];
      if (!run || !run.n || !run.cols.step) return;
      i = Math.max(0, Math.min(run.n - 1, i));
      const step = run.cols.step[i];
      this._cursorStep = step;
      this._applyCursor(); // immediate feedback; the redraw below adds the exact row where data is thinned
      this._updateScrubber();
      this._schedule();
      clearTimeout(this._scrubTimer);
      this._scrubTimer = setTimeout(() => this._emit('grok-scrub', { step }), 150);
    }

    _updateScrubber() {
      if (!this._scrub) return;
      const run = this._runs[0], n = run ? run.n : 0;
      this._scrub.max = String(Math.max(0, n - 1));
      this._scrub.disabled = n === 0;
      if (!n || !run.cols.step) return;
      const i = this._cursorStep == null ? n - 1 : atOrBelow(run.cols.step, n, this._cursorStep);
      this._scrub.value = String(i);
      const t = run.cols.time ? run.cols.time[i] : NaN;
      const text = `step ${run.cols.step[i]} · t = ${fmt(t)}`;
      if (this._readout.textContent !== text) {
        this._readout.textContent = text;
        this._scrub.setAttribute('aria-valuetext', text);
      }
    }

    // ---- accessibility ----

    /** Refreshes the charts' aria-labels at most once a second. */
    _labelsSoon() {
      if (this._labelTimer) return;
      const wait = Math.max(0, 1000 - (performance.now() - this._labelAt));
      this._labelTimer = setTimeout(() => {
        this._labelTimer = 0;
        this._labelAt = performance.now();
        this._labels();
      }, wait);
    }

    _labels() {
      const compare = this._runs.length > 1;
      for (const c of this._charts) {
        const parts = [];
        this._runs.forEach((run) => c.cfg.series.forEach((s) => {
          const a = run.cols[s.column];
          let v = NaN;
          for (let i = run.n - 1; a && i >= Math.max(0, run.n - 1000) && v !== v; i--) v = a[i];
          if (run.n) parts.push(`${compare ? run.label + ' · ' : ''}${s.label}=${fmt(v)}`);
        }));
        const title = c.cfg.title || c.cfg.key;
        const status = this.status === 'LOADING' ? '' : ` (${this._runs.map((r) => r.status.toLowerCase()).join(', ')})`;
        c.plot.setAttribute('aria-label', parts.length ? `${title}: ${parts.join(', ')}${status}` : `${title}: no data yet`);
      }
    }

    _download(key) {
      const url = this.exportPng(key);
      if (!url) return;
      const a = document.createElement('a');
      a.href = url;
      a.download = `${this._runs.map((r) => r.id).join('_') || 'chart'}-${key}.png`;
      a.click();
    }
  }

  window.customElements.define('grok-charts', GrokCharts);
})();
