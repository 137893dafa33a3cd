// The report view: the PDF report's decision page and charts, interactive, over the stored
// analysis; then the transactions behind every figure. The first paint needs three requests
// (document, native analysis, first page of transactions); the two charts that need every
// transaction (daily balance, income per month) are drawn when the pages have been read.

import { api, allPages, isMissingEndpoint, isPrefetched, readEvents, ApiError } from './api.js';
import { h, replace, field, notice, focusHeading, announce, afterPaint } from './dom.js';
import { money, humanize, percent, text, date, month, monthRange, toUnits, fromUnits, unitsToFloat, timestamp } from './format.js';
import { balanceChart, barChart, categoryBars } from './charts.js';
import { statusBadge, forgetDecision } from './documents.js';

const TABLE_PAGE = 50;

/** A message to show once the report is drawn again after a correction (document id → text). */
const afterRefresh = new Map();

/** The value at a dotted path, or undefined. */
function at(value, path) {
  return path.split('.').reduce((v, key) => (v === null || v === undefined ? undefined : v[key]), value);
}
const list = (value) => (Array.isArray(value) ? value : []);

/** green / amber / red / neutral, as the PDF colours a severity or a grade. */
function tone(severity) {
  switch (String(severity || '').toLowerCase()) {
    case 'high': case 'critical': case 'red': case 'e': case 'd': case 'ineligible': return 'bad';
    case 'medium': case 'orange': case 'amber': case 'c': case 'tier_3': return 'warn';
    case 'low': case 'green': case 'a': case 'b': case 'tier_1': case 'tier_2': return 'good';
    default: return 'neutral';
  }
}

function tile(title, big, badge, badgeTone, lines, bigTone) {
  return h('article', { class: `tile tone-${bigTone || badgeTone}` },
    h('h3', { class: 'tile-title' }, title),
    h('p', { class: 'tile-big' }, h('span', { class: 'tile-value' }, big),
      badge ? h('span', { class: `badge tone-${badgeTone}` }, badge) : null),
    lines.filter(Boolean).map((l) => h('p', { class: 'tile-line' }, l)));
}

/**
 * Whose account it is, said against the applicant's name the lender gave: `{ line, mismatch }`.
 * A statement of someone else's account is the plainest fraud, so it sits in the decision view.
 */
function holderCheck(a) {
  const printed = list(at(a, 'holder.printed'));
  const declared = at(a, 'holder.declared');
  const match = at(a, 'holder.name_match');
  const holder = printed.length ? printed.join(' / ') : null;
  if (!holder) return { line: 'No holder name is printed on the statement.', mismatch: false };
  if (!declared || !match) return { line: `Holder ${holder} (no applicant name was given to compare).`, mismatch: false };
  if (match.result === 'MISMATCH') {
    return { line: `The holder printed, ${holder}, is not the applicant, ${declared} (${match.details}).`, mismatch: true };
  }
  return { line: `Holder ${holder} matches the applicant ${declared} (${match.result.toLowerCase()}: ${match.details}).`, mismatch: false };
}

function decisionTiles(a) {
  const points = at(a, 'scores.points') || {};
  const pass = points.didPass === true ? ['PASS', 'good'] : points.didPass === false ? ['FAIL', 'bad'] : ['NO PASS MARK SET', 'neutral'];
  const rules = list(points.ruleResults);
  const met = rules.filter((r) => r.code === 'MET').length;
  const holder = holderCheck(a);
  const xray = at(a, 'scores.xray') || {};
  const flag = text(at(xray, 'bankFlag.color'));
  const alerts = list(at(xray, 'bankFlag.reasons')).filter((r) => r.alert === true).length;
  const ex = at(a, 'scores.envoyx') || {};
  const legit = ex.legitimacy || {};
  const isLegit = legit.is_legitimate !== undefined ? legit.is_legitimate : ex.is_legitimate;
  const reservations = Number(legit.suspicion || 0) > 0;
  const [verdict, legitTone] = isLegit === true ? ['Legitimate', reservations ? 'warn' : 'good']
    : isLegit === false ? ['Not legitimate', 'bad'] : ['Unknown', 'neutral'];
  const confidence = legit.legitimacy_confidence !== undefined ? legit.legitimacy_confidence : ex.legitimacy_confidence;
  const reason = legit.legitimacy_reason !== undefined ? legit.legitimacy_reason : ex.legitimacy_reason;
  return h('div', { class: 'tiles' },
    tile('Points scorecard', text(points.calculatedScore), pass[0], pass[1], [
      `Base ${text(points.baseScore)} + rules ${text(points.rulesScore)} · ${met} of ${rules.length} rules met`,
      `Scorecard ${text(at(points, 'replay.scorecard.id'))} ${text(at(points, 'replay.scorecard.version'))}`,
    ], pass[1] === 'neutral' ? 'brand' : pass[1]),
    tile('Bank X-Ray grade', text(xray.rating), `${flag.toUpperCase()} FLAG`, tone(flag), [
      `Risk class ${text(xray.riskClass)} of 5 (1 is best) · ${alerts} indicator(s) on alert`,
      `Alert weight ${text(xray.alertSum)} · data sanity ${text(at(xray, 'bankFlag.dataSanity'))}%`,
    ]),
    tile('EnvoyX credit score', text(ex.credit_score), humanize(ex.credit_tier).toUpperCase(), tone(ex.overall_risk_level), [
      `Risk level ${text(ex.overall_risk_level)} · status ${text(ex.status)}`,
      `Revenue ${text(ex.revenue_score)} · cash flow ${text(ex.cashflow_score)} · expense ${text(ex.expense_score)} · balance ${text(ex.balance_score)}`,
      `${text(ex.flag_count)} flag(s), ${text(ex.flag_penalty)} points deducted`,
    ]),
    tile('Document legitimacy', verdict, `${text(confidence)}% CONFIDENCE`, legitTone, [text(reason), holder.line],
      holder.mismatch ? 'bad' : undefined));
}

