// Small helpers shared by the views: HTML built from escaped strings, time formatting, tolerant
// readers of API bodies, and the message area.
//
// Every value that goes into innerHTML passes through html`...`, which escapes each interpolation
// unless it is itself the result of html`...` (or raw(), used only for markup built here).

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]);
}

class Html {
  constructor(s) { this.s = s; }
  toString() { return this.s; }
}

export function raw(s) { return new Html(s); }

function part(v) {
  if (v instanceof Html) return v.s;
  if (Array.isArray(v)) return v.map(part).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

// Tagged template: html`<td>${value}</td>` escapes value; arrays are joined.
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Html(out);
}

export function setHTML(el, h) { el.innerHTML = part(h); }

// A DocumentFragment of rows (or anything) from escaped markup, for appending without re-rendering.
export function fragment(h, context = 'tbody') {
  const t = document.createElement('template');
  if (context === 'tbody') {
    t.innerHTML = '<table><tbody>' + part(h) + '</tbody></table>';
    const f = document.createDocumentFragment();
    f.append(...t.content.querySelector('tbody').children);
    return f;
  }
  t.innerHTML = part(h);
  return t.content;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// Marks one row of the view's table.grid as selected (j/k, clicks).
export function selectRow(tr) {
  for (const r of $$('#main table.grid > tbody > tr.sel')) r.classList.remove('sel');
  if (tr) {
    tr.classList.add('sel');
    tr.scrollIntoView({ block: 'nearest' });
  }
}

// Times arrive as ISO-8601 strings, or as numbers (µs, ms or s since the epoch): shown as
// "YYYY-MM-DD HH:MM:SS" in UTC, with the full value in a title where the caller wants it.
export function fmtTime(v) {
  if (v === null || v === undefined || v === '' || v === 0) return '';
  let d;
  if (typeof v === 'number') {
    d = new Date(v > 1e14 ? v / 1000 : v > 1e11 ? v : v * 1000);
  } else {
    d = new Date(v);
    if (isNaN(d)) return String(v);
  }
  if (isNaN(d)) return String(v);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '');
}

// The array in an API body: the body itself, body[key] for the first key given that holds an
// array, else the first array-valued member.
export function listOf(body, ...keys) {
  if (Array.isArray(body)) return body;
  if (!body || typeof body !== 'object') return [];
  for (const k of keys) if (Array.isArray(body[k])) return body[k];
  for (const v of Object.values(body)) if (Array.isArray(v)) return v;
  return [];
}

// A value shown in a table cell: objects as their name/email/id, arrays joined.
export function show(v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object') return v.name ?? v.email ?? v.id ?? JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export function tlpBadge(tlp) {
  if (!tlp) return html`<span class="tlp tlp-none">—</span>`;
  const t = String(tlp).toLowerCase().replace(/^tlp:/, '');
  const cls = { clear: 'clear', white: 'clear', green: 'green', amber: 'amber', 'amber+strict': 'amber-strict', red: 'red' }[t] || 'none';
  return html`<span class="tlp tlp-${cls}">TLP:${t.toUpperCase()}</span>`;
}

export const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const DISTRIBUTIONS = ['org', 'group', 'node', 'federation'];
export const ROLES = ['admin', 'analyst', 'reporter', 'readonly'];
export const ORG_KINDS = ['national-cert', 'sectoral-cert', 'law-enforcement', 'oes', 'regional-hub', 'other'];
export const NIS2_SECTORS = ['energy', 'transport', 'banking', 'financial', 'health', 'drinking-water', 'waste-water',
  'digital-infrastructure', 'ict-services', 'public-administration', 'space', 'courier', 'waste-management',
  'chemical', 'food', 'manufacturing', 'digital-providers', 'research'];

export function options(values, selected, labels = {}) {
  return values.map((v) => html`<option value="${v}"${v === selected ? raw(' selected') : ''}>${labels[v] ?? v}</option>`);
}

// ---- message area ------------------------------------------------------------------------------

let msgTimer = null;

export function message(text, kind = 'info') {
  const el = document.getElementById('msg');
  if (!el) return;
  clearTimeout(msgTimer);
  el.className = 'msg msg-' + kind;
  setHTML(el, html`<span class="msg-text">${text}</span><button type="button" class="msg-close" title="Dismiss">×</button>`);
  el.hidden = false;
  if (kind === 'ok') msgTimer = setTimeout(clearMessage, 6000);
}

export function showError(e) {
  if (e && e.status === 401) { message('Your session has ended: log in again.', 'info'); return; }
  if (e && e.code && e.message) message(`${e.message} (${e.code})`, 'error');
  else message(String(e && e.message ? e.message : e), 'error');
}

export function clearMessage() {
  const el = document.getElementById('msg');
  if (el) { el.hidden = true; el.textContent = ''; }
}

// Reads a form into an object of trimmed strings (multi-selects as arrays).
export function formData(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.multiple) out[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
    else out[el.name] = el.value.trim();
  }
  return out;
}

// Runs an async action with the button disabled, showing any error in the message area.
export async function busy(button, fn) {
  if (button) button.disabled = true;
  try {
    return await fn();
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
