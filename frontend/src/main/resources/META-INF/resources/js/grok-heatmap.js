// <grok-heatmap>: matrices side by side on one symmetric diverging colour scale (blue < 0 < red), so the net's
// W, the zero-fill and the min-nuclear-norm completion compare by colour. show(json) takes
// [{title, rows, cols, values: row-major numbers}].
(function () {
  if (customElements.get('grok-heatmap')) return;
  class GrokHeatmap extends HTMLElement {
    show(json) {
      const maps = JSON.parse(json);
      let max = 0;
      for (const m of maps) for (const v of m.values) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
      if (max === 0) max = 1;
      this.innerHTML = '';
      this.style.display = 'flex';
      this.style.flexWrap = 'wrap';
      this.style.gap = '16px';
      for (const m of maps) {
        const fig = document.createElement('figure');
        fig.style.margin = '0';
        const c = document.createElement('canvas');
        c.width = m.cols; c.height = m.rows;
        const side = 260;
        c.style.width = side + 'px'; c.style.height = Math.round(side * m.rows / m.cols) + 'px';
        c.style.imageRendering = 'pixelated';
        c.setAttribute('role', 'img');
        c.setAttribute('aria-label', m.title + ': ' + m.rows + '×' + m.cols + ' heatmap, colour scale ±' + max.toPrecision(3));
        const ctx = c.getContext('2d');
        const img = ctx.createImageData(m.cols, m.rows);
        for (let i = 0; i < m.values.length; i++) {
          const t = Number.isFinite(m.values[i]) ? Math.max(-1, Math.min(1, m.values[i] / max)) : 0;
          // white at 0, red for positive, blue for negative
          const r = t > 0 ? 255 : Math.round(255 * (1 + t)), b = t < 0 ? 255 : Math.round(255 * (1 - t)), g = Math.round(255 * (1 - Math.abs(t)));
          img.data.set([r, g, b, 255], 4 * i);
        }
        ctx.putImageData(img, 0, 0);
        const cap = document.createElement('figcaption');
        cap.textContent = m.title;
        fig.append(c, cap);
        this.append(fig);
      }
      const scale = document.createElement('div');
      scale.textContent = 'Colour scale: blue −' + max.toPrecision(3) + ' · white 0 · red +' + max.toPrecision(3);
      scale.style.flexBasis = '100%';
      this.append(scale);
    }
  }
  customElements.define('grok-heatmap', GrokHeatmap);
})();
