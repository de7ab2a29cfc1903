// The rcx web UI: hash routing (#/view/sub?filters), the session, the top bar and the keyboard.
// Each view is a module under views/ exporting mount(root, ctx) → { update(route), ... }; a route
// change to the same view calls update() so that the view keeps what it has (the event list stays
// when the detail opens). Optional view hooks: focusFilter(), open(row), escape() → handled?,
// unmount().
import { get, del, setCsrf, setUnauthenticatedHandler, forgetCaches } from './api.js';
import { $, $$, clearMessage, showError, selectRow } from './util.js';

const VIEWS = {
  login: () => import('./views/login.js'),
  events: () => import('./views/events.js'),
  orgs: () => import('./views/orgs.js'),
  users: () => import('./views/users.js'),
  groups: () => import('./views/groups.js'),
  keys: () => import('./views/keys.js'),
  audit: () => import('./views/audit.js'),
};

// The signed-in user, from GET /me: { user, org, orgName, role, nodeAdmin, node }.
let session = null;
let current = null; // { name, view }
let renderSeq = 0;

export function parseRoute(hash = location.hash) {
  const h = hash.replace(/^#/, '');
  const qi = h.indexOf('?');
  const path = qi < 0 ? h : h.slice(0, qi);
  const search = qi < 0 ? '' : h.slice(qi + 1);
  const parts = path.split('/').filter(Boolean).map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  return { name: parts[0] || 'events', parts, params: new URLSearchParams(search), search };
}

function navigate(hash, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', hash);
    render();
  } else if (location.hash === hash) {
    render();
  } else {
    location.hash = hash;
  }
}

function sessionFromMe(me) {
  const user = me.user || {};
  const org = me.org || (typeof user.org === 'object' ? user.org : null) || {};
  return {
    me,
    user,
    org,
    orgName: org.name ?? (typeof user.org === 'string' ? user.org : ''),
    orgId: org.id ?? (typeof user.org === 'number' ? user.org : null),
    role: user.role || '',
    nodeAdmin: Boolean(me.node_admin),
    node: me.node?.name ?? me.node_name ?? me.node ?? location.host,
  };
}

// Loads /me after a login or at start; false when there is no session.
async function loadSession() {
  try {
    const me = await get('/me');
    if (me && me.csrf) setCsrf(me.csrf);
    session = sessionFromMe(me || {});
    return true;
  } catch (e) {
    session = null;
    if (e.status !== 401) showError(e);
    return false;
  }
}

function drawTopbar() {
  const signedIn = Boolean(session);
  $('#nav').hidden = !signedIn;
  $('#who').hidden = !signedIn;
  $('#node-name').textContent = signedIn && session.node ? session.node : '';
  if (!signedIn) return;
  $('#who-email').textContent = session.user.email || '';
  $('#who-org').textContent = session.orgName;
  const role = $('#who-role');
  role.textContent = session.role + (session.nodeAdmin ? ' · node admin' : '');
  role.className = 'role role-' + session.role;
  for (const a of $$('#nav a')) {
    const need = a.dataset.need;
    a.hidden = (need === 'admin' && session.role !== 'admin') || (need === 'node_admin' && !session.nodeAdmin);
  }
}

function markNav(name) {
  for (const a of $$('#nav a')) a.classList.toggle('active', a.dataset.view === name);
}

async function render() {
  const seq = ++renderSeq;
  const route = parseRoute();
  if (!session && route.name !== 'login') {
    const next = location.hash && !location.hash.startsWith('#/login') ? location.hash : '';
    history.replaceState(null, '', '#/login' + (next ? '?next=' + encodeURIComponent(next) : ''));
    return render();
  }
  if (session && route.name === 'login') {
    history.replaceState(null, '', '#/events');
    return render();
  }
  drawTopbar();
  markNav(route.name);
  const loader = VIEWS[route.name];
  if (current && current.name === route.name && current.view.update) {
    current.view.update(route);
    return;
  }
  if (current && current.view.unmount) current.view.unmount();
  current = null;
  const main = $('#main');
  main.className = 'main view-' + route.name;
  main.textContent = '';
  clearMessage();
  if (!loader) {
    main.innerHTML = '<p class="empty">No such page. <a href="#/events">Events</a></p>';
    return;
  }
  let mod;
  try {
    mod = await loader();
  } catch (e) {
    showError(e);
    return;
  }
  if (seq !== renderSeq) return;
  const view = mod.mount(main, ctx);
  current = { name: route.name, view };
  document.title = 'rcx · ' + route.name;
  if (view.update) view.update(route);
}

const ctx = {
  get session() { return session; },
  navigate,
  parseRoute,
  async loggedIn(next) {
    forgetCaches();
    if (!(await loadSession())) return;
    navigate(next && next.startsWith('#/') && !next.startsWith('#/login') ? next : '#/events');
  },
};

async function logout() {
  try { await del('/session'); } catch (e) { if (e.status !== 401) showError(e); }
  session = null;
  setCsrf(null);
  forgetCaches();
  navigate('#/login');
}

setUnauthenticatedHandler(() => {
  if (!session) return;
  session = null;
  setCsrf(null);
  forgetCaches();
  render();
});

// ---- keyboard ------------------------------------------------------------------------------------

let gPending = 0;
const G_TARGETS = { e: '#/events', o: '#/orgs', u: '#/users', g: '#/groups', k: '#/keys', a: '#/audit' };

function rows() {
  return $$('#main table.grid > tbody > tr[data-key]').filter((r) => !r.hidden);
}

function moveSelection(delta) {
  const list = rows();
  if (!list.length) return;
  const i = list.findIndex((r) => r.classList.contains('sel'));
  const next = i < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, i + delta));
  selectRow(list[next]);
}

function toggleHelp(show) {
  const help = $('#help');
  help.hidden = show === undefined ? !help.hidden : !show;
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (e.key === 'Escape') {
    if (!$('#help').hidden) { toggleHelp(false); e.preventDefault(); return; }
    if (typing) { t.blur(); e.preventDefault(); return; }
    if (current && current.view.escape && current.view.escape()) { e.preventDefault(); return; }
    return;
  }
  if (typing || !session) return;
  if (gPending && Date.now() - gPending < 1500) {
    gPending = 0;
    const target = G_TARGETS[e.key];
    if (target) { e.preventDefault(); navigate(target); }
    return;
  }
  gPending = 0;
  switch (e.key) {
    case 'g': gPending = Date.now(); e.preventDefault(); break;
    case '/':
      e.preventDefault();
      if (current && current.view.focusFilter) current.view.focusFilter();
      else { const f = $('#main .filter input'); if (f) f.focus(); }
      break;
    case 'j': e.preventDefault(); moveSelection(1); break;
    case 'k': e.preventDefault(); moveSelection(-1); break;
    case 'Enter': {
      if (t && /^(BUTTON|A)$/.test(t.tagName)) return;
      const sel = $('#main table.grid > tbody > tr.sel');
      if (sel && current && current.view.open) { e.preventDefault(); current.view.open(sel); }
      break;
    }
    case '?': e.preventDefault(); toggleHelp(); break;
    default: break;
  }
}

// ---- start ----------------------------------------------------------------------------------------

function start() {
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', () => render());
  $('#logout').addEventListener('click', logout);
  $('#help-btn').addEventListener('click', () => toggleHelp());
  $('#help').addEventListener('click', (e) => { if (e.target.id === 'help') toggleHelp(false); });
  $('#msg').addEventListener('click', (e) => { if (e.target.classList.contains('msg-close')) clearMessage(); });
  loadSession().then(render);
}

start();
