// Events: the filter bar (kept in the URL: #/events?type=scanner&since=24h), the table paged by
// the server's `next` cursor, the visible total from /events/count, and the detail panel of
// #/events/{id} with the label and, for the owning organisation's admins and analysts, the Share
// form (POST /events/{id}/share).
import { get, post, query, groups, orgs, orgName } from '../api.js';
import {
  $, html, raw, setHTML, fragment, fmtTime, listOf, tlpBadge, options, busy, showError, message, selectRow,
  TLPS, DISTRIBUTIONS,
} from '../util.js';
import { ids } from './common.js';

const FILTERS = ['since', 'type', 'source_ip', 'feed', 'org'];
const LIMITS = ['50', '100', '250', '500', '1000'];
const DEFAULT_LIMIT = '100';
// RSIT classification types (core/taxonomy.c), offered as completions of the type filter.
const TYPES = ['application-compromise', 'brute-force', 'burglary', 'c2-server', 'copyright', 'data-leak',
  'data-loss', 'ddos', 'ddos-amplifier', 'dos', 'exploit', 'harmful-speech', 'ids-alert', 'infected-system',
  'information-disclosure', 'malware', 'malware-configuration', 'malware-distribution', 'masquerade',
  'misconfiguration', 'outage', 'other', 'phishing', 'potentially-unwanted-accessible',
  'privileged-account-compromise', 'sabotage', 'scanner', 'sniffing', 'social-engineering', 'spam',
  'system-compromise', 'unauthorised-information-access', 'unauthorised-information-modification',
  'unauthorised-use-of-resources', 'undetermined', 'unprivileged-account-compromise', 'violence',
  'vulnerable-system', 'weak-crypto'];

export const eventId = (ev) => ev['rcx.id'] ?? ev.id ?? '';

function rowHtml(ev) {
  const id = eventId(ev);
  return html`<tr data-key="${id}" data-id="${id}">
<td class="num">${id}</td>
${ev['time.source'] ? html`<td class="time" title="${ev['time.source']}">${fmtTime(ev['time.source'])}</td>`
    : html`<td class="time alt" title="time.observation ${ev['time.observation'] ?? ''}">${fmtTime(ev['time.observation'])}</td>`}
<td class="ell" title="${ev['classification.type'] ?? ''}">${ev['classification.type'] ?? ''}</td>
<td class="mono">${ev['source.ip'] ?? ''}</td>
<td class="num">${ev['source.asn'] ?? ''}</td>
<td>${ev['source.geolocation.cc'] ?? ''}</td>
<td class="ell" title="${ev['feed.name'] ?? ''}">${ev['feed.name'] ?? ''}</td>
<td>${tlpBadge(ev.tlp)}</td>
<td>${ev['rcx.org'] ?? ''}</td>
<td>${ev['rcx.distribution'] ?? ''}</td>
</tr>`;
}

// Flat dotted keys, sorted; nested objects (should the server send any) flattened the same way.
function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? prefix + '.' + k : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

function valueText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Recipients as the owner sees them: {orgs:[…], users:[…]}, each an id, a name/e-mail or an
// object; organisation ids are shown by name (orgList), user ids stay numbers.
function recipientLists(r, orgList) {
  const orgRef = (x) => (typeof x === 'number' ? orgName(orgList, x) : x && typeof x === 'object' ? x.name ?? orgName(orgList, x.id) : x);
  const userRef = (x) => (x && typeof x === 'object' ? x.email ?? x.id : x);
  if (!r) return { orgs: [], users: [] };
  if (Array.isArray(r)) return { orgs: r.map(orgRef), users: [] };
  return {
    orgs: Array.isArray(r.orgs) ? r.orgs.map(orgRef) : [],
    users: Array.isArray(r.users) ? r.users.map(userRef) : [],
  };
}

