// The dashboard's shell: sign-in, navigation and a hash router (#/documents, #/documents/ID,
// #/upload, #/settings). Hash routes keep the server to one page at `/`, and the key never
// appears in any URL: it is typed once and kept in sessionStorage (see api.js).

import { api, credential, setCredential, signOut, ApiError } from './api.js';
import { h, replace, field, notice, focusHeading, markNavigated } from './dom.js';
import { renderDocuments } from './documents.js';
import { renderUpload } from './upload.js';
import { renderReport } from './report.js';
import { renderSettings } from './settings.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;

function renderSignIn(root) {
  const input = h('input', {
    type: 'password', name: 'credential', autocomplete: 'off', spellcheck: 'false',
    required: true, class: 'mono',
  });
  const error = h('div', { class: 'form-error' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const form = h('form', { class: 'card signin-card', novalidate: true, 'aria-describedby': 'signin-intro' },
    h('h1', {}, 'Sign in'),
    h('p', { id: 'signin-intro', class: 'muted' },
      'Use an API key of your organisation (', h('code', {}, 'ledgerlens admin create-key'),
      ') or an access token from ', h('code', {}, 'POST /oauth/token'),
      '. It is kept in this tab only and sent with each request.'),
    field('API key or access token', input),
    error,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    replace(error);
    if (!value) {
      replace(error, notice('error', 'Enter your API key.'));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Checking…';
    try {
      await api('/v1/documents?limit=1', { key: value });
      setCredential(value);
      location.hash = '#/documents';
    } catch (e) {
      const message = e instanceof ApiError && e.status === 401
        ? 'This key was not accepted: it is unknown, revoked or expired.'
        : `The server could not be reached: ${e.message}`;
      replace(error, notice('error', message));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  });
  replace(root, h('div', { class: 'signin' }, form));
  focusHeading(root, 'Sign in');
}

const ROUTES = [
  [/^#\/documents\/(doc_[A-Za-z0-9_-]+)$/, (root, m) => renderReport(root, m[1]), 'documents'],
  [/^#\/documents$/, (root) => renderDocuments(root), 'documents'],
  [/^#\/upload$/, (root) => renderUpload(root), 'upload'],
  [/^#\/settings$/, (root) => renderSettings(root), 'settings'],
];

function route() {
  const hash = location.hash || '#/';
  // In-page anchors (the skip link) are not routes.
  if (!hash.startsWith('#/')) return;
  if (cleanup) { cleanup(); cleanup = null; }
  const signedIn = Boolean(credential());
  document.body.classList.toggle('signed-in', signedIn);
  if (!signedIn) {
    nav.hidden = true;
    renderSignIn(main);
    return;
  }
  nav.hidden = false;
  const found = ROUTES.find(([pattern]) => pattern.test(hash));
  if (!found) {
    location.replace('#/documents');
    return;
  }
  const [pattern, view, section] = found;
  for (const link of nav.querySelectorAll('a[data-section]')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.replaceChildren();
  window.scrollTo(0, 0);
  cleanup = view(main, hash.match(pattern)) || null;
}

document.getElementById('signout').addEventListener('click', () => {
  signOut();
});
window.addEventListener('ledgerlens:signed-out', () => {
  if (location.hash === '#/' || location.hash === '') route();
  else location.hash = '#/';
});
window.addEventListener('hashchange', () => { markNavigated(); route(); });
route();
