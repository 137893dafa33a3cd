// Cases: the applicants statements are filed under (a person or a business, with the
// identifiers the lender knows them by). The list pages with the API's cursor; a case shows its
// details, its statements with their decisions, and uploads straight into it. Deleting a case
// deletes its statements and their originals, so it asks first.

import { api, ApiError } from './api.js';
import { h, replace, field, notice, focusHeading, announce } from './dom.js';
import { humanize, text, timestamp } from './format.js';
import { notTheApplicant, statementAbout, statusBadge, tierBadge } from './documents.js';

const PAGE = 25;
const SCHEMES = [
  ['', 'No identifier'], ['bvn', 'BVN (Nigeria, 11 digits)'], ['nin', 'NIN (Nigeria, 11 digits)'],
  ['siren', 'SIREN (France, 9 digits)'], ['siret', 'SIRET (France, 14 digits)'], ['custom:crm', 'Your own reference (custom:crm)'],
];

function identifiers(c) {
  const entries = Object.entries(c.identifiers || {});
  return entries.length ? entries.map(([k, v]) => `${k.toUpperCase()} ${v}`).join(' · ') : '–';
}

function caseName(c) {
  return c.name || `Case ${c.number}`;
}

/** The case form's controls; `values()` is the API body. */
function caseControls() {
  const c = {
    kind: h('select', {}, h('option', { value: 'person' }, 'Person'), h('option', { value: 'business' }, 'Business')),
    name: h('input', { type: 'text', autocomplete: 'off', required: true }),
    country: h('input', { type: 'text', autocomplete: 'off', maxlength: 2, placeholder: 'NG', class: 'short' }),
    scheme: h('select', {}, SCHEMES.map(([v, label]) => h('option', { value: v }, label))),
    identifier: h('input', { type: 'text', autocomplete: 'off', inputmode: 'text' }),
    sector: h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. G47' }),
    assignee: h('input', { type: 'email', autocomplete: 'off', placeholder: 'analyst@lender.example' }),
    reference: h('input', { type: 'text', autocomplete: 'off' }),
  };
  const values = () => {
    const body = { kind: c.kind.value };
    for (const name of ['name', 'sector', 'assignee', 'reference']) if (c[name].value.trim()) body[name] = c[name].value.trim();
    if (c.country.value.trim()) body.country = c.country.value.trim().toUpperCase();
    if (c.scheme.value && c.identifier.value.trim()) body.identifiers = { [c.scheme.value]: c.identifier.value.trim() };
    return body;
  };
  return { c, values };
}

export function renderCases(root) {
  const controller = new AbortController();
  const signal = controller.signal;
  const state = { cases: [], cursor: null, done: false, loading: false };
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'btn', onclick: () => load() }, 'Load more');
  const errors = h('div');
  const summary = h('p', { class: 'muted', id: 'cases-summary', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', placeholder: 'Name, reference, BVN…', autocomplete: 'off' });
  const { c, values } = caseControls();
  const formMessage = h('div');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'new-case' },
    h('h2', { id: 'new-case' }, 'New case'),
    h('div', { class: 'grid-2' },
      field('Applicant kind', c.kind), field('Applicant name', c.name),
      field('Identifier scheme', c.scheme), field('Identifier', c.identifier, 'Checked for shape: a typo is caught now, not at matching time.'),
      field('Country (ISO code)', c.country), field('Sector (NACE)', c.sector),
      field('Assigned to', c.assignee), field('Your reference', c.reference)),
    formMessage,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create case')));
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'data cases', 'aria-describedby': 'cases-summary' },
    h('caption', { class: 'visually-hidden' }, 'Cases, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Applicant'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Identifiers'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Country'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Assigned to'),
      h('th', { scope: 'col', class: 'hide-narrow' }, 'Opened'))),
    body));
  const newCase = h('details', { class: 'options' }, h('summary', {}, 'New case'), form);
  replace(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Cases')),
    h('p', { class: 'muted' }, 'An applicant and every statement filed under them.'),
    newCase,
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Find a case', onsubmit: (e) => e.preventDefault() },
      field('Search cases', search)),
    errors, summary, table, h('div', { class: 'actions center' }, more));
  focusHeading(root, 'Cases');

  function draw() {
    replace(body, state.cases.length
      ? state.cases.map((x) => h('tr', { 'data-id': x.id },
        h('th', { scope: 'row' }, h('a', { href: `#/cases/${x.id}` }, caseName(x)),
          h('span', { class: 'small muted block' }, `${humanize(x.kind)} · no. ${x.number}${x.reference ? ` · ${x.reference}` : ''}`)),
        h('td', { class: 'hide-narrow' }, identifiers(x)),
        h('td', { class: 'hide-narrow' }, text(x.country)),
        h('td', { class: 'hide-narrow' }, text(x.assignee)),
        h('td', { class: 'hide-narrow' }, timestamp(x.created_at))))
      : h('tr', {}, h('td', { colspan: 5, class: 'empty' }, state.loading ? 'Loading…'
        : search.value.trim() ? 'No case matches this search.' : 'No case yet: create one above.')));
    summary.textContent = `${state.cases.length} case(s)${search.value.trim() ? ' matching the search' : ''}${state.done ? '.' : ' shown · more on the server.'}`;
    more.hidden = state.done;
  }

  let generation = 0;
  async function load() {
    if (state.loading || state.done) return;
    state.loading = true;
    draw();
    const mine = generation;
    const q = search.value.trim();
    try {
      const page = await api(`/v1/cases?limit=${PAGE}${q ? `&q=${encodeURIComponent(q)}` : ''}${state.cursor ? `&cursor=${encodeURIComponent(state.cursor)}` : ''}`, { signal });
      if (mine !== generation) return; // the search changed meanwhile
      state.cases.push(...page.data);
      state.cursor = page.next_cursor;
      state.done = !page.next_cursor;
    } catch (e) {
      if (signal.aborted) return;
      replace(errors, notice('error', `The cases could not be loaded: ${e.message}`));
    } finally {
      if (mine === generation) {
        state.loading = false;
        if (!signal.aborted) draw();
      }
    }
  }

  let debounce = null;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      generation += 1;
      Object.assign(state, { cases: [], cursor: null, done: false, loading: false });
      load();
    }, 250);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(formMessage);
    for (const input of Object.values(c)) input.removeAttribute('aria-invalid');
    if (!c.name.value.trim()) {
      replace(formMessage, notice('error', 'Give the applicant a name.'));
      c.name.setAttribute('aria-invalid', 'true');
      c.name.focus();
      return;
    }
    try {
      const made = await api('/v1/cases', { method: 'POST', body: values(), signal });
      announce(`Case ${caseName(made)} created.`);
      location.hash = `#/cases/${made.id}`;
    } catch (e) {
      if (signal.aborted) return;
      const fieldName = e instanceof ApiError && e.details ? String(e.details.field || '') : '';
      replace(formMessage, notice('error', `The case was not created: ${e.message}.`));
      const input = fieldName.startsWith('identifiers') ? c.identifier : c[fieldName];
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
    }
  });

  load();
  return () => { controller.abort(); clearTimeout(debounce); };
}

