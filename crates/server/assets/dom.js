// Building the page with DOM calls, never with HTML strings: whatever a statement says (a
// narration, a file name) lands in the page as text, so it cannot inject markup or script.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'text') {
      el.textContent = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h('a', {href: '#/x', class: 'btn'}, 'text', child…). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element, same calling convention. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Says something to screen-reader users (the page's polite live region). */
export function announce(message) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  // A new text node after a tick is announced even when the message repeats.
  setTimeout(() => { live.textContent = message; }, 30);
}

/** A labelled form control: <div class=field><label for>…</label><control id></div>. */
let fieldSeq = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** A message box for an error or a notice. */
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

let navigated = false;
/** Called by the router on in-page navigation (not on the first load, where focus starts at the top). */
export function markNavigated() {
  navigated = true;
}

/**
 * Sets the document title and, after an in-page navigation, moves focus to the new view's
 * heading, so keyboard and screen-reader users start where a new page would start.
 */
export function focusHeading(root, title) {
  document.title = title ? `${title} · ledgerlens` : 'ledgerlens';
  const heading = root.querySelector('h1');
  if (heading && navigated) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

/** Runs `fn` once the next frame has been painted (a task queued from that frame's rAF). */
export function afterPaint(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
