/*
 * Static uPlot 1.6.30 plots of a sweep, drawn from documents the server writes (no stream of their own):
 *   <grok-law>: show(json) with {charts: [{key, title, xlabel, ylabel, xlog, ylog, groups: [{label, colour, x: [], y: []}],
 *               lines: [{label, colour, dash, x: [x0, x1], y: [y0, y1]}]}]}: scatter points per outcome, fitted/reference lines;
 *   <grok-bands>: show(json) with {runs, charts: [{key, title, ylog, ylabel, steps: [], series: [{label, mean, lo, hi}]}]}:
 *               the mean curve of each series with its mean ± std band, x = step on a log axis.
 * Needs window.uPlot (uPlot.iife.min.js) and uPlot.min.css.
 */
(function () {
  'use strict';
  if (!window.customElements || window.customElements.get('grok-law')) return;

  const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
  const HEIGHT = 260;

  function fmt(v) {
    if (v == null || !isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
    return String(+v.toPrecision(4));
  }

  /** Axis ticks: log axes leave some splits unlabelled (null). */
  function ticks(u, splits) {
    return splits.map((v) => (v == null ? '' : fmt(v)));
  }

  function section(host, title, key) {
    const sec = document.createElement('section');
    sec.dataset.key = key;
    sec.style.margin = '0 0 12px';
    const t = document.createElement('div');
    t.textContent = title;
    t.style.fontWeight = '600';
    t.style.fontSize = '14px';
    const plot = document.createElement('div');
    plot.setAttribute('role', 'img');
    plot.setAttribute('aria-label', title);
    sec.append(t, plot);
    host.appendChild(sec);
    return plot;
  }

  function width(host) {
    return Math.max(300, Math.min(900, host.clientWidth || 800));
  }

  /**
   * Scatter data in uPlot's aligned mode: one x slot per point (ties kept, in x order), each series holding its own
   * points' y and null elsewhere; lines span their nulls.
   */
  function scatterData(chart) {
    const entries = [];
    chart.groups.concat(chart.lines).forEach((g, s) => g.x.forEach((x, i) => entries.push([x, s, g.y[i]])));
    entries.sort((a, b) => a[0] - b[0]);
    const n = chart.groups.length + chart.lines.length;
    const cols = Array.from({ length: n }, () => new Array(entries.length).fill(null));
    entries.forEach((e, i) => { cols[e[1]][i] = e[2]; });
    return [entries.map((e) => e[0])].concat(cols);
  }

  /**
   * A plot element that keeps its uPlots at its own width: drawn before it had a layout (width 0, so 800) or resized
   * (a phone turned), it refits them; the refit runs in the next frame, outside the observer's callback.
   */
  class FittedPlots extends HTMLElement {
    connectedCallback() {
      if (!this._ro && window.ResizeObserver) {
        this._ro = new ResizeObserver(() => requestAnimationFrame(() => this._fit()));
        this._ro.observe(this);
      }
    }

    disconnectedCallback() {
      if (this._ro) { this._ro.disconnect(); this._ro = null; }
    }

    _fit() {
      if (!this.clientWidth) return;
      const w = width(this);
      (this._plots || []).forEach((u) => { if (u.width !== w) u.setSize({ width: w, height: HEIGHT }); });
    }
  }

  class GrokLaw extends FittedPlots {
    show(json) {
      const doc = JSON.parse(json);
      (this._plots || []).forEach((u) => u.destroy());
      this._plots = [];
      this.textContent = '';
      for (const c of doc.charts) {
        const plot = section(this, c.title, c.key);
        if (c.groups.every((g) => g.x.length === 0)) { // an empty uPlot draws nothing at all, not even its axes
          plot.textContent = 'No member has a transition step yet.';
          plot.className = 'gl-empty';
          continue;
        }
        const series = [{ label: c.xlabel, value: (u, v) => fmt(v) }];
        for (const g of c.groups)
          series.push({ label: g.label, stroke: g.colour, fill: g.colour, paths: () => null,
            points: { show: true, size: 9, stroke: g.colour, fill: g.colour }, value: (u, v) => fmt(v) });
        for (const l of c.lines)
          series.push({ label: l.label, stroke: l.colour, width: 1.5, dash: l.dash ? [6, 4] : undefined, spanGaps: true,
            points: { show: false }, value: (u, v) => fmt(v) });
        const opts = {
          width: width(this), height: HEIGHT, series,
          scales: { x: { time: false, distr: c.xlog ? 3 : 1 }, y: { distr: c.ylog ? 3 : 1 } },
          axes: [{ label: c.xlabel, values: ticks }, { label: c.ylabel, size: 60, values: ticks }],
          legend: { show: true, live: false },
          cursor: { drag: { x: false, y: false } },
        };
        this._plots.push(new window.uPlot(opts, scatterData(c), plot));
      }
    }
  }

  class GrokBands extends FittedPlots {
    show(json) {
      const doc = JSON.parse(json);
      (this._plots || []).forEach((u) => u.destroy());
      this._plots = [];
      this.textContent = '';
      for (const c of doc.charts) {
        const plot = section(this, `${c.title}: mean ± 1 std over ${doc.runs} seeds`, c.key);
        const y = (v) => (v == null ? null : c.ylog ? (v > 0 ? Math.log10(v) : null) : v);
        const keep = c.steps.map((s, i) => i).filter((i) => c.steps[i] > 0); // log x: step 0 has no place
        const pick = (a) => keep.map((i) => y(a[i]));
        const data = [keep.map((i) => c.steps[i])], series = [{ label: 'step', value: (u, v) => (v == null ? '–' : String(v)) }], bands = [];
        c.series.forEach((s, i) => {
          const colour = PALETTE[i % PALETTE.length], value = (u, v) => fmt(v == null || !c.ylog ? v : 10 ** v);
          const base = data.length;
          data.push(pick(s.mean), pick(s.hi), pick(s.lo));
          series.push({ label: `${s.label} (mean)`, stroke: colour, width: 1.5, value },
            { label: `${s.label} + std`, stroke: colour + '00', width: 0, points: { show: false }, value },
            { label: `${s.label} − std`, stroke: colour + '00', width: 0, points: { show: false }, value });
          bands.push({ series: [base + 1, base + 2], fill: colour + '33' });
        });
        const opts = {
          width: width(this), height: HEIGHT, series, bands,
          scales: { x: { time: false, distr: 3 } },
          axes: [{ label: 'step', values: ticks },
            { label: c.ylabel || '', size: 60, values: (u, s) => s.map((v) => (v == null ? '' : fmt(c.ylog ? 10 ** v : v))) }],
          legend: { show: true, live: true },
        };
        this._plots.push(new window.uPlot(opts, data, plot));
      }
    }
  }

  window.customElements.define('grok-law', GrokLaw);
  window.customElements.define('grok-bands', GrokBands);
})();