export function mount(root, ctx) {
  setHTML(root, html`
<form class="filter" id="ev-filter" autocomplete="off">
  <label>since <input name="since" id="f-since" size="12" placeholder="24h, 7d, 2026-11-01"></label>
  <label>type <input name="type" id="f-type" size="16" list="ev-types" placeholder="scanner"></label>
  <label>source <input name="source_ip" id="f-source_ip" size="18" placeholder="IP or CIDR"></label>
  <label>feed <input name="feed" id="f-feed" size="14"></label>
  <label>org <input name="org" id="f-org" size="12" list="ev-orgs"></label>
  <label>limit <select name="limit" id="f-limit">${options(LIMITS, DEFAULT_LIMIT)}</select></label>
  <button type="submit" class="btn-primary">Filter</button>
  <button type="button" id="ev-clear" class="btn-link">clear</button>
  <span class="count" id="ev-count"></span>
  <datalist id="ev-types">${TYPES.map((t) => html`<option value="${t}">`)}</datalist>
  <datalist id="ev-orgs"></datalist>
</form>
<div class="split">
  <div class="listpane">
    <table class="grid events" id="ev-table">
      <thead><tr><th class="num" title="rcx.id">id</th><th title="time.source (else time.observation, in italics)">time.source</th>
      <th title="classification.type">type</th><th>source.ip</th><th class="num" title="source.asn">asn</th>
      <th title="source.geolocation.cc">cc</th><th title="feed.name">feed</th><th>tlp</th><th title="rcx.org">org</th>
      <th title="rcx.distribution">dist</th></tr></thead>
      <tbody id="ev-rows"></tbody>
    </table>
    <p class="empty" id="ev-empty" hidden>No events match.</p>
    <div class="more"><button type="button" id="ev-more" hidden>more</button> <span id="ev-shown" class="muted"></span></div>
  </div>
  <aside class="detail" id="ev-detail" hidden></aside>
</div>`);
  const el = ids(root); // elements by id, kept: async work may finish after the view is gone

  const form = el['ev-filter'];
  const tbody = el['ev-rows'];
  const moreBtn = el['ev-more'];
  const detail = el['ev-detail'];
  let filters = null;     // the filters of the list shown
  let search = '';        // the route's query string, kept when opening/closing the detail
  let next = null;        // cursor for "more"
  let shown = 0;
  let listSeq = 0;
  let openId = null;
  let detailSeq = 0;
  let orgList = [];

  orgs().then((list) => {
    setHTML(el['ev-orgs'], list.map((o) => html`<option value="${o.name}">`));
  }).catch(() => {});

  function filtersFrom(params) {
    const f = {};
    for (const k of FILTERS) {
      const v = (params.get(k) || '').trim();
      if (v) f[k] = v;
    }
    const limit = (params.get('limit') || '').trim();
    f.limit = /^\d+$/.test(limit) ? limit : DEFAULT_LIMIT;
    return f;
  }

  function fillForm(f) {
    for (const k of FILTERS) form.elements[k].value = f[k] || '';
    const sel = form.elements.limit;
    if (!LIMITS.includes(f.limit)) sel.insertAdjacentHTML('beforeend', html`<option value="${f.limit}">${f.limit}</option>`.toString());
    sel.value = f.limit;
  }

  function hashFor(f, id) {
    const q = new URLSearchParams();
    for (const k of FILTERS) if (f[k]) q.set(k, f[k]);
    if (f.limit && f.limit !== DEFAULT_LIMIT) q.set('limit', f.limit);
    const s = q.toString();
    return '#/events' + (id !== undefined && id !== null ? '/' + encodeURIComponent(id) : '') + (s ? '?' + s : '');
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = {};
    for (const k of FILTERS) {
      const v = form.elements[k].value.trim();
      if (v) f[k] = v;
    }
    f.limit = form.elements.limit.value;
    const target = hashFor(f);
    if (location.hash === target) load();
    else ctx.navigate(target);
  });
  el['ev-clear'].addEventListener('click', () => ctx.navigate('#/events'));

  function updateShown() {
    el['ev-shown'].textContent = shown ? `showing ${shown.toLocaleString('en')}` : '';
    el['ev-empty'].hidden = shown > 0 || tbody.dataset.loading === '1';
    moreBtn.hidden = !next;
  }

  async function load() {
    const seq = ++listSeq;
    const f = filters;
    tbody.dataset.loading = '1';
    delete tbody.dataset.query;
    tbody.textContent = '';
    next = null;
    shown = 0;
    const countEl = el['ev-count'];
    countEl.textContent = 'loading…';
    delete countEl.dataset.query;
    updateShown();
    const { limit, ...countFilters } = f;
    const listP = get('/events' + query(f));
    const countP = get('/events/count' + query(countFilters));
    try {
      const body = await listP;
      if (seq !== listSeq) return;
      const events = listOf(body, 'events');
      tbody.append(fragment(events.map(rowHtml)));
      shown = events.length;
      next = body && body.next != null && body.next !== '' ? body.next : null;
      markOpen();
    } catch (e) {
      if (seq === listSeq) showError(e);
    } finally {
      if (seq === listSeq) {
        delete tbody.dataset.loading;
        tbody.dataset.query = hashFor(f); // what the rows are the answer to (the browser tests wait on it)
        updateShown();
      }
    }
    try {
      const c = await countP;
      if (seq !== listSeq) return;
      const n = c && typeof c.count === 'number' ? c.count : null;
      countEl.textContent = n === null ? '' : `${n.toLocaleString('en')} event${n === 1 ? '' : 's'}`;
      countEl.dataset.query = hashFor(f);
    } catch (e) {
      if (seq === listSeq) { countEl.textContent = ''; showError(e); }
    }
  }

  moreBtn.addEventListener('click', () => busy(moreBtn, async () => {
    const seq = listSeq;
    const body = await get('/events' + query({ ...filters, after: next }));
    if (seq !== listSeq) return;
    const events = listOf(body, 'events');
    tbody.append(fragment(events.map(rowHtml)));
    shown += events.length;
    next = body && body.next != null && body.next !== '' ? body.next : null;
    updateShown();
  }));

  tbody.addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-id]');
    if (tr) open(tr);
  });

  function open(tr) {
    selectRow(tr);
    ctx.navigate(hashFor(filters, tr.dataset.id));
  }

  function markOpen() {
    if (openId === null) return;
    const tr = tbody.querySelector(`tr[data-id="${CSS.escape(String(openId))}"]`);
    if (tr) selectRow(tr);
  }

  // ---- detail ----------------------------------------------------------------------------------

  function closeDetail() {
    openId = null;
    detailSeq++;
    detail.hidden = true;
    detail.textContent = '';
    root.classList.remove('with-detail');
  }

  async function showDetail(id) {
    openId = id;
    const seq = ++detailSeq;
    detail.hidden = false;
    root.classList.add('with-detail');
    setHTML(detail, html`<header class="detail-head"><h2>Event ${id}</h2><button type="button" class="close" title="Close (Esc)">×</button></header><p class="muted">loading…</p>`);
    markOpen();
    let body;
    try {
      orgList = await orgs().catch(() => []);
      body = await get('/events/' + encodeURIComponent(id));
    } catch (e) {
      if (seq !== detailSeq) return;
      if (e.status === 404) {
        setHTML(detail, html`<header class="detail-head"><h2>Event ${id}</h2><button type="button" class="close" title="Close (Esc)">×</button></header>
          <p class="notfound" id="ev-notfound">Not found: there is no event ${id}, or it is not shared with you.</p>`);
      } else {
        setHTML(detail, html`<header class="detail-head"><h2>Event ${id}</h2><button type="button" class="close" title="Close (Esc)">×</button></header>
          <p class="error">${e.message}</p>`);
      }
      showError(e);
      return;
    }
    if (seq !== detailSeq) return;
    renderDetail(id, body || {});
  }

  function renderDetail(id, body) {
    const ev = body.event && typeof body.event === 'object' ? body.event : body;
    const label = body.label && typeof body.label === 'object' ? body.label : {};
    const tlp = label.tlp ?? ev.tlp;
    const dist = label.distribution ?? label['rcx.distribution'] ?? ev['rcx.distribution'];
    const group = label.sharing_group ?? label.group ?? label['rcx.sharing_group'] ?? ev['rcx.sharing_group'];
    const recipients = recipientLists(body.recipients ?? ev.recipients ?? label.recipients, orgList);
    const fields = flatten(Object.fromEntries(Object.entries(ev).filter(([k]) => k !== 'recipients' && k !== 'label')));
    const keys = Object.keys(fields).sort();
    const s = ctx.session;
    const canShare = Boolean(s) && ev['rcx.org'] !== undefined && ev['rcx.org'] === s.orgName &&
      (s.role === 'admin' || s.role === 'analyst');
    setHTML(detail, html`
<header class="detail-head"><h2>Event ${eventId(ev) || id}</h2> ${tlpBadge(tlp)}
  <button type="button" class="close" title="Close (Esc)">×</button></header>
<dl class="label" id="ev-label">
  <dt>tlp</dt><dd>${tlp ?? ''}</dd>
  <dt>distribution</dt><dd>${dist ?? ''}</dd>
  <dt>sharing group</dt><dd>${group ?? ''}</dd>
  <dt>owner</dt><dd>${ev['rcx.org'] ?? ''}</dd>
  ${recipients.orgs.length || recipients.users.length ? html`<dt>recipients</dt><dd>${[...recipients.orgs, ...recipients.users.map((u) => (typeof u === 'number' ? `user #${u}` : u))].join(', ')}</dd>` : ''}
</dl>
<table class="kv" id="ev-fields"><tbody>
${keys.map((k) => html`<tr><th>${k}</th><td class="${k === 'raw' ? 'wrap mono' : 'wrap'}">${valueText(fields[k])}</td></tr>`)}
</tbody></table>
${canShare ? shareForm(tlp, dist, group, recipients) : ''}`);
    if (canShare) wireShare(id, group, recipients);
  }

  function shareForm(tlp, dist, group, recipients) {
    return html`
<form class="share" id="share-form" autocomplete="off">
  <h3>Share</h3>
  <div class="row">
    <label>TLP <select name="tlp">${options(TLPS, String(tlp || 'amber').toLowerCase())}</select></label>
    <label>distribution <select name="distribution">${options(DISTRIBUTIONS, String(dist || 'org').toLowerCase())}</select></label>
    <label>group <select name="group" id="share-group"><option value="">—</option>${group ? html`<option value="${group}" selected>${group}</option>` : ''}</select></label>
  </div>
  <label>recipient organisations <select name="orgs" id="share-orgs" multiple size="4">${recipients.orgs.map((o) => html`<option value="${o}" selected>${o}</option>`)}</select></label>
  <label>recipient users <input name="users" id="share-users" value="${recipients.users.join(', ')}" placeholder="e-mail addresses, comma-separated"></label>
  <div class="row"><button type="submit" class="btn-primary" id="share-submit">Share</button>
  <span class="muted">TLP:AMBER and AMBER+STRICT go to the named organisations, TLP:RED to the named users.</span></div>
</form>`;
  }

  function wireShare(id, group, recipients) {
    const f = $('#share-form', detail);
    const groupSel = $('#share-group', f);
    const syncGroup = () => { groupSel.disabled = f.distribution.value !== 'group'; };
    f.distribution.addEventListener('change', syncGroup);
    syncGroup();
    groups().then((list) => {
      setHTML(groupSel, html`<option value="">—</option>${list.map((g) => html`<option value="${g.name}"${g.name === group ? raw(' selected') : ''}>${g.name}</option>`)}`);
    }).catch(showError);
    orgs().then((list) => {
      const own = ctx.session ? ctx.session.orgName : '';
      setHTML($('#share-orgs', f), list.filter((o) => o.name !== own).map((o) =>
        html`<option value="${o.name}"${recipients.orgs.includes(o.name) ? raw(' selected') : ''}>${o.name}</option>`));
    }).catch(showError);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = {
        tlp: f.tlp.value,
        distribution: f.distribution.value,
        orgs: Array.from($('#share-orgs', f).selectedOptions).map((o) => o.value),
        // e-mail addresses; a bare number is a user id (as the server lists recipients)
        users: f.users.value.split(/[\s,;]+/).filter(Boolean).map((u) => (/^\d+$/.test(u) ? Number(u) : u)),
      };
      if (body.distribution === 'group') {
        if (!groupSel.value) { message('Choose a sharing group for distribution "group".', 'error'); return; }
        body.group = groupSel.value;
      }
      busy($('#share-submit', f), async () => {
        await post('/events/' + encodeURIComponent(id) + '/share', body);
        message(`Event ${id} shared: TLP:${body.tlp.toUpperCase()}, distribution ${body.distribution}.`, 'ok');
        const fresh = await get('/events/' + encodeURIComponent(id));
        if (openId === id) renderDetail(id, fresh || {});
        const ev = fresh && fresh.event ? fresh.event : fresh;
        const tr = tbody.querySelector(`tr[data-id="${CSS.escape(String(id))}"]`);
        if (tr && ev) {
          tr.replaceWith(fragment(rowHtml(ev)));
          markOpen();
        }
      });
    });
  }

  detail.addEventListener('click', (e) => {
    if (e.target.classList.contains('close')) ctx.navigate(hashFor(filters));
  });

  return {
    update(route) {
      const f = filtersFrom(route.params);
      const key = JSON.stringify(f);
      search = route.search;
      if (!filters || key !== JSON.stringify(filters)) {
        filters = f;
        fillForm(f);
        load();
      }
      const id = route.parts[1] ?? null;
      if (id === null) { if (openId !== null) closeDetail(); } else if (id !== openId) showDetail(id);
    },
    focusFilter() { const since = form.elements.since; since.focus(); since.select(); },
    open,
    escape() {
      if (openId === null) return false;
      ctx.navigate(hashFor(filters));
      return true;
    },
    get search() { return search; },
  };
}
