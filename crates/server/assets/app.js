// The dashboard's shell: sign-in, navigation and a hash router (#/documents, #/documents/ID,
// #/upload, #/settings). Hash routes keep the server to one page at `/`, and the key never
// appears in any URL: it is typed once and kept in sessionStorage (see api.js).

import { api, credential, setCredential, signOut, ApiError } from './api.js';
import { h, replace, field, notice, focusHeading, markNavigated } from './dom.js';
import { renderDocuments } from './documents.js';
import { renderUpload } from './upload.js';
import { renderReport } from './report.js';
import { renderSettings } from './settings.js';
import { renderCases, renderCase } from './cases.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;

/**
 * Sign-in: a user of the organisation with an e-mail and a password (a session token comes
 * back), or, for engineers, an API key or access token pasted as is. Either is kept in this
 * tab only and sent with each request.
 */
function renderSignIn(root, mode = 'password') {
  const error = h('div', { class: 'form-error' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');
  const other = h('button', { type: 'button', class: 'btn btn-link', id: 'signin-switch' },
    mode === 'password' ? 'Use an API key instead' : 'Use an e-mail and password instead');
  other.addEventListener('click', () => renderSignIn(root, mode === 'password' ? 'key' : 'password'));
  let inputs;
  let intro;
  if (mode === 'password') {
    inputs = {
      email: h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, spellcheck: 'false' }),
      password: h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }),
    };
    intro = h('p', { id: 'signin-intro', class: 'muted' },
      'Sign in with the e-mail address and password your administrator gave you.');
  } else {
    inputs = {
      key: h('input', { type: 'password', name: 'credential', autocomplete: 'off', spellcheck: 'false', required: true, class: 'mono' }),
    };
    intro = h('p', { id: 'signin-intro', class: 'muted' },
      'Use an API key of your organisation (', h('code', {}, 'ledgerlens admin create-key'),
      ') or an access token from ', h('code', {}, 'POST /oauth/token'),
      '. It is kept in this tab only and sent with each request.');
  }
  const fields = mode === 'password'
    ? [field('E-mail address', inputs.email), field('Password', inputs.password)]
    : [field('API key or access token', inputs.key)];
  const form = h('form', { class: 'card signin-card', novalidate: true, 'aria-describedby': 'signin-intro' },
    h('h1', {}, 'Sign in'), intro, ...fields, error,
    h('div', { class: 'actions' }, button, other));
  const refuse = (message, input) => {
    replace(error, notice('error', message));
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(error);
    for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
    const empty = Object.values(inputs).find((input) => !input.value.trim());
    if (empty) {
      refuse(mode === 'password' ? 'Enter your e-mail address and password.' : 'Enter your API key.', empty);
      return;
    }
    button.disabled = true;
    button.textContent = 'Checking…';
    try {
      if (mode === 'password') {
        const session = await api('/v1/sessions', {
          method: 'POST', key: '-', body: { email: inputs.email.value.trim(), password: inputs.password.value },
        });
        setCredential(session.token);
      } else {
        const value = inputs.key.value.trim();
        await api('/v1/me', { key: value });
        setCredential(value);
      }
      if (location.hash === '#/documents') route();
      else location.hash = '#/documents';
    } catch (e) {
      let message = `The server could not be reached: ${e.message}`;
      if (e instanceof ApiError && e.status < 500) {
        message = mode === 'password'
          ? e.message.charAt(0).toUpperCase() + e.message.slice(1) + '.'
          : 'This key was not accepted: it is unknown, revoked or expired.';
      }
      refuse(message, mode === 'password' ? inputs.password : inputs.key);
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
  [/^#\/cases$/, (root) => renderCases(root), 'cases'],
  [/^#\/cases\/(case_[A-Za-z0-9_-]+)$/, (root, m) => renderCase(root, m[1]), 'cases'],
  [/^#\/cases\/(case_[A-Za-z0-9_-]+)\/upload$/, (root, m) => renderUpload(root, m[1]), 'cases'],
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
  // A view says how far it is drawn (`data-ready`, read by tests and tools); the last view's
  // state must not outlive its content.
  delete main.dataset.ready;
  delete main.dataset.transactions;
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
