// Hand-made SVG charts, drawn at the container's real width (and again when it changes) so text
// stays legible from a phone to a wide screen. Every mark that carries a value can be hovered,
// focused with the keyboard (Tab, arrows) and picked (click, Enter, Space) to filter the
// transactions. Floats here are geometry only; every value shown is the caller's exact text.

import { h, s } from './dom.js';
import { compact } from './format.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Round tick values covering [lo, hi]. */
function ticks(lo, hi, count = 5) {
  if (lo === hi) { hi = lo + 1; }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) || raw;
  const start = Math.floor(lo / step) * step;
  const out = [];
  for (let v = start; v <= hi + step * 0.5; v += step) out.push(Math.round(v / step) * step);
  if (out[out.length - 1] < hi) out.push(out[out.length - 1] + step);
  return out;
}

/**
 * Draws `draw(width)` into `container` when the browser has laid it out, and again on every
 * resize; returns a disposer. The width comes from the ResizeObserver (after layout, before
 * paint), never from reading `clientWidth` right after a DOM change, which would force a
 * layout of the whole page per chart (measured: ~40 ms of a cold report's first paint).
 */
function responsive(container, draw) {
  let last = 0;
  const observer = new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1];
    // Chromium reports a box once when it is observed, even one not yet in the page (0 wide):
    // drawing then would be a wasted chart, built while the first screen waits to be painted
    // (measured: ~25 ms of a cold report). It is drawn when it is laid out.
    if (!container.isConnected || entry.contentRect.width === 0) return;
    const width = Math.max(280, Math.floor(entry.contentRect.width));
    if (width === last) return;
    last = width;
    container.replaceChildren(draw(width));
  });
  observer.observe(container);
  return () => observer.disconnect();
}

/** A tooltip inside `wrap`, placed near (x, y) in the wrap's pixels. */
function tooltip(wrap) {
  const tip = h('div', { class: 'tooltip', role: 'presentation', hidden: true });
  wrap.append(tip);
  return {
    show(x, y, lines) {
      tip.replaceChildren(...lines.map((l, i) => h(i === 0 ? 'strong' : 'span', { class: 'block' }, l)));
      tip.hidden = false;
      const w = tip.offsetWidth;
      const left = Math.min(Math.max(4, x - w / 2), wrap.clientWidth - w - 4);
      tip.style.left = `${left}px`;
      tip.style.top = `${Math.max(0, y - tip.offsetHeight - 10)}px`;
    },
    hide() { tip.hidden = true; },
  };
}

/**
 * End-of-day balance as a step line, overdraft (below zero) shaded.
 * `points`: [{date: 'YYYY-MM-DD', value: float, text}] sorted; `start`, `end`: the period.
 * `onPick(date)` when a day is picked.
 */
