// The one place that talks to the /v1 API. The key lives in sessionStorage (gone when the tab
// closes, never in a URL, a cookie or a log) and travels in a header on every call. A 401 signs
// the user out, so an expired or revoked key never leaves a half-working page.

const STORAGE_KEY = 'ledgerlens.credential';

export function credential() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function setCredential(value) {
  sessionStorage.setItem(STORAGE_KEY, value);
}

export function signOut() {
  const value = credential();
  sessionStorage.removeItem(STORAGE_KEY);
  // A user's session is ended on the server too, so the token is dead even if copied.
  if (value && value.startsWith('llu_')) {
    fetch('/v1/sessions/current', { method: 'DELETE', headers: authHeaders(value), keepalive: true }).catch(() => {});
  }
  window.dispatchEvent(new CustomEvent('ledgerlens:signed-out'));
}

/**
 * The auth header: an API key or a session token as X-API-Key, a bearer token (it has dots) as
 * Authorization. `'-'` is "no credential" (the sign-in call itself).
 */
export function authHeaders(value = credential()) {
  if (!value || value === '-') return {};
  return value.includes('.') ? { Authorization: `Bearer ${value}` } : { 'X-API-Key': value };
}

/** Answers asked ahead by prefetch.js, by path; each is used once, by the first `api()` call. */
function takePrefetched(path) {
  const early = window.ledgerlensPrefetched;
  if (!early || !early.has(path)) return undefined;
  const found = early.get(path);
  early.delete(path);
  return found.credential === credential() ? found.answer : undefined;
}

/** Whether prefetch.js has asked for `path` and its answer is still waiting to be taken. */
export function isPrefetched(path) {
  const early = window.ledgerlensPrefetched;
  return Boolean(early && early.has(path));
}

/** An error answer of the API, in its one JSON shape. */
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

async function errorOf(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: a proxy's page */ }
  const e = body && body.error ? body.error : {};
  return new ApiError(response.status, e.code || `http_${response.status}`,
    e.message || `${response.status} ${response.statusText}`, e);
}

/**
 * Calls the API. Returns the parsed JSON (or null for 204); `raw: true` returns the Response.
 * Throws ApiError for any non-2xx answer.
 */
export async function api(path, { method = 'GET', body, headers = {}, raw = false, signal, key } = {}) {
  const init = { method, headers: { ...authHeaders(key), ...headers }, signal };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const early = method === 'GET' && !key && !raw ? takePrefetched(path) : undefined;
  const response = early ? await early : await fetch(path, init);
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !key) signOut();
    throw error;
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** True when the server has no such route (an endpoint this build does not have yet). */
export function isMissingEndpoint(error) {
  return error instanceof ApiError && error.status === 404 && /route/.test(error.message);
}

/**
 * Reads a text/event-stream body and calls `onEvent({event, id, data})` for each event, data
 * parsed as JSON. EventSource cannot send the key header, so the stream is read from fetch.
 */
export async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, '\n');
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = { event: 'message', id: null, data: '' };
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // keep-alive comment
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const content = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'event') event.event = content;
        else if (name === 'id') event.id = content;
        else if (name === 'data') data.push(content);
      }
      if (data.length === 0) continue;
      try { event.data = JSON.parse(data.join('\n')); } catch { event.data = data.join('\n'); }
      onEvent(event);
    }
  }
}

/** Follows every page of a cursor-paginated listing; `onPage(items)` after each. */
export async function allPages(path, { limit = 500, onPage, signal } = {}) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await api(url, { signal });
    items.push(...page.data);
    if (onPage) onPage(page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
