// The statements list: newest first, page by page with the API's cursor. Search (file name or
// id), status and tier are filters of the listing endpoint itself, so every page is full and a
// filter finds statements not loaded yet. The decision (score, tier, risk) comes with each
// document; only statements analysed before the server kept it are asked for their analysis.

import { api } from './api.js';
import { h, replace, field, notice, focusHeading, announce } from './dom.js';
import { bytes, date, timestamp, humanize } from './format.js';

const PAGE = 25;
const tiers = new Map(); // document id → {score, tier, risk}, until a correction re-analyses it

/** Forgets a statement's decision (its analysis is being redone). */
export function forgetDecision(id) {
  tiers.delete(id);
}
const STATUSES = ['PENDING', 'PROCESSING', 'ANALYZED', 'FLAGGED', 'FAILED'];
const TIERS = ['TIER_1', 'TIER_2', 'TIER_3', 'INELIGIBLE'];

/** The decision fields of an EnvoyX analysis, wherever the profile nests them. */
export function envoyxDecision(body) {
  const candidates = [body, body && body.score, body && body.scores && body.scores.envoyx];
  const found = candidates.find((c) => c && c.credit_tier !== undefined);
  if (!found) return null;
  return { score: found.credit_score, tier: found.credit_tier, risk: found.overall_risk_level };
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${String(status).toLowerCase()}` }, humanize(status));
}

export function tierBadge(tier) {
  if (!tier) return h('span', { class: 'muted' }, '–');
  return h('span', { class: `badge tier-${String(tier).toLowerCase()}` }, humanize(tier));
}

/** A badge when the statement's holder is not the applicant the lender named (else null). */
export function notTheApplicant(d) {
  return d.subject && d.subject.name_match === 'MISMATCH'
    ? h('span', { class: 'badge tone-bad', title: "The holder printed on the statement is not the applicant's name" }, 'Not the applicant')
    : null;
}

/** Bank · masked account · period of an analysed statement (empty before its analysis). */
export function statementAbout(d) {
  const subject = d.subject || {};
  const period = subject.period && subject.period.start && subject.period.end
    ? `${date(subject.period.start)} – ${date(subject.period.end)}` : null;
  return [subject.bank, subject.account, period].filter(Boolean).join(' · ');
}

export function renderDocuments(root) {
  const state = { docs: [], cursor: null, done: false, loading: false };
  let stopped = false;
  let timer = null;

  const search = h('input', { type: 'search', placeholder: 'Holder, bank, file name or id', autocomplete: 'off' });
  const status = h('select', {}, h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s }, humanize(s))));
  const tier = h('select', {}, h('option', { value: '' }, 'Any tier'),
    TIERS.map((t) => h('option', { value: t }, humanize(t))));
  const summary = h('p', { class: 'muted', id: 'list-summary', 'aria-live': 'polite' });
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'btn', onclick: () => load() }, 'Load more');
  const errors = h('div');

  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'data docs', 'aria-describedby': 'list-summary' },
    h('caption', { class: 'visually-hidden' }, 'Uploaded statements, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Statement'),
      h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col', class: 'num hide-narrow' }, 'Score'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Tier'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Format'),
      h('th', { scope: 'col', class: 'num hide-narrow' }, 'Size'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Uploaded'))),
    body));

  replace(root,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Statements'),
      h('a', { class: 'btn btn-primary', href: '#/upload' }, 'Upload a statement')),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter statements', onsubmit: (e) => e.preventDefault() },
      field('Search', search), field('Status', status), field('Tier', tier)),
    errors, summary, table, h('div', { class: 'actions center' }, more));
  focusHeading(root, 'Statements');

  function decisionOf(d) {
    if (tiers.has(d.id)) return tiers.get(d.id);
    const x = d.decision;
    return x ? { score: x.credit_score, tier: x.credit_tier, risk: x.overall_risk_level } : null;
  }

  /** The listing's query string for the current filters. */
  function filterQuery() {
    const params = new URLSearchParams();
    if (search.value.trim()) params.set('q', search.value.trim());
    if (status.value) params.set('status', status.value);
    if (tier.value) params.set('tier', tier.value);
    const text = params.toString();
    return text ? `&${text}` : '';
  }

  function row(d) {
    const decision = decisionOf(d);
    const progress = d.status === 'PROCESSING' || d.status === 'PENDING'
      ? h('span', { class: 'muted small' }, ` step ${d.step || 0} of ${d.total_steps}`) : null;
    // Whose statement it is, once analysed: the holder names the row, with the bank, the
    // account and the period under it; the file name and id stay for the record.
    const subject = d.subject || {};
    const about = statementAbout(d);
    const title = subject.holder || d.filename;
    const name = d.status === 'ANALYZED' || d.status === 'FLAGGED'
      ? h('a', { href: `#/documents/${d.id}` }, title)
      : h('span', {}, title);
    return h('tr', { dataset: { id: d.id } },
      h('th', { scope: 'row', class: 'doc-name' }, name, notTheApplicant(d) ? ' ' : null, notTheApplicant(d),
        about ? h('span', { class: 'small block' }, about) : null,
        subject.holder ? h('span', { class: 'small muted block' }, d.filename) : null,
        h('span', { class: 'mono small muted block hide-narrow' }, d.id),
        d.failure ? h('span', { class: 'small error-text block' }, `${d.failure.code}: ${d.failure.message}`) : null),
      h('td', {}, statusBadge(d.status), progress,
        decision ? h('span', { class: 'show-narrow small' }, `Score ${decision.score} `, tierBadge(decision.tier)) : null),
      h('td', { class: 'num hide-narrow' }, decision ? String(decision.score) : '–'),
      h('td', { class: 'hide-narrow' }, tierBadge(decision && decision.tier)),
      h('td', { class: 'hide-narrow' }, d.format),
      h('td', { class: 'num hide-narrow' }, bytes(d.size_bytes)),
      h('td', { class: 'hide-narrow' }, timestamp(d.created_at)));
  }

  function draw() {
    const rows = state.docs;
    const filtered = Boolean(filterQuery());
    replace(body, rows.length ? rows.map(row)
      : h('tr', {}, h('td', { colspan: 7, class: 'empty' },
        state.loading ? 'Loading…' : filtered ? 'No statement matches these filters.'
          : h('span', {}, 'No statement yet. ', h('a', { href: '#/upload' }, 'Upload one'), '.'))));
    summary.textContent = `${rows.length} statement(s)${filtered ? ' matching the filters' : ''}`
      + (state.done ? '.' : ' shown · more on the server.');
    more.hidden = state.done;
  }

  /** Statements analysed before the server kept decisions: their analysis says. */
  async function fetchTiers(docs) {
    const todo = docs.filter((d) => (d.status === 'ANALYZED' || d.status === 'FLAGGED') && !d.decision && !tiers.has(d.id));
    const worker = async () => {
      for (let d = todo.shift(); d && !stopped; d = todo.shift()) {
        try {
          const decision = envoyxDecision(await api(`/v1/documents/${d.id}/analysis?profile=envoyx`));
          if (decision) tiers.set(d.id, decision);
        } catch { /* the row shows – */ }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    if (!stopped) draw();
  }

  let generation = 0;
  async function load() {
    if (state.loading || state.done) return;
    state.loading = true;
    more.disabled = true;
    draw();
    const mine = generation;
    try {
      const page = await api(`/v1/documents?limit=${PAGE}${filterQuery()}${state.cursor ? `&cursor=${encodeURIComponent(state.cursor)}` : ''}`);
      if (mine !== generation) return; // the filters changed meanwhile: that answer is stale
      state.docs.push(...page.data);
      state.cursor = page.next_cursor;
      state.done = !page.next_cursor;
      replace(errors);
      fetchTiers(page.data);
      watch();
    } catch (e) {
      replace(errors, notice('error', `The statements could not be loaded: ${e.message}`));
    } finally {
      if (mine === generation) {
        state.loading = false;
        more.disabled = false;
        if (!stopped) draw();
      }
    }
  }

  /** New filters: the list starts again from the newest matching statement. */
  let debounce = null;
  function refilter(delay) {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      generation += 1;
      Object.assign(state, { docs: [], cursor: null, done: false, loading: false });
      load();
    }, delay);
  }

  // Documents still in the pipeline are re-read every 2 s until they end.
  function watch() {
    if (timer || stopped) return;
    const running = state.docs.filter((d) => d.status === 'PENDING' || d.status === 'PROCESSING');
    if (!running.length) return;
    timer = setTimeout(async () => {
      timer = null;
      for (const d of running) {
        try {
          const fresh = await api(`/v1/documents/${d.id}`);
          Object.assign(d, fresh);
          if (fresh.status !== 'PENDING' && fresh.status !== 'PROCESSING') {
            announce(`${fresh.filename}: ${humanize(fresh.status)}`);
            fetchTiers([fresh]);
          }
        } catch { /* deleted or offline: keep the row as it was */ }
      }
      if (!stopped) { draw(); watch(); }
    }, 2000);
  }

  search.addEventListener('input', () => refilter(250));
  for (const control of [status, tier]) control.addEventListener('input', () => refilter(0));
  load();
  return () => { stopped = true; clearTimeout(timer); clearTimeout(debounce); };
}