export function balanceChart(container, { points, start, end, label, onPick }) {
  const dayOf = (iso) => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86400000);
  const days = dayOf(end) + 1;
  const data = points.map((p) => ({ ...p, day: dayOf(p.date) }));
  return responsive(container, (width) => {
    const height = width < 500 ? 200 : 250;
    const m = { left: width < 500 ? 40 : 52, right: 10, top: 10, bottom: 26 };
    const pw = width - m.left - m.right;
    const ph = height - m.top - m.bottom;
    const values = data.map((p) => p.value);
    const t = ticks(Math.min(0, ...values), Math.max(0, ...values), width < 500 ? 4 : 5);
    const lo = t[0];
    const hi = t[t.length - 1];
    const x = (day) => m.left + (day / days) * pw;
    const y = (v) => m.top + ph - ((v - lo) / (hi - lo)) * ph;
    const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label });
    for (const v of t) {
      svg.append(s('line', { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v), class: v === 0 ? 'zero' : 'grid' }),
        s('text', { x: m.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, compact(v)));
    }
    // Month ticks, thinned to fit.
    const [sy, sm] = start.split('-').map(Number);
    const months = [];
    for (let yy = sy, mm = sm; ; mm++) {
      if (mm > 12) { mm = 1; yy++; }
      const iso = `${yy}-${String(mm).padStart(2, '0')}-01`;
      if (iso > end) break;
      months.push({ day: Math.max(0, dayOf(iso)), text: `${MONTHS[mm - 1]} ${String(yy).slice(2)}` });
    }
    const every = Math.max(1, Math.ceil((months.length * 52) / pw));
    months.forEach((mo, i) => {
      if (i % every !== 0 || x(mo.day) > width - m.right - 34) return;
      svg.append(s('line', { x1: x(mo.day), x2: x(mo.day), y1: m.top + ph, y2: m.top + ph + 4, class: 'tick' }),
        s('text', { x: x(mo.day) + 2, y: height - 8, class: 'axis' }, mo.text));
    });
    if (data.length) {
      let d = `M${x(data[0].day).toFixed(1)},${y(data[0].value).toFixed(1)}`;
      data.forEach((p, i) => {
        const next = i + 1 < data.length ? data[i + 1] : null;
        d += `H${x(next ? next.day : days).toFixed(1)}`;
        if (next) d += `V${y(next.value).toFixed(1)}`;
      });
      const clipId = `below-zero-${Math.random().toString(36).slice(2)}`;
      svg.append(s('clipPath', { id: clipId }, s('rect', { x: m.left, y: y(0), width: pw, height: Math.max(0, m.top + ph - y(0)) })));
      const area = `${d}V${y(0).toFixed(1)}H${x(data[0].day).toFixed(1)}Z`;
      svg.append(s('path', { d: area, class: 'overdraft', 'clip-path': `url(#${clipId})` }));
      svg.append(s('path', { d, class: 'balance-line' }));
    }
    const guide = s('line', { y1: m.top, y2: m.top + ph, class: 'guide', visibility: 'hidden' });
    const dot = s('circle', { r: 4, class: 'dot', visibility: 'hidden' });
    svg.append(guide, dot);
    const wrap = h('div', { class: 'chart-wrap' }, svg);
    const tip = tooltip(wrap);
    let current = data.length - 1;
    const overlay = s('rect', {
      x: m.left, y: m.top, width: pw, height: ph, class: 'overlay', tabindex: 0, role: 'slider',
      'aria-label': `${label}. Arrow keys move day by day, Enter shows that day's transactions.`,
      'aria-valuemin': 1, 'aria-valuemax': Math.max(1, data.length),
    });
    const focusPoint = (i) => {
      if (!data.length) return;
      current = Math.max(0, Math.min(data.length - 1, i));
      const p = data[current];
      const px = x(p.day);
      const py = y(p.value);
      for (const el of [guide, dot]) el.setAttribute('visibility', 'visible');
      guide.setAttribute('x1', px); guide.setAttribute('x2', px);
      dot.setAttribute('cx', px); dot.setAttribute('cy', py);
      tip.show(px, py, [p.dateText, `Balance ${p.text}`]);
      overlay.setAttribute('aria-valuenow', current + 1);
      overlay.setAttribute('aria-valuetext', `${p.dateText}: ${p.text}`);
    };
    const nearest = (event) => {
      const rect = svg.getBoundingClientRect();
      const day = ((event.clientX - rect.left - m.left) / pw) * days;
      let best = 0;
      for (let i = 0; i < data.length && data[i].day <= day; i++) best = i;
      return best;
    };
    overlay.addEventListener('pointermove', (e) => focusPoint(nearest(e)));
    overlay.addEventListener('pointerleave', () => { tip.hide(); guide.setAttribute('visibility', 'hidden'); dot.setAttribute('visibility', 'hidden'); });
    overlay.addEventListener('click', (e) => { const i = nearest(e); if (data[i] && onPick) onPick(data[i].date); });
    overlay.addEventListener('focus', () => focusPoint(current));
    overlay.addEventListener('blur', () => { tip.hide(); guide.setAttribute('visibility', 'hidden'); dot.setAttribute('visibility', 'hidden'); });
    overlay.addEventListener('keydown', (e) => {
      const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1, PageDown: -30, PageUp: 30 };
      if (e.key in moves) { e.preventDefault(); focusPoint(current + moves[e.key]); }
      if (e.key === 'Home') { e.preventDefault(); focusPoint(0); }
      if (e.key === 'End') { e.preventDefault(); focusPoint(data.length - 1); }
      if ((e.key === 'Enter' || e.key === ' ') && data[current] && onPick) { e.preventDefault(); onPick(data[current].date); }
    });
    svg.append(overlay);
    return wrap;
  });
}

/**
 * Grouped vertical bars. `groups`: [{key, label, long, values: [float…], texts: [string…]}];
 * `series`: [{name, cls}]; `onPick(key)`; optional `average` {value, text} drawn as a line.
 */
