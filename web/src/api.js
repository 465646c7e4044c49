// The JSON API client of the pages. Every failure becomes an ApiError whose kind says what the
// user can do about it (see errorView in shell.js):
//   missing    the server has no such route: this Accord server does not offer the feature yet
//   auth       401: not signed in (or the session expired)
//   forbidden  403: signed in, but the role may not do or see this
//   offline    the request did not reach the server (network, server down, timeout)
//   rejected   400/409/422: the server refused the input; message says why
//   notfound   404 on an existing route: the record does not exist (any more)
//   unavailable 503: the server lacks or is still loading what this needs; message says why
//   server     5xx: a server fault
import { config } from './config.js';

export class ApiError extends Error {
  // fields: the server's list of field problems ([{field, problem, fix}]) of a 400 "invalid".
  constructor(kind, status, code, message, path, fields = []) {
    super(message || kind);
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.path = path;
    this.fields = fields;
  }
}

// The browser session's CSRF token, answered by POST /api/v1/login and sent as X-CSRF-Token on
// every request that changes something. It is kept in sessionStorage (this tab only), so a
// reload keeps the session usable; the session cookie itself is HttpOnly.
const csrfKey = 'accord.csrf';
export function setCSRF(token) {
  try {
    if (token) sessionStorage.setItem(csrfKey, token); else sessionStorage.removeItem(csrfKey);
  } catch { /* storage disabled: the token lives until reload */ }
  csrfMemory = token || '';
}
let csrfMemory = '';
function csrfToken() {
  try { return sessionStorage.getItem(csrfKey) || csrfMemory; } catch { return csrfMemory; }
}

// api requests path below the API base (e.g. '/alerts') and returns the decoded JSON body
// (undefined for 204). opts: method, body (sent as JSON), query (object), timeoutMs, text (answer
// the body as text, for text/plain routes).
export async function api(path, opts = {}) {
  const url = new URL(config.api + path, location.href);
  for (const [k, v] of Object.entries(opts.query || {})) if (v !== undefined && v !== '') url.searchParams.set(k, v);
  const method = opts.method || 'GET';
  const headers = { Accept: opts.text ? 'text/plain, application/json' : 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const tok = csrfToken();
    if (tok) headers['X-CSRF-Token'] = tok;
  }
  let res;
  try {
    res = await fetch(url, {
      method, headers, cache: 'no-store', credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs || 15000),
    });
  } catch (err) {
    throw new ApiError('offline', 0, '', err.message, path);
  }
  if (res.status === 204) return undefined;
  let body;
  const text = await res.text();
  try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
  if (res.ok && opts.text) return text;
  if (res.ok) {
    if (body === undefined && text) throw new ApiError('server', res.status, 'bad_json', 'response is not JSON', path); // i18n-ignore: not shown
    return body;
  }
  const code = body?.error?.code || '';
  const message = body?.error?.message || `HTTP ${res.status}`;
  let kind = 'server';
  if (res.status === 401) kind = 'auth';
  else if (res.status === 403) kind = 'forbidden';
  else if (res.status === 404) kind = /^no API route/.test(message) || !body ? 'missing' : 'notfound';
  else if (res.status === 405 && code === 'method_not_allowed') kind = 'missing';
  else if (res.status === 400 || res.status === 409 || res.status === 422) kind = 'rejected';
  else if (res.status === 429) kind = 'rejected';
  else if (res.status === 503) kind = 'unavailable';
  const fields = Array.isArray(body?.error?.fields) ? body.error.fields.filter((f) => f && typeof f.field === 'string') : [];
  throw new ApiError(kind, res.status, code, message, path, fields);
}