function keyFigures(a) {
  const figures = [
    ['Total inflow', money(at(a, 'cash_flow.inflow'))],
    ['Total outflow', money(at(a, 'cash_flow.outflow'))],
    ['Net cash flow', money(at(a, 'cash_flow.net'))],
    ['Closing balance', money(at(a, 'cash_flow.closing_balance'))],
    ['Average monthly inflow', money(at(a, 'cash_flow.average_monthly_inflow'))],
    ['Average monthly outflow', money(at(a, 'cash_flow.average_monthly_outflow'))],
    ['Average monthly income', money(at(a, 'income.average_monthly'))],
    ['Lowest balance', money(at(a, 'balance_behaviour.min'))],
    ['Days in overdraft', text(at(a, 'balance_behaviour.days_in_overdraft'))],
    ['Loan repayments', money(at(a, 'loans.repaid'))],
    ['Gambling stakes', money(at(a, 'gambling.stakes'))],
    ['Uncategorised', percent(at(a, 'data_quality.uncategorized_share'))],
  ];
  return h('dl', { class: 'figures' }, figures.map(([label, value]) =>
    h('div', { class: 'figure' }, h('dt', {}, label), h('dd', {}, value))));
}

function keyReasons(a) {
  const ex = at(a, 'scores.envoyx') || {};
  const xray = at(a, 'scores.xray') || {};
  const items = [];
  for (const f of list(ex.flag_details)) {
    items.push([String(f.severity || '').toUpperCase(), tone(f.severity), `${humanize(f.kind || f.code)}: ${text(f.reason)} (−${text(f.penalty)} points)`]);
  }
  for (const r of list(at(xray, 'bankFlag.reasons'))) {
    if (r.alert === true) items.push(['ALERT', 'bad', text(r.text)]);
  }
  for (const r of list(ex.reasons).filter((r) => !String(r.code || '').startsWith('EX_FLAG'))) {
    items.push(['ENVOYX', 'brand', text(r.text)]);
  }
  for (const r of list(xray.reasons)) items.push(['X-RAY', 'brand', text(r.text)]);
  const awarded = list(at(a, 'scores.points.ruleResults')).filter((r) => r.code === 'MET')
    // A plain code-unit order for the tie: `localeCompare` would load the collator (~17 ms in
    // a fresh tab) to order rule names.
    .sort((x, y) => (y.awarded || 0) - (x.awarded || 0) || (String(x.rule) < String(y.rule) ? -1 : String(x.rule) > String(y.rule) ? 1 : 0))
    .slice(0, 5).map((r) => `${r.rule} ${r.awarded >= 0 ? '+' : ''}${r.awarded}`);
  if (awarded.length) items.push(['POINTS', 'brand', `Largest contributions: ${awarded.join(', ')}`]);
  if (!items.length) return h('p', { class: 'muted' }, 'No reason recorded.');
  return h('ul', { class: 'reasons' }, items.map(([label, t, body]) =>
    h('li', {}, h('span', { class: `badge tone-${t}` }, label), h('span', {}, body))));
}

