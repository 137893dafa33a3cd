// Upload with live progress: the upload itself answers with the document's Server-Sent Events
// (`X-Stream-Response: true`), read from fetch's body stream because EventSource cannot send the
// key header. Each of the 12 steps of the pipeline is ticked as the server reports it done.

import { api, readEvents, ApiError } from './api.js';
import { h, replace, field, notice, focusHeading, announce } from './dom.js';
import { bytes } from './format.js';

export const STEPS = [
  ['store', 'Stored and queued'],
  ['download', 'Original read from storage'],
  ['validate', 'Format validated'],
  ['extract', 'Transactions extracted'],
  ['account_holder', 'Account holder and categories'],
  ['revenue', 'Revenue patterns'],
  ['cash_flow', 'Cash flow health'],
  ['expense', 'Expenses and liabilities'],
  ['balance', 'Balance behaviour'],
  ['score', 'Credit scores'],
  ['duplicate_check', 'Duplicate check'],
  ['finalise', 'Results stored'],
];

const ACCEPT = '.pdf,.csv,.tsv,.txt,.xlsx,.xls,.qif,.ofx,.qfx,.sta,.mt940,.xml,.json,.png,.jpg,.jpeg,.tif,.tiff';

/** The upload page; with `caseId` the statement is filed under that case. */
export function renderUpload(root, caseId = null) {
  const controller = new AbortController();
  const file = h('input', { type: 'file', name: 'file', accept: ACCEPT, required: true, class: 'file-input' });
  const chosen = h('p', { class: 'muted small', id: 'chosen', 'aria-live': 'polite' });
  const drop = h('div', { class: 'dropzone' },
    h('p', { class: 'drop-title' }, 'Drop a statement here, or choose a file'),
    h('p', { class: 'muted small' }, 'PDF (text or scanned), CSV, Excel, OFX, QIF, MT940, camt.053, vendor JSON, images · up to 20 MB'),
    field('Statement file', file), chosen);
  const inputs = {
    account_holder_name: h('input', { type: 'text', autocomplete: 'off' }),
    business_type: h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. retail' }),
    sector: h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. G47' }),
    country: h('input', { type: 'text', autocomplete: 'off', maxlength: 2, placeholder: 'NG', class: 'short' }),
    password: h('input', { type: 'password', autocomplete: 'off' }),
  };
  const error = h('div');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Upload and analyse');
  const progress = h('section', { class: 'card progress-card', 'aria-labelledby': 'progress-title', hidden: true });
  const form = h('form', { class: 'card upload-form', novalidate: true },
    drop,
    h('details', { class: 'options' }, h('summary', {}, 'Applicant details and PDF password (optional)'),
      h('div', { class: 'grid-2' },
        field('Account holder name', inputs.account_holder_name, 'Used to tell own-account transfers and names apart.'),
        field('Business type', inputs.business_type, 'Calibrates the EnvoyX score; defaults to the organisation’s preference.'),
        field('Sector (NACE)', inputs.sector),
        field('Country (ISO code)', inputs.country),
        field('PDF password', inputs.password, 'For an encrypted PDF; erased when the analysis ends.'))),
    error,
    h('div', { class: 'actions' }, submit));

  const filedUnder = caseId
    ? h('p', {}, 'Filed under case ', h('a', { href: `#/cases/${caseId}`, class: 'mono' }, caseId), '.')
    : null;
  replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Upload a statement')), filedUnder, form, progress);
  focusHeading(root, 'Upload');

  const describe = () => {
    const f = file.files[0];
    chosen.textContent = f ? `Chosen: ${f.name} · ${bytes(f.size)}` : '';
  };
  file.addEventListener('change', describe);
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length) { file.files = e.dataTransfer.files; describe(); }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(error);
    const f = file.files[0];
    if (!f) {
      replace(error, notice('error', 'Choose a statement file first.'));
      file.focus();
      return;
    }
    const data = new FormData();
    data.append('file', f, f.name);
    if (caseId) data.append('case_id', caseId);
    for (const [name, input] of Object.entries(inputs)) {
      if (input.value.trim()) data.append(name, input.value.trim());
    }
    submit.disabled = true;
    await run(data, f.name);
    submit.disabled = false;
  });

  async function run(data, name) {
    const items = STEPS.map(([code, label], i) => h('li', { class: 'step', dataset: { step: i + 1, code } },
      h('span', { class: 'step-mark', 'aria-hidden': 'true' }, String(i + 1)),
      h('span', { class: 'step-label' }, label),
      h('span', { class: 'step-state visually-hidden' }, 'waiting'),
      h('span', { class: 'step-message muted small' })));
    const bar = h('progress', { max: 12, value: 0, id: 'upload-progress', 'aria-label': 'Analysis progress' });
    const counter = h('p', { class: 'progress-count', 'aria-live': 'polite' }, 'Uploading…');
    const outcome = h('div', { class: 'outcome' });
    replace(progress, h('h2', { id: 'progress-title' }, `Analysing ${name}`), bar, counter, h('ol', { class: 'steps' }, items), outcome);
    progress.hidden = false;
    progress.scrollIntoView({ block: 'nearest' });

    const mark = (step, message) => {
      items.forEach((li, i) => {
        const n = i + 1;
        li.classList.toggle('done', n <= step);
        li.classList.toggle('current', n === step + 1);
        li.querySelector('.step-state').textContent = n <= step ? 'done' : 'waiting';
        if (n === step && message) li.querySelector('.step-message').textContent = message;
      });
      bar.value = step;
      counter.textContent = `Step ${step} of 12 done`;
    };

    let id = null;
    try {
      const response = await api('/v1/documents', {
        method: 'POST', body: data, headers: { 'X-Stream-Response': 'true' }, raw: true, signal: controller.signal,
      });
      const location = response.headers.get('Location') || '';
      id = location.split('/').pop() || null;
      progress.dataset.documentId = id || '';
      counter.textContent = 'Uploaded · waiting for a worker…';
      let ended = null;
      await readEvents(response, ({ event, data: payload }) => {
        if (event === 'step') mark(payload.step, payload.message);
        if (event === 'end') ended = payload;
      });
      if (!ended) throw new Error('the progress stream ended before the analysis did');
      finish(ended);
    } catch (e) {
      if (controller.signal.aborted) return;
      const text = e instanceof ApiError ? `${e.message} (${e.code})` : e.message;
      replace(outcome, notice('error', `The upload failed: ${text}`));
      progress.dataset.outcome = 'FAILED';
      counter.textContent = 'Stopped.';
      announce('The upload failed.');
    }

    function finish(end) {
      progress.dataset.outcome = end.status;
      if (end.status === 'ANALYZED' || end.status === 'FLAGGED') {
        mark(12);
        counter.textContent = end.status === 'FLAGGED' ? 'Analysed · flagged for review' : 'Analysed';
        const link = h('a', { class: 'btn btn-primary', href: `#/documents/${end.document_id || id}` }, 'Open the report');
        replace(outcome, notice(end.status === 'FLAGGED' ? 'warning' : 'success',
          end.status === 'FLAGGED'
            ? 'Analysis complete. The statement is flagged: a critical flag was raised or the document was judged not legitimate.'
            : 'Analysis complete.'),
        h('div', { class: 'actions' }, link));
        announce(`Analysis complete: ${end.status.toLowerCase()}.`);
        link.focus();
      } else {
        const failure = end.failure || {};
        items.forEach((li) => { if (li.classList.contains('current')) li.classList.add('failed'); });
        counter.textContent = end.status === 'DELETED' ? 'Deleted.' : 'Failed.';
        replace(outcome, notice('error', `The analysis failed: ${failure.message || end.status}`,
          failure.code ? h('span', { class: 'mono small block' }, failure.code) : null));
        announce('The analysis failed.');
      }
    }
  }
  return () => controller.abort();
}
