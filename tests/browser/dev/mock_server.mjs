// DEVELOPMENT TOOL ONLY — not run by the test suite (run.sh always tests the real rcx binary).
// A small in-memory imitation of docs/API.md for working on web/ while the REST handlers are not
// there yet. Serves web/ with the same CSP as rcx, and holds the fixture run.sh creates.
//
//   node tests/browser/dev/mock_server.mjs [PORT]     (0 = any free port; prints the URL like rcx)
//   RCX_URL=http://127.0.0.1:PORT/ node --test tests/browser/ui.test.mjs
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web');
const CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
const PASSWORD = 'correct-horse-battery';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const db = {
  orgs: [
    { id: 1, name: 'CERT-A', country: 'HR', kind: 'national-cert', sector: null, parent: 0, contacts: [], created: now() },
    { id: 2, name: 'CERT-B', country: 'RS', kind: 'national-cert', sector: null, parent: 0, contacts: [], created: now() },
  ],
  users: [
    { id: 1, email: 'admin@a.example', name: 'Admin A', org: 1, role: 'admin', disabled: false, created: now() },
    { id: 2, email: 'analyst@a.example', name: '', org: 1, role: 'analyst', disabled: false, created: now() },
    { id: 3, email: 'analyst@b.example', name: '', org: 2, role: 'analyst', disabled: false, created: now() },
  ],
  groups: [],
  keys: [],
  audit: [],
  events: [],
  sessions: new Map(),
};
let nextId = { org: 3, user: 4, group: 1, key: 1, event: 1 };

function addEvent(ip, feed, tlp, dist) {
  const id = nextId.event++;
  db.events.push({
    'rcx.id': id, 'classification.type': 'blacklist', 'classification.taxonomy': 'other', 'source.ip': ip,
    'feed.name': feed, 'time.source': `2026-11-0${id}T10:00:00+00:00`, 'time.observation': now(), tlp,
    'rcx.distribution': dist, 'rcx.org': 'CERT-A', 'raw': Buffer.from(ip).toString('base64'),
    _recipients: { orgs: [], users: [] },
  });
}
['192.0.2.1', '192.0.2.2', '192.0.2.3'].forEach((ip) => addEvent(ip, 'test-amber', 'amber', 'node'));
['198.51.100.7', '198.51.100.8'].forEach((ip) => addEvent(ip, 'test-green', 'green', 'node'));

function audit(actor, action, object) {
  db.audit.push({ seq: db.audit.length + 1, time: now(), actor, action, object, detail: {} });
}

const orgById = (id) => db.orgs.find((o) => o.id === id);
const orgByName = (n) => db.orgs.find((o) => o.name === n);

function visible(v, ev) {
  const owner = orgByName(ev['rcx.org']);
  if (owner && owner.id === v.org) return true;
  const r = ev._recipients;
  switch (ev.tlp) {
    case 'clear': return true;
    case 'green':
      if (ev['rcx.distribution'] === 'org') return false;
      if (ev['rcx.distribution'] === 'group') {
        const g = db.groups.find((x) => x.name === ev['rcx.sharing_group']);
        return Boolean(g && g.members.includes(v.org));
      }
      return true;
    case 'amber': return r.orgs.includes(orgById(v.org).name) || orgById(v.org).parent === (owner && owner.id);
    case 'amber+strict': return r.orgs.includes(orgById(v.org).name);
    case 'red': return r.users.includes(v.email);
    default: return false;
  }
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP, ...headers });
  res.end(text);
}
const err = (res, status, code, message) => send(res, status, { error: { code, message } });

function viewer(req) {
  const bearer = /^Bearer rcx_([0-9a-f]+)_/.exec(req.headers.authorization || '');
  if (bearer) {
    const k = db.keys.find((x) => x.prefix === bearer[1] && !x.revoked);
    const u = k && db.users.find((x) => x.id === k.user);
    return u ? { user: u.id, org: u.org, email: u.email, role: u.role, csrf: null, bearer: true, nodeAdmin: u.org === 1 && u.role === 'admin' } : null;
  }
  const m = /(?:^|;\s*)rcx_session=([^;]+)/.exec(req.headers.cookie || '');
  return m ? db.sessions.get(m[1]) : null;
}
const sessionToken = (req) => (/(?:^|;\s*)rcx_session=([^;]+)/.exec(req.headers.cookie || '') || [])[1];