/** Each day's end-of-day balance of the account with the most transactions. */
function balanceSeries(a, transactions) {
  const counts = new Map();
  for (const t of transactions) counts.set(t.account, (counts.get(t.account) || 0) + 1);
  let main = null;
  for (const [account, n] of counts) if (main === null || n > counts.get(main)) main = account;
  const own = transactions.filter((t) => t.account === main);
  const byDay = new Map();
  const printed = own.some((t) => t.balance !== null && t.balance !== undefined);
  if (printed) {
    for (const t of own) if (t.balance !== null && t.balance !== undefined) byDay.set(t.date, toUnits(t.balance));
  } else {
    // No running balance printed (camt.053, OFX): computed exactly from the opening balance,
    // the end-of-day balance of the first day, as the PDF report does.
    const accounts = list(a.accounts);
    const account = accounts.length === 1 ? accounts[0] : accounts[main];
    if (!account || account.balances_known !== true) return { points: [], printed, computed: false };
    const start = at(a, 'period.start');
    let running = toUnits(account.opening_balance);
    for (const t of own) if (t.date <= start) running -= toUnits(t.amount);
    for (const t of own) { running += toUnits(t.amount); byDay.set(t.date, running); }
  }
  const points = [...byDay].map(([d, units]) => ({
    date: d, dateText: date(d), value: unitsToFloat(units), text: money(fromUnits(units)),
  }));
  return { points, printed, computed: !printed };
}

/** INCOME credits summed exactly per month, over the analysis' months. */
function incomePerMonth(a, transactions) {
  const months = new Map(list(at(a, 'cash_flow.months')).map((m) => [m.month, 0n]));
  for (const t of transactions) {
    const detailed = String(at(t, 'category.detailed') || '');
    if (t.direction === 'credit' && detailed.startsWith('INCOME')) {
      const key = t.date.slice(0, 7);
      if (months.has(key)) months.set(key, months.get(key) + toUnits(t.amount));
    }
  }
  return [...months];
}

