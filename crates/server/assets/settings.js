// Settings: webhook subscriptions (create, list, delete, the delivery log with redelivery), and
// the organisation's preferences, its people and API clients, and the signed-in user's own
// account (password).

import { api, isMissingEndpoint, ApiError } from './api.js';
import { h, replace, field, notice, focusHeading, announce } from './dom.js';
import { humanize, text, timestamp } from './format.js';

const SCOPES = ['documents:read', 'documents:write', 'webhooks:manage', 'credentials:manage', 'settings:manage', 'read_bank_xray_report'];
const EVENTS = ['document.uploaded', 'document.processing', 'document.analyzed', 'document.flagged', 'document.failed'];

export function renderSettings(root) {
  const controller = new AbortController();
  const signal = controller.signal;
  const url = h('input', { type: 'url', required: true, autocomplete: 'off', placeholder: 'http://hooks.example.com/ledgerlens', class: 'wide' });
  const boxes = EVENTS.map((e) => h('input', { type: 'checkbox', value: e, id: `ev-${e.replace('.', '-')}` }));
  const formError = h('div');
  const created = h('div');
  const listBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'new-webhook' },
    h('h3', { id: 'new-webhook' }, 'New subscription'),
    field('Destination URL', url, 'Plain http:// for now; the server refuses private addresses unless it runs with --allow-private-webhooks.'),
    h('fieldset', { class: 'checks' }, h('legend', {}, 'Events (none checked: all)'),
      boxes.map((b) => h('label', { for: b.id, class: 'check' }, b, ' ', h('code', {}, b.value)))),
    formError,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create subscription')));
  const prefs = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const clients = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const account = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const rules = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const webhooksBox = h('div', {}, form, created, listBox);
  // What this credential may change (from /v1/me); sections it cannot use say so instead of
  // offering forms that would be refused.
  let mayEdit = true;
  const lacking = (scope, what) => h('p', { class: 'muted' },
    `${what} needs the `, h('code', {}, scope), ' permission, which this account does not have. Ask an administrator of your organisation.');
  replace(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Settings')),
    h('section', { class: 'section', 'aria-labelledby': 'account' },
      h('h2', { id: 'account' }, 'Your account'), account),
    h('section', { class: 'section', 'aria-labelledby': 'webhooks' },
      h('h2', { id: 'webhooks' }, 'Webhooks'),
      h('p', { class: 'muted' }, 'Signed notifications (Standard Webhooks) when a statement is uploaded, processed, analysed, flagged or fails. Failed deliveries are retried for 25 hours.'),
      webhooksBox),
    h('section', { class: 'section', 'aria-labelledby': 'preferences' },
      h('h2', { id: 'preferences' }, 'Preferences'), prefs),
    h('section', { class: 'section', 'aria-labelledby': 'rules' },
      h('h2', { id: 'rules' }, 'Categorisation rules'),
      h('p', { class: 'muted' }, 'Your organisation’s rules win over the built-in country packs. A correction made on a report becomes one; they apply to statements analysed from now on.'),
      rules),
    h('section', { class: 'section', 'aria-labelledby': 'clients' },
      h('h2', { id: 'clients' }, 'People and API access'), clients));
  focusHeading(root, 'Settings');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(formError);
    const events = boxes.filter((b) => b.checked).map((b) => b.value);
    const body = { url: url.value.trim() };
    if (events.length) body.events = events;
    try {
      const hook = await api('/v1/webhooks', { method: 'POST', body, signal });
      url.value = '';
      boxes.forEach((b) => { b.checked = false; });
      replace(created, notice('success',
        h('p', {}, 'Subscription created. Its signing secret is shown this once: keep it where your receiver can read it.'),
        h('p', {}, h('code', { class: 'secret', id: 'webhook-secret' }, hook.secret))));
      announce('Subscription created.');
      loadList();
    } catch (e) {
      replace(formError, notice('error', e instanceof ApiError ? e.message : `The subscription could not be created: ${e.message}`));
      url.setAttribute('aria-invalid', 'true');
      url.focus();
    }
  });

  function deliveryTable(hook, deliveries, box) {
    if (!deliveries.length) return h('p', { class: 'muted' }, 'No message sent yet.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data compact deliveries' },
      h('caption', { class: 'visually-hidden' }, `Delivery log of ${hook.url}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col', class: 'num' }, 'Attempts'),
        h('th', { scope: 'col' }, 'Last answer'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Created'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, deliveries.map((d) => h('tr', {},
        h('td', {}, h('code', {}, d.event_type), h('span', { class: 'small muted block mono' }, d.id)),
        h('td', {}, h('span', { class: `badge delivery-${d.status}` }, humanize(d.status))),
        h('td', { class: 'num' }, String(d.attempt_count)),
        h('td', {}, d.last_response_code ? `HTTP ${d.last_response_code}` : text(d.last_error),
          d.attempts && d.attempts.length ? h('details', { class: 'attempts' }, h('summary', {}, `${d.attempts.length} attempt(s)`),
            h('ul', {}, d.attempts.map((at) => h('li', {}, `${timestamp(at.attempted_at)} · ${at.response_code ? `HTTP ${at.response_code}` : text(at.error)} · ${at.duration_ms} ms`)))) : null),
        h('td', { class: 'hide-narrow' }, timestamp(d.created_at)),
        h('td', {}, h('button', {
          type: 'button', class: 'btn btn-small', 'aria-label': `Redeliver ${d.event_type} ${d.id}`,
          onclick: async (e) => {
            e.currentTarget.disabled = true;
            try {
              await api(`/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { method: 'POST', signal });
              announce('Queued for redelivery.');
              openLog(hook, box);
            } catch (err) {
              box.prepend(notice('error', `Redelivery failed: ${err.message}`));
            }
          },
        }, 'Redeliver')))))));
  }

  async function openLog(hook, box) {
    replace(box, h('p', { class: 'muted' }, 'Loading the delivery log…'));
    try {
      const page = await api(`/v1/webhooks/${hook.id}/deliveries`, { signal });
      replace(box, h('h4', {}, 'Delivery log'), deliveryTable(hook, page.data, box));
    } catch (e) {
      replace(box, notice('error', `The delivery log could not be loaded: ${e.message}`));
    }
  }

  async function loadList() {
    try {
      const page = await api('/v1/webhooks', { signal });
      if (!page.data.length) {
        replace(listBox, h('p', { class: 'muted' }, 'No subscription yet.'));
        return;
      }
      replace(listBox, h('ul', { class: 'hooks' }, page.data.map((hook) => {
        const box = h('div', { class: 'log', id: `log-${hook.id}` });
        const toggle = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false', 'aria-controls': box.id }, 'Delivery log');
        toggle.addEventListener('click', () => {
          const open = toggle.getAttribute('aria-expanded') === 'true';
          toggle.setAttribute('aria-expanded', String(!open));
          if (open) replace(box); else openLog(hook, box);
        });
        const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete the subscription to ${hook.url}` }, 'Delete');
        remove.addEventListener('click', async () => {
          if (!window.confirm(`Delete the subscription to ${hook.url}? Its delivery log goes with it.`)) return;
          try {
            await api(`/v1/webhooks/${hook.id}`, { method: 'DELETE', signal });
            announce('Subscription deleted.');
            loadList();
          } catch (e) {
            box.prepend(notice('error', `It could not be deleted: ${e.message}`));
          }
        });
        return h('li', { class: 'card hook', dataset: { id: hook.id } },
          h('div', { class: 'hook-head' },
            h('div', {}, h('p', { class: 'hook-url mono' }, hook.url),
              h('p', { class: 'small muted' }, `${hook.events.includes('*') ? 'all events' : hook.events.join(', ')} · ${hook.active ? 'active' : 'inactive'} · created ${timestamp(hook.created_at)}`)),
            h('div', { class: 'hook-actions' }, toggle, remove)),
          box);
      })));
    } catch (e) {
      replace(listBox, notice('error', `The subscriptions could not be loaded: ${e.message}`));
    }
  }

  // Endpoints this server may not have yet: say so rather than fail.
  async function optional(path, box, what, draw) {
    try {
      draw(await api(path, { signal }));
    } catch (e) {
      if (signal.aborted) return;
      replace(box, isMissingEndpoint(e)
        ? h('p', { class: 'muted' }, `${what} are not available on this server yet.`)
        : notice('error', `${what} could not be loaded: ${e.message}`));
    }
  }

  /** The organisation's defaults for uploads that do not say (`PUT` replaces them all). */
  function preferencesForm(current) {
    const names = [['business_type', 'Default business type', 'e.g. retail'], ['sector', 'Default sector (NACE)', 'e.g. G47'],
      ['country', 'Default country', 'NG'], ['revenue_band', 'Default revenue band', '']];
    const inputs = Object.fromEntries(names.map(([name, , placeholder]) =>
      [name, h('input', { type: 'text', autocomplete: 'off', value: current[name] || '', placeholder })]));
    const message = h('div');
    const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'Preferences' },
      h('p', { class: 'muted' }, 'Used when an upload does not give them: they calibrate the EnvoyX score.'),
      h('div', { class: 'prefs-form' }, names.map(([name, label]) => field(label, inputs[name]))),
      message,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save preferences')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) body[name] = input.value.trim();
      try {
        const saved = await api('/v1/preferences', { method: 'PUT', body, signal });
        for (const [name, input] of Object.entries(inputs)) input.value = saved[name] || '';
        replace(message, notice('success', 'Preferences saved.'));
      } catch (e) {
        replace(message, notice('error', `They could not be saved: ${e.message}`));
      }
    });
    return form;
  }

  /** The tenant's rules: what each says, delete, and a new one. */
  function describeRule(rule) {
    const r = rule.rule || {};
    const what = r.counterparty ? ['counterparty ', h('code', {}, r.counterparty)] : ['narrations containing ', h('code', {}, `“${r.phrase}”`)];
    const direction = r.direction ? ` (${r.direction}s only)` : '';
    return h('span', {}, ...what, direction, ' → ', h('strong', {}, humanize(r.category || '')), h('span', { class: 'small muted block' }, `${r.category || ''} · since ${timestamp(rule.created_at)}`));
  }

  const ruleMessage = h('div');
  const ruleList = h('div');
  function rulesTable(data) {
    if (!data.length) return h('p', { class: 'muted' }, 'No rule yet.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data compact rules' },
      h('caption', { class: 'visually-hidden' }, 'Categorisation rules of your organisation'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rule'), h('th', { scope: 'col' }, 'Action'))),
      h('tbody', {}, data.map((rule) => h('tr', { 'data-id': rule.id },
        h('td', {}, describeRule(rule)),
        h('td', {}, mayEdit ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Delete rule ${rule.id}`, onclick: () => deleteRule(rule.id) }, 'Delete') : '–'))))));
  }
  async function deleteRule(id) {
    try {
      await api(`/v1/rules/${encodeURIComponent(id)}`, { method: 'DELETE', signal });
      announce('Rule deleted.');
      loadRules();
    } catch (e) {
      if (!signal.aborted) replace(ruleMessage, notice('error', `It could not be deleted: ${e.message}.`));
    }
  }
  function ruleForm() {
    const match = h('select', {}, h('option', { value: 'phrase' }, 'Narration contains'), h('option', { value: 'counterparty' }, 'Counterparty is'));
    const value = h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. bet9ja' });
    const category = h('input', { type: 'text', autocomplete: 'off', class: 'mono', placeholder: 'GAMBLING_BETTING' });
    const direction = h('select', {}, h('option', { value: 'any' }, 'Money in or out'), h('option', { value: 'debit' }, 'Money out'), h('option', { value: 'credit' }, 'Money in'));
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'new-rule' },
      h('h3', { id: 'new-rule' }, 'New rule'),
      h('div', { class: 'grid-2' }, field('Match', match), field('Text to match', value, 'A phrase of at least 3 characters, or a counterparty as the report shows it.'),
        field('Category', category, 'A detailed category code of the taxonomy (docs/taxonomy.md).'), field('Direction', direction)),
      ruleMessage,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add rule')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { category: category.value.trim().toUpperCase(), direction: direction.value, [match.value]: value.value.trim() };
      try {
        await api('/v1/rules', { method: 'POST', body, signal });
        value.value = '';
        category.value = '';
        replace(ruleMessage, notice('success', 'Rule added.'));
        announce('Rule added.');
        loadRules();
      } catch (e) {
        if (signal.aborted) return;
        replace(ruleMessage, notice('error', `The rule was not added: ${e.message}.`));
        (e.details && e.details.field === 'category' ? category : value).focus();
      }
    });
    return form;
  }
  function loadRules() {
    optional('/v1/rules', rules.dataset.drawn ? ruleList : rules, 'Rules', (r) => {
      if (!rules.dataset.drawn) {
        rules.dataset.drawn = 'yes';
        replace(rules, mayEdit ? ruleForm() : lacking('settings:manage', 'Adding or deleting a rule'), ruleList);
      }
      replace(ruleList, rulesTable(r.data || []));
    });
  }

  /** Who is signed in, what they may do, and (for a user) a new password. */
  function accountView(me) {
    const who = me.kind === 'user'
      ? h('p', {}, 'Signed in as ', h('strong', {}, me.email), me.session_expires_at ? ` until ${timestamp(me.session_expires_at)}` : '', '.')
      : h('p', {}, 'Signed in with ', me.kind === 'oauth_client' ? 'the OAuth client ' : 'the API key ', h('code', {}, me.id), '.');
    const scopes = (me.permissions || []).includes('*') ? 'every permission' : (me.permissions || []).join(', ');
    const parts = [who, h('p', { class: 'muted' }, `Permissions: ${scopes}.`)];
    if (me.kind === 'user') parts.push(passwordForm(me.email));
    return parts;
  }

  function passwordForm(email) {
    const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
    const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
    const username = h('input', { type: 'email', autocomplete: 'username', value: email, hidden: true, readonly: true, 'aria-hidden': 'true', tabindex: '-1' });
    const message = h('div');
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'change-password' },
      h('h3', { id: 'change-password' }, 'Change your password'), username,
      field('Current password', current), field('New password', next, 'At least 12 characters. Your other sessions are signed out.'),
      message,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api('/v1/me/password', { method: 'PUT', body: { current_password: current.value, new_password: next.value }, signal });
        current.value = '';
        next.value = '';
        replace(message, notice('success', 'Password changed. Your other sessions are signed out.'));
        announce('Password changed.');
      } catch (e) {
        if (signal.aborted) return;
        replace(message, notice('error', `It was not changed: ${e.message}.`));
        (e.details && e.details.field === 'current_password' ? current : next).focus();
      }
    });
    return form;
  }

  /** A new API key, OAuth client or user; a key's or client's secret is shown once. */
  function credentialForm() {
    const kind = h('select', {},
      h('option', { value: 'api_key' }, 'API key'), h('option', { value: 'oauth_client' }, 'OAuth client'),
      h('option', { value: 'user' }, 'User (e-mail and password)'));
    const email = h('input', { type: 'email', autocomplete: 'off', placeholder: 'analyst@lender.example' });
    const password = h('input', { type: 'password', autocomplete: 'new-password' });
    const userFields = h('div', { class: 'user-fields', hidden: true },
      field('E-mail address', email), field('First password', password, 'At least 12 characters; the user can change it in their settings.'));
    kind.addEventListener('change', () => { userFields.hidden = kind.value !== 'user'; });
    const label = h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. CRM integration' });
    const scopes = SCOPES.map((scope) => h('input', { type: 'checkbox', value: scope, id: `scope-${scope.replace(/[^a-z_]/g, '-')}` }));
    const message = credentialMessage;
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'new-credential' },
      h('h3', { id: 'new-credential' }, 'New API key, client or user'),
      field('Kind', kind), userFields, field('Label', label),
      h('fieldset', { class: 'checks' }, h('legend', {}, 'Permissions (none checked: the same as yours)'),
        scopes.map((b) => h('label', { for: b.id, class: 'check' }, b, ' ', h('code', {}, b.value)))),
      message,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { kind: kind.value };
      if (kind.value === 'user') {
        body.email = email.value.trim();
        body.password = password.value;
      }
      if (label.value.trim()) body.label = label.value.trim();
      const chosen = scopes.filter((b) => b.checked).map((b) => b.value);
      if (chosen.length) body.permissions = chosen;
      try {
        const made = await api('/v1/credentials', { method: 'POST', body, signal });
        label.value = '';
        if (made.kind === 'user') {
          email.value = '';
          password.value = '';
          replace(message, notice('success', h('p', {}, `User ${made.email} created: they sign in with that address and the password you chose.`)));
          announce('User created.');
          loadCredentials();
          return;
        }
        const secret = made.key || made.client_secret;
        replace(message, notice('success',
          h('p', {}, made.key ? 'API key created. It is shown this once: store it now.' : `Client ${made.client_id} created. Its secret is shown this once: store it now.`),
          h('p', {}, h('code', { class: 'secret', id: 'credential-secret' }, secret))));
        announce('Credential created.');
        loadCredentials();
      } catch (e) {
        replace(message, notice('error', `It could not be created: ${e.message}`));
      }
    });
    return form;
  }

  async function revoke(id) {
    try {
      await api(`/v1/credentials/${encodeURIComponent(id)}`, { method: 'DELETE', signal });
      announce(`${id} revoked.`);
      loadCredentials();
    } catch (e) {
      replace(credentialMessage, notice('error', `It could not be revoked: ${e.message}`));
    }
  }

  function credentialsTable(data) {
    if (!data.length) return h('p', { class: 'muted' }, 'No API key, client or user.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data compact' },
      h('caption', { class: 'visually-hidden' }, 'API keys, OAuth clients and users of your organisation'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Credential'), h('th', { scope: 'col' }, 'Kind'),
        h('th', { scope: 'col', class: 'hide-narrow' }, 'Permissions'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Created'), h('th', { scope: 'col' }, 'State'))),
      h('tbody', {}, data.map((c) => h('tr', {},
        h('td', {}, c.email ? h('strong', { class: 'block' }, c.email) : null, h('code', {}, text(c.id)),
          c.label ? h('span', { class: 'small muted block' }, c.label) : null),
        h('td', {}, { api_key: 'API key', oauth_client: 'OAuth client', user: 'User' }[c.kind] || humanize(c.kind)),
        h('td', { class: 'hide-narrow' }, (c.permissions || []).filter((p) => p !== '*').join(', ') || 'all'),
        h('td', { class: 'hide-narrow' }, timestamp(c.created_at)),
        h('td', {}, h('span', { class: `badge ${c.active ? 'delivery-delivered' : 'delivery-failed'}` }, c.active ? 'Active' : 'Revoked'),
          c.current ? h('span', { class: 'small muted block' }, 'this session') : null,
          c.active && !c.current
            ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Revoke ${c.id}`, onclick: () => revoke(c.id) }, 'Revoke')
            : null))))));
  }

  // The form and its message are drawn once; a reload redraws only the table, so a new secret
  // stays on screen.
  const credentialMessage = h('div');
  const credentialList = h('div');
  function loadCredentials() {
    optional('/v1/credentials', clients.dataset.drawn ? credentialList : clients, 'API keys and clients', (c) => {
      if (!clients.dataset.drawn) {
        clients.dataset.drawn = 'yes';
        replace(clients,
          h('p', { class: 'muted' }, 'Also with ', h('code', {}, 'ledgerlens admin'), ' (which can rotate a key with a grace period).'),
          credentialForm(), credentialList);
      }
      replace(credentialList, credentialsTable(c.data || []));
    });
  }

  const loadAll = (me) => {
    const may = (scope) => !me || (me.permissions || []).some((p) => p === '*' || p === scope);
    mayEdit = may('settings:manage');
    if (may('webhooks:manage')) loadList();
    else replace(webhooksBox, lacking('webhooks:manage', 'Managing webhooks'));
    loadRules();
    optional('/v1/preferences', prefs, 'Preferences', (p) => replace(prefs, mayEdit
      ? preferencesForm(p || {})
      : [h('p', {}, `Defaults: ${['business_type', 'sector', 'country', 'revenue_band'].map((k) => `${humanize(k)} ${text((p || {})[k])}`).join(' · ')}.`),
        lacking('settings:manage', 'Changing them')]));
    if (may('credentials:manage')) loadCredentials();
    else replace(clients, lacking('credentials:manage', 'Managing people and API access'));
  };
  api('/v1/me', { signal }).then((me) => {
    replace(account, ...accountView(me));
    loadAll(me);
  }).catch((e) => {
    if (signal.aborted) return;
    replace(account, notice('error', `Account details could not be loaded: ${e.message}`));
    loadAll(null);
  });

  return () => controller.abort();
}
