// The REST client (docs/API.md): JSON in and out under /api/v1, the session cookie sent by the
// browser, the CSRF token kept in memory only and sent on every unsafe request. Errors become
// ApiError with the server's {"error":{"code","message"}}; a 401 on anything but the login itself
// calls the handler app.js installs (back to the login view).
import { listOf } from './util.js';

const BASE = '/api/v1';
let csrf = null;
let onUnauthenticated = null;

export function setCsrf(token) { csrf = token || null; }
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Query string from an object, skipping empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (e) {
    throw new ApiError(0, 'network', 'The server cannot be reached: ' + e.message);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const e = new ApiError(res.status, err.code || 'http_' + res.status,
      err.message || `${res.status} ${res.statusText || 'error'}`);
    if (res.status === 401 && path !== '/session' && onUnauthenticated) onUnauthenticated(e);
    throw e;
  }
  if (text && data === null) throw new ApiError(res.status, 'parse_error', 'The server sent a body that is not JSON.');
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body ?? {});
export const del = (path) => api('DELETE', path);

// ---- cached reference lists (organisations, groups), refreshed after a change ------------------

let orgsPromise = null;
let groupsPromise = null;

export function orgs(refresh = false) {
  if (refresh || !orgsPromise) {
    orgsPromise = get('/orgs').then((b) => listOf(b, 'orgs', 'items'));
    orgsPromise.catch(() => { orgsPromise = null; });
  }
  return orgsPromise;
}

export function groups(refresh = false) {
  if (refresh || !groupsPromise) {
    groupsPromise = get('/groups').then((b) => listOf(b, 'groups', 'items'));
    groupsPromise.catch(() => { groupsPromise = null; });
  }
  return groupsPromise;
}

export function forgetCaches() {
  orgsPromise = null;
  groupsPromise = null;
}

// Name of an organisation given as an id, a name or an object {id, name}.
export function orgName(list, ref) {
  if (ref === null || ref === undefined || ref === '' || ref === 0) return '';
  if (typeof ref === 'object') return ref.name ?? orgName(list, ref.id);
  const o = list.find((x) => x.id === ref || String(x.id) === String(ref));
  return o ? o.name : String(ref);
}

// Id of an organisation given as an id, a name or an object.
export function orgId(list, ref) {
  if (ref === null || ref === undefined || ref === '') return null;
  if (typeof ref === 'object') return ref.id ?? orgId(list, ref.name);
  const o = list.find((x) => x.id === ref || String(x.id) === String(ref) || x.name === ref);
  return o ? o.id : null;
}