export function barChart(container, { groups, series, label, onPick, average, pickHint }) {
  return responsive(container, (width) => {
    const height = width < 500 ? 190 : 230;
    const m = { left: width < 500 ? 40 : 52, right: 10, top: 10, bottom: 26 };
    const pw = width - m.left - m.right;
    const ph = height - m.top - m.bottom;
    const all = groups.flatMap((g) => g.values);
    const t = ticks(Math.min(0, ...all), Math.max(0, ...all, average ? average.value : 0), width < 500 ? 4 : 5);
    const lo = t[0];
    const hi = t[t.length - 1];
    const y = (v) => m.top + ph - ((v - lo) / (hi - lo)) * ph;
    const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'group', 'aria-label': label });
    for (const v of t) {
      svg.append(s('line', { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v), class: v === 0 ? 'zero' : 'grid' }),
        s('text', { x: m.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, compact(v)));
    }
    const slot = pw / Math.max(1, groups.length);
    const barW = Math.min(34, (slot * 0.74) / series.length);
    const every = Math.max(1, Math.ceil((groups.length * 44) / pw));
    const wrap = h('div', { class: 'chart-wrap' }, svg);
    const tip = tooltip(wrap);
    groups.forEach((g, gi) => {
      const x0 = m.left + gi * slot;
      const start = x0 + (slot - barW * series.length) / 2;
      const summary = `${g.long}: ${series.map((se, i) => `${se.name} ${g.texts[i]}`).join(', ')}`;
      const group = s('g', {
        class: `bar-group${onPick ? ' pickable' : ''}`, tabindex: 0, role: onPick ? 'button' : 'img',
        'aria-label': onPick ? `${summary}. ${pickHint || 'Show these transactions'}` : summary,
        dataset: { key: g.key },
      });
      group.append(s('rect', { x: x0, y: m.top, width: slot, height: ph, class: 'hit' }));
      g.values.forEach((v, i) => {
        const top = y(Math.max(0, v));
        group.append(s('rect', { x: start + i * barW + 1, y: top, width: Math.max(1, barW - 2), height: Math.max(0.5, Math.abs(y(v) - y(0))), class: `bar ${series[i].cls}` }));
      });
      const show = () => tip.show(x0 + slot / 2, y(Math.max(0, ...g.values)), [g.long, ...series.map((se, i) => `${se.name} ${g.texts[i]}`)]);
      group.addEventListener('pointerenter', show);
      group.addEventListener('focus', show);
      group.addEventListener('pointerleave', () => tip.hide());
      group.addEventListener('blur', () => tip.hide());
      if (onPick) {
        group.addEventListener('click', () => onPick(g.key));
        group.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onPick(g.key); }
          const sib = e.key === 'ArrowRight' ? group.nextElementSibling : e.key === 'ArrowLeft' ? group.previousElementSibling : null;
          if (sib && sib.classList.contains('bar-group')) { e.preventDefault(); sib.focus(); }
        });
      }
      svg.append(group);
      if (gi % every === 0) {
        svg.append(s('text', { x: x0 + slot / 2, y: height - 8, class: 'axis', 'text-anchor': 'middle' }, g.label));
      }
    });
    if (average) {
      svg.append(s('line', { x1: m.left, x2: width - m.right, y1: y(average.value), y2: y(average.value), class: 'average' }));
    }
    return wrap;
  });
}

/**
 * Horizontal bars as an HTML list of buttons: labels wrap naturally on a phone and each row is
 * a real button. `items`: [{key, label, value (float), text, detail}].
 */
export function categoryBars(container, { items, label, onPick }) {
  const max = Math.max(...items.map((i) => i.value), 0) || 1;
  const list = h('ul', { class: 'hbars', 'aria-label': label },
    items.map((item) => {
      const bar = h('span', { class: 'hbar-fill' });
      bar.style.width = `${Math.max(0.5, (item.value / max) * 100)}%`;
      return h('li', {}, h('button', {
        type: 'button', class: 'hbar', dataset: { key: item.key },
        'aria-label': `${item.label}: ${item.text}${item.detail ? `, ${item.detail}` : ''}. Show these transactions`,
        onclick: () => onPick && onPick(item.key),
      },
      h('span', { class: 'hbar-label' }, item.label),
      h('span', { class: 'hbar-track', 'aria-hidden': 'true' }, bar),
      h('span', { class: 'hbar-value' }, item.text, item.detail ? h('span', { class: 'muted' }, ` · ${item.detail}`) : null)));
    }));
  container.replaceChildren(list);
  return () => {};
}
