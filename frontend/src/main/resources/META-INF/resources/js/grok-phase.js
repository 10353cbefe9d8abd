/*
 * <grok-phase>: a sweep's phase diagram as plain DOM, a CSS grid of links (one per cell) coloured by outcome, with
 * data-outcome on every cell and on the legend's swatches (the tests read both). show(json) takes the document
 * PhaseDiagrams.document writes: {x: {label, values}, y: {label, values} | null, cells: [{row, col, outcome, colour,
 * spread, mixed, stripes: [colour], href, runs: [id], title}], legend: [{key, label, colour, rule}],
 * metric: {train, test, level, higherIsBetter}, base}. Hovering a cell draws its members' train and test curves of
 * the outcome metric in small, read from GET {base}/runs/{id}/metrics (once per finished run).
 */
(function () {
  'use strict';
  if (!window.customElements || window.customElements.get('grok-phase')) return;

  const CSS = `
grok-phase{display:block;position:relative}
grok-phase .gp-grid{display:grid;gap:3px;align-items:stretch;width:max-content;max-width:100%;overflow:auto}
grok-phase .gp-head{font-size:12px;font-variant-numeric:tabular-nums;padding:2px 4px;align-self:end;text-align:center}
grok-phase .gp-rowhead{font-size:12px;font-variant-numeric:tabular-nums;padding:2px 6px;align-self:center;text-align:right}
grok-phase .gp-axis{font-size:12px;font-weight:600}
grok-phase .gp-cell{display:flex;align-items:center;justify-content:center;min-width:64px;min-height:40px;border-radius:4px;
  color:#111;text-decoration:none;font-size:11px;border:2px solid transparent;box-sizing:border-box}
grok-phase .gp-cell span{background:#fffc;border-radius:3px;padding:0 3px}
grok-phase .gp-cell.gp-mixed{border:2px dashed #222}
grok-phase .gp-cell:focus,grok-phase .gp-cell:hover{outline:2px solid #000;outline-offset:1px}
grok-phase .gp-legend{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px;font-size:12px}
grok-phase .gp-legend-item{display:flex;align-items:center;gap:4px}
grok-phase .gp-swatch{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid #0003}
grok-phase .gp-pop{position:absolute;z-index:10;background:#fff;border:1px solid #8888;border-radius:4px;padding:4px;
  box-shadow:0 2px 8px #0003;pointer-events:none;font-size:11px}`;

  function h(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  class GrokPhase extends HTMLElement {
    constructor() {
      super();
      this._curves = new Map(); // run id -> Promise of {columns, rows}
      this._doc = null;
    }

    show(json) {
      if (!document.getElementById('grok-phase-style')) {
        const s = h('style');
        s.id = 'grok-phase-style';
        s.textContent = CSS;
        document.head.appendChild(s);
      }
      const d = (this._doc = JSON.parse(json));
      this.textContent = '';
      const ys = d.y ? d.y.values : [''];
      const grid = h('div', 'gp-grid');
      grid.style.gridTemplateColumns = `auto repeat(${d.x.values.length}, minmax(64px, 1fr))`;
      grid.setAttribute('role', 'table');
      grid.setAttribute('aria-label', `Phase diagram: ${d.y ? d.y.label + ' (rows) × ' : ''}${d.x.label} (columns), coloured by outcome`);
      grid.appendChild(h('div', 'gp-axis', d.y ? `${d.y.label} \\ ${d.x.label}` : d.x.label));
      for (const v of d.x.values) grid.appendChild(h('div', 'gp-head', v));
      const byPos = new Map(d.cells.map((c) => [c.row + ',' + c.col, c]));
      ys.forEach((yv, r) => {
        grid.appendChild(h('div', 'gp-rowhead', yv));
        d.x.values.forEach((xv, c) => {
          const cell = byPos.get(r + ',' + c);
          grid.appendChild(cell ? this._cell(cell) : h('div', 'gp-empty'));
        });
      });
      this.appendChild(grid);
      const legend = h('div', 'gp-legend');
      legend.setAttribute('aria-label', 'Outcome colours');
      for (const l of d.legend) {
        const item = h('span', 'gp-legend-item');
        item.dataset.outcome = l.key;
        item.title = l.rule;
        const sw = h('span', 'gp-swatch');
        sw.dataset.outcome = l.key;
        sw.style.backgroundColor = l.colour;
        item.append(sw, h('span', '', l.label));
        legend.appendChild(item);
      }
      const note = h('span', 'gp-legend-item', 'dashed outline, stripes: seeds disagree');
      legend.appendChild(note);
      this.appendChild(legend);
      this._pop = h('div', 'gp-pop');
      this._pop.hidden = true;
      this.appendChild(this._pop);
    }

    _cell(c) {
      const a = h('a', 'gp-cell' + (c.mixed ? ' gp-mixed' : ''));
      a.href = c.href;
      a.dataset.outcome = c.outcome;
      a.dataset.runs = c.runs.join(',');
      a.dataset.row = String(c.row);
      a.dataset.col = String(c.col);
      a.style.backgroundColor = c.colour;
      if (c.mixed && c.stripes.length > 1) { // one stripe per seed, in its own outcome's colour
        const w = 8, stops = c.stripes.map((col, i) => `${col} ${i * w}px ${(i + 1) * w}px`).join(',');
        a.style.backgroundImage = `repeating-linear-gradient(135deg,${stops})`;
      }
      a.setAttribute('aria-label', c.title);
      a.appendChild(h('span', '', c.spread));
      a.addEventListener('mouseenter', () => this._hover(a, c));
      a.addEventListener('focus', () => this._hover(a, c));
      a.addEventListener('mouseleave', () => { this._pop.hidden = true; this._shown = null; });
      a.addEventListener('blur', () => { this._pop.hidden = true; this._shown = null; });
      return a;
    }

    _metrics(id) {
      if (!this._curves.has(id)) {
        const url = `${String(this._doc.base).replace(/\/$/, '')}/runs/${encodeURIComponent(id)}/metrics`;
        const FINAL = ['FINISHED', 'CANCELLED', 'DIVERGED', 'FAILED'];
        this._curves.set(id, fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null).then((m) => {
          if (!m || FINAL.indexOf(m.status) < 0) this._curves.delete(id); // still running (or failed to load): read again next time
          return m;
        }));
      }
      return this._curves.get(id);
    }

    _hover(a, c) {
      this._shown = c;
      const pop = this._pop;
      pop.textContent = '';
      pop.appendChild(h('div', '', c.title));
      const canvas = h('canvas');
      canvas.width = 240; canvas.height = 110;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${this._doc.metric.train} (solid) and ${this._doc.metric.test} (dashed) of this cell's runs`);
      pop.appendChild(canvas);
      pop.appendChild(h('div', '', `${this._doc.metric.train} solid · ${this._doc.metric.test} dashed · level ${this._doc.metric.level}`));
      pop.style.left = Math.min(a.offsetLeft + a.offsetWidth + 6, Math.max(0, this.clientWidth - 260)) + 'px';
      pop.style.top = a.offsetTop + 'px';
      pop.hidden = false;
      Promise.all(c.runs.map((id) => this._metrics(id))).then((ms) => {
        if (this._shown === c) this._draw(canvas, c, ms.filter((m) => m && m.rows && m.rows.length));
      });
    }

    /** Each run's train (solid) and test (dashed) curve on log-step x, in the colour of that run's outcome. */
    _draw(canvas, c, ms) {
      const ctx = canvas.getContext('2d'), W = canvas.width, H = canvas.height, m = this._doc.metric;
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      const log = (v) => Math.log10(Math.max(v, 1));
      const series = ms.map((run) => {
        const s = run.columns.indexOf('step'), tr = run.columns.indexOf(m.train), te = run.columns.indexOf(m.test);
        const pts = run.rows.map((r) => [log(r[s]), r[tr], r[te]]);
        for (const p of pts) {
          x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]);
          for (const v of [p[1], p[2]]) if (v != null && isFinite(v)) { y0 = Math.min(y0, v); y1 = Math.max(y1, v); }
        }
        return { id: run.id, pts };
      });
      canvas.dataset.drawn = String(series.length); // runs drawn (tests read it)
      if (!series.length || !isFinite(x0)) { ctx.fillText('no metrics yet', 8, 20); return; }
      y0 = Math.min(y0, m.level); y1 = Math.max(y1, m.level);
      if (y1 === y0) y1 = y0 + 1;
      if (x1 === x0) x1 = x0 + 1;
      const X = (v) => 4 + ((v - x0) / (x1 - x0)) * (W - 8), Y = (v) => H - 4 - ((v - y0) / (y1 - y0)) * (H - 8);
      ctx.strokeStyle = '#999'; ctx.setLineDash([2, 2]);
      ctx.beginPath(); ctx.moveTo(0, Y(m.level)); ctx.lineTo(W, Y(m.level)); ctx.stroke();
      const colour = new Map((c.members || []).map((mm) => [mm.run, mm.colour]));
      for (const s of series) {
        ctx.strokeStyle = colour.get(s.id) || c.colour;
        ctx.lineWidth = 1.5;
        [1, 2].forEach((k) => {
          ctx.setLineDash(k === 2 ? [4, 3] : []);
          ctx.beginPath();
          let on = false;
          for (const p of s.pts) {
            const v = p[k];
            if (v == null || !isFinite(v)) { on = false; continue; }
            if (on) ctx.lineTo(X(p[0]), Y(v)); else ctx.moveTo(X(p[0]), Y(v));
            on = true;
          }
          ctx.stroke();
        });
      }
    }
  }

  window.customElements.define('grok-phase', GrokPhase);
})();