export function renderReport(root, id) {
  const controller = new AbortController();
  const signal = controller.signal;
  const disposers = [];
  let analysis = null;
  let doc = null;

  // A tab opened on this report asked for its data before this script ran (prefetch.js), and
  // the answers are moments away: painting a placeholder first would cost a whole frame (and,
  // in a new tab, the fonts' first layout) before the report itself, so it is shown only if
  // they are late. Otherwise it is shown at once.
  const placeholder = () => replace(root, h('p', { class: 'muted loading' }, 'Loading the report…'));
  if (isPrefetched(`/v1/documents/${id}`)) {
    setTimeout(() => { if (analysis === null && root.dataset.ready === 'loading' && !signal.aborted) placeholder(); }, 300);
  } else {
    placeholder();
  }
  root.dataset.ready = 'loading';

  // Transactions table state.
  const filters = { q: '', direction: '', category: '', from: '', to: '', min_amount: '', max_amount: '' };
  let cursors = [null];
  let pageIndex = 0;
  let tableSeq = 0;

  const controls = {
    q: h('input', { type: 'search', autocomplete: 'off', placeholder: 'Narration or counterparty' }),
    direction: h('select', {}, h('option', { value: '' }, 'In and out'), h('option', { value: 'credit' }, 'Money in'), h('option', { value: 'debit' }, 'Money out')),
    category: h('select', {}, h('option', { value: '' }, 'Any category')),
    // Text until put in the page (`buildBelow`): the first date input of a new tab costs ~10 ms
    // (its locale's date format is set up), which the first screen would wait for (measured).
    from: h('input', { type: 'text' }),
    to: h('input', { type: 'text' }),
    min_amount: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'short', placeholder: '0.00' }),
    max_amount: h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'short', placeholder: '0.00' }),
  };
  const tableBody = h('tbody');
  const tableStatus = h('p', { class: 'muted', id: 'tx-status', 'aria-live': 'polite' });
  const tableError = h('div');
  const prev = h('button', { type: 'button', class: 'btn', onclick: () => { if (pageIndex > 0) { pageIndex--; loadTable(); } } }, '← Previous');
  const next = h('button', { type: 'button', class: 'btn', onclick: () => { if (cursors[pageIndex + 1]) { pageIndex++; loadTable(); } } }, 'Next →');
  const clear = h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => setFilters({}) }, 'Clear filters');
  const txHeading = h('h2', { id: 'transactions', tabindex: '-1' }, 'Transactions');

  function setFilters(values, { focus = false, say } = {}) {
    for (const key of Object.keys(filters)) {
      filters[key] = values[key] || '';
      controls[key].value = filters[key];
    }
    if (filters.category && ![...controls.category.options].some((o) => o.value === filters.category)) {
      controls.category.append(h('option', { value: filters.category }, humanize(filters.category)));
      controls.category.value = filters.category;
    }
    cursors = [null];
    pageIndex = 0;
    loadTable();
    if (focus) {
      txHeading.scrollIntoView({ behavior: 'instant', block: 'start' });
      txHeading.focus({ preventScroll: true });
    }
    if (say) announce(say);
  }

  let debounce = null;
  for (const [key, control] of Object.entries(controls)) {
    control.addEventListener(key === 'q' ? 'input' : 'change', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        filters[key] = control.value.trim();
        cursors = [null];
        pageIndex = 0;
        loadTable();
      }, key === 'q' ? 250 : 0);
    });
  }

  function describeFilters() {
    const parts = [];
    if (filters.q) parts.push(`matching “${filters.q}”`);
    if (filters.direction) parts.push(filters.direction === 'credit' ? 'money in' : 'money out');
    if (filters.category) parts.push(humanize(filters.category));
    if (filters.from && filters.to && filters.from === filters.to) parts.push(`on ${date(filters.from)}`);
    else {
      if (filters.from) parts.push(`from ${date(filters.from)}`);
      if (filters.to) parts.push(`to ${date(filters.to)}`);
    }
    if (filters.min_amount) parts.push(`at least ${money(filters.min_amount)}`);
    if (filters.max_amount) parts.push(`at most ${money(filters.max_amount)}`);
    return parts;
  }

  function txRow(t) {
    const credit = t.direction === 'credit';
    // The counterparty only when it says more than the narration already does.
    const name = t.counterparty && t.counterparty.name ? t.counterparty.name : null;
    const who = name && !String(t.narration || '').toLowerCase().startsWith(name.toLowerCase()) ? name : null;
    // A channel of "other" says nothing: left out.
    const channel = t.channel && !['other', 'unknown'].includes(String(t.channel).toLowerCase()) ? humanize(t.channel) : null;
    const primary = at(t, 'category.primary');
    const detailed = String(at(t, 'category.detailed') || '');
    const detail = primary && detailed.startsWith(`${primary}_`) ? detailed.slice(primary.length + 1) : detailed;
    return h('tr', { dataset: { id: t.id } },
      h('td', { class: 'nowrap' }, date(t.date)),
      h('td', { class: 'narration' }, h('span', { class: 'block' }, text(t.narration)),
        who || channel ? h('span', { class: 'small muted block' }, [who, channel].filter(Boolean).join(' · ')) : null,
        h('span', { class: 'small block show-narrow' }, humanize(at(t, 'category.primary')))),
      h('td', { class: 'hide-narrow category-cell' },
        h('button', {
          type: 'button', class: 'btn btn-link change-category', 'aria-label': `Change the category of ${text(t.narration)} on ${date(t.date)}`,
          onclick: (e) => openCorrection(t, e.currentTarget.closest('tr')),
        }, 'Change'),
        h('span', { class: 'block' }, humanize(at(t, 'category.primary'))),
        detail && detail !== primary ? h('span', { class: 'small muted block' }, humanize(detail)) : null),
      h('td', { class: `num nowrap ${credit ? 'credit' : 'debit'}` }, `${credit ? '+' : ''}${money(t.amount)}`),
      h('td', { class: 'num nowrap hide-narrow' }, money(t.balance)));
  }

  /** Codes offered when correcting: every detailed category seen in this statement. */
  let knownCategories = [];

  function openCorrection(t, row) {
    const open = tableBody.querySelector('tr.correction');
    if (open) open.remove();
    const listId = `categories-${t.id}`;
    const input = h('input', { type: 'text', list: listId, autocomplete: 'off', required: true, class: 'mono', value: at(t, 'category.detailed') || '' });
    const codes = new Set(knownCategories.length ? knownCategories : [at(t, 'category.detailed')]);
    const who = t.counterparty && t.counterparty.name;
    const scope = h('select', {},
      who ? h('option', { value: 'counterparty' }, `Every transaction of ${who}`) : null,
      h('option', { value: 'narration' }, 'Every transaction with this narration'));
    const error = h('div');
    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Save and re-analyse');
    const cancel = h('button', { type: 'button', class: 'btn btn-small', onclick: () => { form.closest('tr').remove(); row.querySelector('.change-category').focus(); } }, 'Cancel');
    const form = h('form', { class: 'correction-form', 'aria-label': `Correct the category of ${text(t.narration)}` },
      h('p', { class: 'small' }, h('strong', {}, text(t.narration)), ` · ${date(t.date)} · ${money(t.amount)} · now ${humanize(at(t, 'category.detailed'))}`),
      h('div', { class: 'correction-fields' },
        field('New category (taxonomy code)', input, 'A detailed code such as FOOD_AND_DRINK_GROCERIES; the list shows the codes of this statement.'),
        field('Apply to', scope)),
      h('datalist', { id: listId }, [...codes].filter(Boolean).sort().map((c) => h('option', { value: c }, humanize(c)))),
      error,
      h('div', { class: 'actions' }, save, cancel));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      replace(error);
      save.disabled = true;
      save.textContent = 'Saving…';
      try {
        const answer = await api(`/v1/documents/${id}/transactions/${t.id}/category`, {
          method: 'POST', body: { category: input.value.trim().toUpperCase(), scope: scope.value }, signal,
        });
        save.textContent = 'Re-analysing…';
        forgetDecision(id);
        announce('Correction saved; the statement is being analysed again.');
        const events = await api(`/v1/documents/${id}/events`, { raw: true, signal });
        let end = null;
        await readEvents(events, ({ event, data }) => {
          if (event === 'step') save.textContent = `Re-analysing… step ${data.step} of ${data.total_steps}`;
          if (event === 'end') end = data;
        });
        if (!end || (end.status !== 'ANALYZED' && end.status !== 'FLAGGED')) {
          throw new Error(`the new analysis ended ${end ? end.status : 'without an answer'}`);
        }
        const rule = answer.rule || {};
        afterRefresh.set(id, `Category changed to ${humanize(input.value.trim())} for ${scope.value === 'counterparty' && who ? `every transaction of ${who}` : 'every transaction with this narration'} (rule ${text(rule.id)}); the analysis was refreshed.`);
        // Draw the whole report again from the new analysis.
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (e) {
        if (signal.aborted) return;
        save.disabled = false;
        save.textContent = 'Save and re-analyse';
        replace(error, notice('error', isMissingEndpoint(e) ? 'This server cannot re-categorise transactions yet.' : `The correction failed: ${e.message}`));
        input.setAttribute('aria-invalid', 'true');
      }
    });
    row.after(h('tr', { class: 'correction' }, h('td', { colspan: 5 }, form)));
    input.focus();
    input.select();
  }

  /**
   * Reads and draws the table's current page. `shown`, on a first view, is the promise of the
   * first screen being painted: the page is asked at once, but its rows are built after that
   * paint (measured: building them before took ~18 ms of a cold report's first paint).
   */
  async function loadTable(shown) {
    const seq = ++tableSeq;
    const params = new URLSearchParams({ limit: String(TABLE_PAGE) });
    for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
    if (cursors[pageIndex]) params.set('cursor', cursors[pageIndex]);
    tableStatus.textContent = 'Loading transactions…';
    try {
      const page = await api(`/v1/documents/${id}/transactions?${params}`, { signal });
      if (shown) await shown;
      if (seq !== tableSeq) return;
      replace(tableError);
      cursors[pageIndex + 1] = page.next_cursor;
      replace(tableBody, page.data.length ? page.data.map(txRow)
        : h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No transaction matches these filters.')));
      const first = pageIndex * TABLE_PAGE + 1;
      const what = describeFilters();
      tableStatus.textContent = page.data.length
        ? `Rows ${first}–${first + page.data.length - 1}${page.next_cursor ? ', more follow' : ''}${what.length ? ` · ${what.join(' · ')}` : ''}`
        : `No rows${what.length ? ` · ${what.join(' · ')}` : ''}`;
      prev.disabled = pageIndex === 0;
      next.disabled = !page.next_cursor;
      clear.disabled = what.length === 0;
      root.dataset.tableRows = String(page.data.length);
    } catch (e) {
      if (signal.aborted || seq !== tableSeq) return;
      tableStatus.textContent = '';
      const message = e instanceof ApiError && e.field ? `${e.message}` : e.message;
      replace(tableError, notice('error', isMissingEndpoint(e)
        ? 'This server has no transactions endpoint yet.' : `The transactions could not be loaded: ${message}`));
    }
  }

  async function downloadPdf(button) {
    button.disabled = true;
    const label = button.textContent;
    button.textContent = 'Preparing PDF…';
    try {
      const response = await api(`/v1/documents/${id}/report.pdf`, { raw: true, signal });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: `${(doc && doc.filename || id).replace(/\.[^.]+$/, '')}-report.pdf`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      announce('The PDF report is downloading.');
    } catch (e) {
      if (!signal.aborted) {
        button.after(notice('error', isMissingEndpoint(e) ? 'This server cannot render the PDF report yet.' : `The PDF could not be made: ${e.message}`));
      }
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }

  function render() {
    const a = analysis;
    const account = list(a.accounts)[0] || {};
    const applicant = (doc.options && doc.options.account_holder_name) || account.holder || doc.filename;
    const context = [account.bank, account.identifier ? `account ${account.identifier}` : null,
      `${text(at(a, 'period.transactions'))} transactions over ${text(at(a, 'period.months'))} months`,
      `${date(at(a, 'period.start'))} – ${date(at(a, 'period.end'))}`, `figures in ${text(a.currency)}`].filter(Boolean);
    const pdfButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'download-pdf' }, 'Download PDF report');
    pdfButton.addEventListener('click', () => downloadPdf(pdfButton));

    // Cash flow charts.
    const balanceBox = h('div', { class: 'chart-box', id: 'balance-chart' }, h('p', { class: 'muted chart-loading' }, 'Reading every transaction for the daily balance…'));
    const balanceCaption = h('p', { class: 'caption' });
    const monthsBox = h('div', { class: 'chart-box', id: 'months-chart' });
    const categoriesBox = h('div', { class: 'chart-box', id: 'categories-chart' });
    const incomeBox = h('div', { class: 'chart-box', id: 'income-chart' }, h('p', { class: 'muted chart-loading' }, 'Reading every transaction for the income per month…'));
    const incomeCaption = h('p', { class: 'caption' });
    const months = list(at(a, 'cash_flow.months'));

    for (const [key, control] of Object.entries(controls)) control.value = filters[key];
    const primaries = new Set([...list(at(a, 'spending.by_primary')).map((g) => g.key), 'INCOME']);
    replace(controls.category, h('option', { value: '' }, 'Any category'),
      [...primaries].sort().map((k) => h('option', { value: k }, humanize(k))));

    const streams = list(at(a, 'income.streams')).slice(0, 8);
    // The first screen (head and decision) is drawn and painted first; the sections below
    // it are put in on the next task, so a cold tab shows the decision without waiting for
    // the layout of the charts and the table (measured: their first layout is ~90 ms on this
    // box). A redraw of an open report (after a correction) puts everything in at once, so
    // the reader's scroll position stays.
    const firstView = !root.querySelector('section[aria-labelledby="cash-flow"]');
    // Built when put in: on a first view, after the first screen is painted.
    const buildBelow = () => {
      controls.from.type = 'date';
      controls.to.type = 'date';
      return belowSections();
    };
    const belowSections = () => [
      h('section', { class: 'section', 'aria-labelledby': 'cash-flow' },
        h('h2', { id: 'cash-flow', tabindex: '-1' }, 'Cash flow'),
        h('div', { class: 'grid-charts' },
          h('div', { class: 'card chart-card' },
            h('h3', {}, 'Balance over time'),
            h('p', { class: 'legend' }, h('span', { class: 'key key-balance' }), 'End-of-day balance', h('span', { class: 'key key-overdraft' }), 'Overdraft (below zero)'),
            balanceBox, balanceCaption),
          h('div', { class: 'card chart-card' },
            h('h3', {}, 'Monthly inflow and outflow'),
            h('p', { class: 'legend' }, h('span', { class: 'key key-inflow' }), 'Inflow (excl. own-account transfers)', h('span', { class: 'key key-outflow' }), 'Outflow'),
            monthsBox,
            h('p', { class: 'caption' }, 'Select a month to see its transactions.')))),
      h('section', { class: 'section', 'aria-labelledby': 'spending' },
        h('h2', { id: 'spending', tabindex: '-1' }, 'Spending by category'),
        h('p', { class: 'muted' }, `Total spending ${money(at(a, 'spending.total'))} over ${text(at(a, 'spending.count'))} debits (own-account transfers excluded) · recurring ${money(at(a, 'spending.recurring'))} · largest single debit ${money(at(a, 'spending.largest'))}. Select a category to see its transactions.`),
        h('div', { class: 'card' }, categoriesBox)),
      h('section', { class: 'section', 'aria-labelledby': 'income' },
        h('h2', { id: 'income', tabindex: '-1' }, 'Income stability'),
        h('div', { class: 'grid-charts' },
          h('div', { class: 'card chart-card' },
            h('h3', {}, 'Income per month'),
            h('p', { class: 'legend' }, h('span', { class: 'key key-inflow' }), 'Income credits', h('span', { class: 'key key-average' }), 'Average month'),
            incomeBox, incomeCaption),
          h('div', { class: 'card' },
            h('h3', {}, 'Income streams'),
            streams.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' },
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Payer'), h('th', { scope: 'col', class: 'num' }, 'Monthly avg'), h('th', { scope: 'col', class: 'num' }, 'Stability'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Last paid'))),
              h('tbody', {}, streams.map((st) => h('tr', {},
                h('td', {}, h('span', { class: 'block' }, `${text(st.counterparty)}${st.primary ? ' (primary)' : ''}`), h('span', { class: 'small muted block' }, humanize(st.category))),
                h('td', { class: 'num' }, money(st.monthly_average)),
                h('td', { class: 'num' }, h('span', { class: `badge tone-${Number(st.stability) >= 0.7 ? 'good' : Number(st.stability) >= 0.4 ? 'warn' : 'bad'}` }, percent(st.stability, 0))),
                h('td', { class: 'hide-narrow' }, date(st.last_date)))))))
              : h('p', { class: 'muted' }, 'No income stream found.')))),
      h('section', { class: 'section', 'aria-labelledby': 'transactions' },
        txHeading,
        h('form', { class: 'filters tx-filters', role: 'search', 'aria-label': 'Filter transactions', onsubmit: (e) => e.preventDefault() },
          field('Search', controls.q), field('Direction', controls.direction), field('Category', controls.category),
          field('From', controls.from), field('To', controls.to),
          field('Min amount', controls.min_amount), field('Max amount', controls.max_amount),
          h('div', { class: 'field field-button' }, clear)),
        tableError, tableStatus,
        h('div', { class: 'table-wrap' }, h('table', { class: 'data tx', 'aria-describedby': 'tx-status' },
          h('caption', { class: 'visually-hidden' }, 'Transactions, oldest first'),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Description'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Category'),
            h('th', { scope: 'col', class: 'num' }, 'Amount'), h('th', { scope: 'col', class: 'num hide-narrow' }, 'Balance'))),
          tableBody)),
        h('div', { class: 'actions pager' }, prev, next)),
    ];
    const rest = h('div', { class: 'report-rest', 'aria-busy': 'true' });
    const holder = holderCheck(a);
    replace(root,
      h('div', { class: 'page-head report-head' },
        h('div', {},
          h('p', { class: 'eyebrow' }, 'Bank statement report · ', h('a', { href: '#/documents' }, 'all statements')),
          h('h1', {}, applicant),
          h('p', { class: 'muted' }, context.join(' · ')),
          h('p', { class: 'small muted' }, statusBadge(doc.status), ` ${doc.filename} · analysed ${timestamp(doc.finished_at)}`)),
        h('div', { class: 'head-actions' }, pdfButton)),
      afterRefresh.has(id) ? notice('success', afterRefresh.get(id)) : null,
      h('nav', { class: 'jump', 'aria-label': 'Report sections' },
        [['decision', 'Decision'], ['cash-flow', 'Cash flow'], ['spending', 'Spending'], ['income', 'Income'], ['transactions', 'Transactions']]
          .map(([target, label]) => h('button', { type: 'button', class: 'chip', onclick: () => { const el = document.getElementById(target); if (!el) return; el.scrollIntoView({ block: 'start' }); el.focus({ preventScroll: true }); } }, label))),
      h('section', { class: 'section', 'aria-labelledby': 'decision' },
        h('h2', { id: 'decision', tabindex: '-1' }, 'Lending decision summary'),
        holder.mismatch ? notice('warning', h('strong', {}, 'Not the applicant\'s account. '), holder.line) : null,
        decisionTiles(a),
        h('h3', {}, 'Key figures'), keyFigures(a),
        h('h3', {}, 'Key reasons'), keyReasons(a)),
      firstView ? rest : buildBelow());

    const pickMonth = (ym, extra = {}) => {
      const [from, to] = monthRange(ym);
      setFilters({ from, to, ...extra }, { focus: true, say: `Showing the transactions of ${month(ym, true)}` });
    };
    disposers.push(barChart(monthsBox, {
      label: 'Monthly inflow and outflow',
      series: [{ name: 'Inflow', cls: 'inflow' }, { name: 'Outflow', cls: 'outflow' }],
      groups: months.map((m) => ({
        key: m.month, label: month(m.month).replace(/ (\d\d)(\d\d)$/, ' $2'), long: month(m.month, true),
        values: [Number(m.inflow), Number(m.outflow)], texts: [money(m.inflow), money(m.outflow)],
      })),
      onPick: (ym) => pickMonth(ym),
      pickHint: "Show this month's transactions",
    }));
    const categories = list(at(a, 'spending.by_primary')).slice(0, 12);
    if (categories.length) {
      disposers.push(categoryBars(categoriesBox, {
        label: 'Spending by primary category',
        items: categories.map((g) => ({ key: g.key, label: humanize(g.key), value: Number(g.total), text: money(g.total), detail: `${percent(g.share)} · ${text(g.count)} debits` })),
        onPick: (key) => setFilters({ category: key, direction: 'debit' }, { focus: true, say: `Showing ${humanize(key)} transactions` }),
      }));
    } else {
      replace(categoriesBox, h('p', { class: 'muted' }, 'No spending in the period.'));
    }
    // Marks, each set once its frame is painted: `report-rendered` the first screen (head,
    // decision tiles, key figures, reasons); `report-sections` every section with its charts
    // and the table's first page; `report-complete` (below) the two full-history charts too.
    const sectionsShown = () => firstPage.then(() => {
      if (signal.aborted) return;
      afterPaint(() => {
        if (signal.aborted) return;
        root.dataset.ready = root.dataset.ready === 'complete' ? 'complete' : 'rendered';
        performance.mark('ledgerlens:report-sections');
        painted();
      });
    });
    if (firstView) {
      afterPaint(() => {
        if (signal.aborted) return;
        performance.mark('ledgerlens:report-rendered');
        screenShown();
        rest.replaceWith(...buildBelow());
        sectionsShown();
      });
    } else {
      performance.mark('ledgerlens:report-rendered');
      screenShown();
      sectionsShown();
    }
    focusHeading(root, applicant);
    if (afterRefresh.has(id)) {
      announce(afterRefresh.get(id));
      afterRefresh.delete(id);
    }

    // The charts that need every transaction (read since the view opened).
    everything.then((all) => {
      if (signal.aborted) return;
      knownCategories = [...new Set(all.map((t) => at(t, 'category.detailed')).filter(Boolean))];
      const series = balanceSeries(a, all);
      if (series.points.length) {
        disposers.push(balanceChart(balanceBox, {
          label: 'End-of-day balance over time', points: series.points,
          start: at(a, 'period.start'), end: at(a, 'period.end'),
          onPick: (d) => setFilters({ from: d, to: d }, { focus: true, say: `Showing the transactions of ${date(d)}` }),
        }));
      } else {
        replace(balanceBox, h('p', { class: 'muted' }, 'No balance is known for this account: no line can be drawn.'));
      }
      balanceCaption.textContent = `Lowest ${money(at(a, 'balance_behaviour.min'))} · highest ${money(at(a, 'balance_behaviour.max'))} · mean ${money(at(a, 'balance_behaviour.mean'))} · ${text(at(a, 'balance_behaviour.days_in_overdraft'))} day(s) in overdraft.`
        + (series.computed ? ' The statement prints no running balance: it is computed from the opening balance and the amounts.' : '')
        + ' Select a day to see its transactions.';
      const income = incomePerMonth(a, all);
      const withIncome = income.filter(([, v]) => v !== 0n).length;
      const total = income.reduce((sum, [, v]) => sum + v, 0n);
      const avg = income.length ? total / BigInt(income.length) : 0n;
      disposers.push(barChart(incomeBox, {
        label: 'Income per month',
        series: [{ name: 'Income', cls: 'inflow' }],
        groups: income.map(([ym, v]) => ({
          key: ym, label: month(ym).replace(/ (\d\d)(\d\d)$/, ' $2'), long: month(ym, true),
          values: [unitsToFloat(v)], texts: [money(fromUnits(v))],
        })),
        average: { value: unitsToFloat(avg), text: money(fromUnits(avg)) },
        onPick: (ym) => pickMonth(ym, { category: 'INCOME', direction: 'credit' }),
        pickHint: "Show this month's income",
      }));
      incomeCaption.textContent = `Income in ${withIncome} of ${income.length} month(s) · average ${money(at(a, 'income.average_monthly'))} a month · inflow irregularity ${percent(at(a, 'cash_flow.inflow_irregularity'))}. Select a month to see its income.`;
      return firstPage.then(() => {
        afterPaint(() => {
          root.dataset.ready = 'complete';
          root.dataset.transactions = String(all.length);
          performance.mark('ledgerlens:report-complete');
        });
      });
    }).catch((e) => {
      if (signal.aborted) return;
      const message = isMissingEndpoint(e) ? 'This server has no transactions endpoint yet: the daily balance needs it.' : `The transactions could not be read: ${e.message}`;
      replace(balanceBox, notice('error', message));
      replace(incomeBox, notice('error', message));
      root.dataset.ready = 'complete';
    });
  }

  // The document, its analysis and the table's first page are asked at once; every transaction
  // (for the two charts that need them) once the report is on screen: read earlier, the ten
  // pages' parsing competed with drawing the first paint for the main thread (measured).
  let screenShown = () => {};
  const firstScreen = new Promise((resolve) => { screenShown = resolve; });
  const firstPage = loadTable(firstScreen);
  let painted = () => {};
  const firstPainted = new Promise((resolve) => { painted = resolve; });
  const everything = firstPainted.then(() => allPages(`/v1/documents/${id}/transactions`, { limit: 500, signal }));
  everything.catch(() => {}); // reported where it is used
  Promise.all([
    api(`/v1/documents/${id}`, { signal }),
    api(`/v1/documents/${id}/analysis?profile=native`, { signal }),
  ]).then(([d, a]) => {
    doc = d;
    analysis = a;
    render();
  }).catch((e) => {
    if (signal.aborted) return;
    const message = e instanceof ApiError && e.status === 404 ? 'No such statement in your organisation.'
      : e instanceof ApiError && e.code === 'not_analyzed' ? `This statement is not analysed yet (${humanize(e.details.status)}).`
        : `The report could not be loaded: ${e.message}`;
    replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Report')), notice('error', message),
      h('p', {}, h('a', { href: '#/documents' }, 'Back to the statements')));
    root.dataset.ready = 'error';
    focusHeading(root, 'Report');
  });

  return () => { controller.abort(); disposers.forEach((d) => d()); };
}