export function renderCase(root, id) {
  const controller = new AbortController();
  const signal = controller.signal;
  const docs = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const message = h('div');
  replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Case')), h('p', { class: 'muted' }, 'Loading…'));

  function documentsTable(list) {
    if (!list.length) return h('p', { class: 'muted' }, 'No statement in this case yet.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data docs' },
      h('caption', { class: 'visually-hidden' }, 'Statements of this case, newest first'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Statement'), h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col', class: 'num hide-narrow' }, 'Score'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Tier'),
        h('th', { scope: 'col', class: 'hide-narrow' }, 'Uploaded'))),
      h('tbody', {}, list.map((d) => h('tr', { 'data-id': d.id },
        h('th', { scope: 'row', class: 'doc-name' }, d.status === 'ANALYZED' || d.status === 'FLAGGED'
          ? h('a', { href: `#/documents/${d.id}` }, d.filename) : d.filename,
        notTheApplicant(d) ? ' ' : null, notTheApplicant(d),
        // The holder too: under a case, whose account it is is the question.
        statementAbout(d) ? h('span', { class: 'small block' }, [d.subject && d.subject.holder, statementAbout(d)].filter(Boolean).join(' · ')) : null),
        h('td', {}, statusBadge(d.status)),
        h('td', { class: 'num hide-narrow' }, d.decision ? String(d.decision.credit_score) : '–'),
        h('td', { class: 'hide-narrow' }, tierBadge(d.decision && d.decision.credit_tier)),
        h('td', { class: 'hide-narrow' }, timestamp(d.created_at)))))));
  }

  async function remove(c) {
    // A confirmation that names what goes: the statements and their originals.
    if (!window.confirm(`Delete ${caseName(c)} and every statement filed under it? This cannot be undone.`)) return;
    try {
      await api(`/v1/cases/${id}`, { method: 'DELETE', signal });
      announce('Case deleted.');
      location.hash = '#/cases';
    } catch (e) {
      if (!signal.aborted) replace(message, notice('error', `The case was not deleted: ${e.message}.`));
    }
  }

  Promise.all([
    api(`/v1/cases/${id}`, { signal }),
    api(`/v1/cases/${id}/documents?limit=100`, { signal }),
  ]).then(([c, page]) => {
    const facts = [
      ['Kind', humanize(c.kind)], ['Number', String(c.number)], ['Identifiers', identifiers(c)],
      ['Country', text(c.country)], ['Sector', text(c.sector)], ['Business type', text(c.business_type)],
      ['Revenue band', text(c.revenue_band)], ['Assigned to', text(c.assignee)], ['Reference', text(c.reference)],
      ['Opened', timestamp(c.created_at)],
    ];
    replace(docs, documentsTable(page.data), page.next_cursor ? h('p', { class: 'muted small' }, 'The 100 newest statements are shown.') : null);
    replace(root,
      h('div', { class: 'page-head' },
        h('h1', {}, caseName(c)),
        h('a', { class: 'btn btn-primary', href: `#/cases/${id}/upload` }, 'Upload a statement to this case')),
      h('p', {}, h('a', { href: '#/cases' }, '← All cases')),
      h('section', { class: 'card', 'aria-labelledby': 'case-facts' },
        h('h2', { id: 'case-facts' }, 'Applicant'),
        h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
      h('section', { class: 'section', 'aria-labelledby': 'case-docs' },
        h('h2', { id: 'case-docs' }, 'Statements'), docs),
      message,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-danger', onclick: () => remove(c) }, 'Delete case')));
    focusHeading(root, caseName(c));
  }).catch((e) => {
    if (signal.aborted) return;
    const text404 = e instanceof ApiError && e.status === 404 ? 'No such case in your organisation.' : `The case could not be loaded: ${e.message}`;
    replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Case')), notice('error', text404),
      h('p', {}, h('a', { href: '#/cases' }, 'Back to the cases')));
    focusHeading(root, 'Case');
  });
  return () => controller.abort();
}