function userJson(u) {
  const { ...rest } = u;
  return rest;
}

function eventOut(v, ev, withRecipients) {
  const out = {};
  for (const [k, val] of Object.entries(ev)) if (!k.startsWith('_')) out[k] = val;
  if (withRecipients) out.recipients = ev._recipients;
  return out;
}

function filterEvents(v, q) {
  let list = db.events.filter((ev) => visible(v, ev));
  if (q.get('type')) list = list.filter((e) => e['classification.type'] === q.get('type'));
  if (q.get('feed')) list = list.filter((e) => e['feed.name'] === q.get('feed'));
  if (q.get('org')) list = list.filter((e) => e['rcx.org'] === q.get('org'));
  if (q.get('source_ip')) list = list.filter((e) => e['source.ip'].startsWith(q.get('source_ip').replace(/\/\d+$/, '').replace(/\.0$/, '')));
  return list;
}

async function readBody(req) {
  let s = '';
  for await (const c of req) s += c;
  if (!s) return {};
  return JSON.parse(s);
}

async function api(req, res, p, q) {
  const m = req.method;
  if (m === 'POST' && p === '/session') {
    const b = await readBody(req);
    const u = db.users.find((x) => x.email === String(b.email || '').toLowerCase());
    if (!u || b.password !== PASSWORD || u.disabled) return err(res, 401, 'unauthenticated', 'Wrong e-mail or password.');
    const token = crypto.randomBytes(16).toString('hex');
    const csrf = crypto.randomBytes(16).toString('hex');
    db.sessions.set(token, { user: u.id, org: u.org, email: u.email, role: u.role, csrf, nodeAdmin: u.org === 1 && u.role === 'admin' });
    audit(`user:${u.id} ${u.email}`, 'login', `user:${u.id}`);
    return send(res, 200, { user: userJson(u), csrf }, { 'Set-Cookie': `rcx_session=${token}; Path=/; HttpOnly; SameSite=Strict` });
  }
  const v = viewer(req);
  if (!v) return err(res, 401, 'unauthenticated', 'Log in first.');
  if (m !== 'GET' && !v.bearer && req.headers['x-csrf-token'] !== v.csrf) return err(res, 403, 'denied', 'Missing or wrong CSRF token.');
  const admin = v.role === 'admin';
  const writer = admin || v.role === 'analyst';
  let mm;
  if (m === 'DELETE' && p === '/session') { db.sessions.delete(sessionToken(req)); return send(res, 200, {}); }
  if (m === 'GET' && p === '/me') {
    const u = db.users.find((x) => x.id === v.user);
    return send(res, 200, { user: userJson(u), org: orgById(u.org), node_admin: v.nodeAdmin, csrf: v.csrf });
  }
  if (m === 'GET' && p === '/events') {
    const list = filterEvents(v, q);
    const after = Number(q.get('after') || 0);
    const limit = Number(q.get('limit') || 100);
    const page = list.filter((e) => e['rcx.id'] > after).slice(0, limit);
    const more = list.filter((e) => e['rcx.id'] > after).length > limit;
    return send(res, 200, { events: page.map((e) => eventOut(v, e)), next: more ? String(page[page.length - 1]['rcx.id']) : null });
  }
  if (m === 'GET' && p === '/events/count') return send(res, 200, { count: filterEvents(v, q).length });
  if ((mm = /^\/events\/(\d+)$/.exec(p)) && m === 'GET') {
    const ev = db.events.find((e) => e['rcx.id'] === Number(mm[1]));
    if (!ev || !visible(v, ev)) return err(res, 404, 'not_found', 'No such event.');
    return send(res, 200, eventOut(v, ev, orgByName(ev['rcx.org']).id === v.org));
  }
  if ((mm = /^\/events\/(\d+)\/share$/.exec(p)) && m === 'POST') {
    const ev = db.events.find((e) => e['rcx.id'] === Number(mm[1]));
    if (!ev || !visible(v, ev)) return err(res, 404, 'not_found', 'No such event.');
    if (orgByName(ev['rcx.org']).id !== v.org || !writer) return err(res, 403, 'denied', 'Only the owner may share.');
    const b = await readBody(req);
    ev.tlp = b.tlp; ev['rcx.distribution'] = b.distribution;
    if (b.group) ev['rcx.sharing_group'] = b.group; else delete ev['rcx.sharing_group'];
    ev._recipients = { orgs: b.orgs || [], users: b.users || [] };
    audit(`user:${v.user} ${v.email}`, 'event.share', `event:${ev['rcx.id']}`);
    return send(res, 200, { tlp: ev.tlp, distribution: ev['rcx.distribution'], group: b.group || null, orgs: b.orgs, users: b.users });
  }
  if (m === 'GET' && p === '/orgs') return send(res, 200, { orgs: db.orgs });
  if (m === 'POST' && p === '/orgs') {
    if (!v.nodeAdmin) return err(res, 403, 'denied', 'Only node admins add organisations.');
    const b = await readBody(req);
    if (!b.name || !b.country || !b.kind) return err(res, 400, 'invalid_argument', 'an organisation needs a name, a country and a kind');
    if (orgByName(b.name)) return err(res, 409, 'exists', `an organisation named '${b.name}' exists`);
    const o = { id: nextId.org++, name: b.name, country: b.country, kind: b.kind, sector: b.sector || null, parent: b.parent ? orgByName(b.parent).id : 0, contacts: b.contacts || [], created: now() };
    db.orgs.push(o);
    audit(`user:${v.user} ${v.email}`, 'org.add', `org:${o.id}`);
    return send(res, 201, o);
  }
  if ((mm = /^\/orgs\/(\d+)$/.exec(p))) {
    const o = orgById(Number(mm[1]));
    if (!o) return err(res, 404, 'not_found', 'No such organisation.');
    if (m === 'GET') return send(res, 200, o);
    if (m === 'PATCH') {
      if (!v.nodeAdmin && !(admin && v.org === o.id)) return err(res, 403, 'denied', 'Not allowed.');
      const b = await readBody(req);
      for (const k of ['country', 'kind', 'sector', 'contacts']) if (b[k] !== undefined) o[k] = b[k];
      if (b.parent !== undefined) o.parent = b.parent ? orgByName(b.parent).id : 0;
      return send(res, 200, o);
    }
  }
  if (m === 'GET' && p === '/users') {
    if (!admin) return err(res, 403, 'denied', 'Admins only.');
    let list = v.nodeAdmin ? db.users : db.users.filter((u) => u.org === v.org);
    if (q.get('org')) list = list.filter((u) => String(u.org) === q.get('org'));
    return send(res, 200, { users: list.map(userJson) });
  }
  if (m === 'POST' && p === '/users') {
    if (!admin) return err(res, 403, 'denied', 'Admins only.');
    const b = await readBody(req);
    const o = orgByName(b.org) || orgById(Number(b.org));
    if (!o) return err(res, 400, 'invalid_argument', 'no such organisation');
    if (!v.nodeAdmin && o.id !== v.org) return err(res, 403, 'denied', 'Own organisation only.');
    if (!b.password || b.password.length < 10) return err(res, 400, 'invalid_argument', 'a password needs at least 10 characters');
    if (db.users.find((u) => u.email === b.email.toLowerCase())) return err(res, 409, 'exists', 'a user with this e-mail exists');
    const u = { id: nextId.user++, email: b.email.toLowerCase(), name: b.name || '', org: o.id, role: b.role, disabled: false, created: now() };
    db.users.push(u);
    return send(res, 201, userJson(u));
  }
  if ((mm = /^\/users\/(\d+)$/.exec(p)) && m === 'PATCH') {
    if (!admin) return err(res, 403, 'denied', 'Admins only.');
    const u = db.users.find((x) => x.id === Number(mm[1]));
    if (!u) return err(res, 404, 'not_found', 'No such user.');
    const b = await readBody(req);
    for (const k of ['role', 'name', 'disabled']) if (b[k] !== undefined) u[k] = b[k];
    return send(res, 200, userJson(u));
  }
  if (m === 'GET' && p === '/groups') {
    return send(res, 200, { groups: db.groups.filter((g) => v.nodeAdmin || g.members.includes(v.org) || g.owner === v.org) });
  }
  if (m === 'POST' && p === '/groups') {
    if (!writer) return err(res, 403, 'denied', 'Not allowed.');
    const b = await readBody(req);
    if (!b.name) return err(res, 400, 'invalid_argument', 'a group needs a name');
    if (db.groups.find((g) => g.name === b.name)) return err(res, 409, 'exists', 'a group with this name exists');
    const g = { id: nextId.group++, name: b.name, description: b.description || '', owner: v.org, members: [...new Set([v.org, ...(b.members || [])])], created: now() };
    db.groups.push(g);
    return send(res, 201, g);
  }
  if ((mm = /^\/groups\/(\d+)\/members$/.exec(p)) && m === 'POST') {
    const g = db.groups.find((x) => x.id === Number(mm[1]));
    if (!g) return err(res, 404, 'not_found', 'No such group.');
    if (g.owner !== v.org || !writer) return err(res, 403, 'denied', 'Owner only.');
    const b = await readBody(req);
    g.members = b.member ? [...new Set([...g.members, b.org])] : g.members.filter((x) => x !== b.org);
    return send(res, 200, g);
  }
  if (m === 'GET' && p === '/apikeys') {
    return send(res, 200, { keys: db.keys.filter((k) => k.user === v.user).map(({ user, ...k }) => k) });
  }
  if (m === 'POST' && p === '/apikeys') {
    const b = await readBody(req);
    const prefix = crypto.randomBytes(6).toString('hex');
    const k = { id: nextId.key++, user: v.user, prefix, label: b.label || '', created: now(), expires: b.expires_days ? new Date(Date.now() + b.expires_days * 864e5).toISOString() : null, revoked: false };
    db.keys.push(k);
    return send(res, 201, { id: k.id, prefix, key: `rcx_${prefix}_${crypto.randomBytes(32).toString('hex')}` });
  }
  if ((mm = /^\/apikeys\/(\d+)$/.exec(p)) && m === 'DELETE') {
    const k = db.keys.find((x) => x.id === Number(mm[1]) && x.user === v.user);
    if (!k) return err(res, 404, 'not_found', 'No such key.');
    k.revoked = true;
    return send(res, 200, {});
  }
  if (m === 'GET' && p === '/audit') {
    if (!v.nodeAdmin) return err(res, 403, 'denied', 'Node admins only.');
    const after = Number(q.get('after') || 0);
    const limit = Number(q.get('limit') || 100);
    const page = db.audit.filter((a) => a.seq > after).slice(0, limit);
    return send(res, 200, { entries: page, next: db.audit.length > after + limit ? String(after + limit) : null });
  }
  if (m === 'GET' && p === '/audit/verify') {
    if (!v.nodeAdmin) return err(res, 403, 'denied', 'Node admins only.');
    return send(res, 200, { ok: true, entries: db.audit.length, head: crypto.randomBytes(32).toString('hex'), problem: null });
  }
  return err(res, 404, 'not_found', 'No such route.');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    if (url.pathname.startsWith('/api/v1/')) return await api(req, res, url.pathname.slice(7), url.searchParams);
    const rel = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = path.join(WEB, path.normalize(rel));
    if (!file.startsWith(WEB) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return err(res, 404, 'not_found', 'No such file.');
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' });
    res.end(fs.readFileSync(file));
  } catch (e) {
    err(res, 500, 'internal', String(e));
  }
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`rcx: listening on http://127.0.0.1:${server.address().port}/`);
});
