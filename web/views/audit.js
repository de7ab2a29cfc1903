// Audit log (node admins): GET /audit paged by the `next` cursor; "Verify chain" calls
// GET /audit/verify → {ok, entries, head, problem}.
import { get, query } from '../api.js';
import { $, html, setHTML, fragment, fmtTime, listOf, busy, selectRow } from '../util.js';
import { ids, quickFilter } from './common.js';

const PAGE = 200;

function detailText(d) {
  if (d === null || d === undefined || d === '') return '';
  return typeof d === 'string' ? d : JSON.stringify(d);
}

export function mount(root, ctx) {
  if (!ctx.session.nodeAdmin) {
    setHTML(root, html`<p class="empty">Only node administrators read the audit log.</p>`);
    return { update() {} };
  }
  setHTML(root, html`
<div class="filter toolbar">
  <label>filter <input id="audit-q" class="quick" size="20" placeholder="actor, action, object…"></label>
  <button type="button" id="audit-verify" class="btn-primary">Verify chain</button>
  <span id="audit-result" class="verify" hidden></span>
</div>
<table class="grid" id="audit-table">
  <thead><tr><th class="num">seq</th><th>time</th><th>actor</th><th>action</th><th>object</th><th>detail</th></tr></thead>
  <tbody id="audit-rows"></tbody>
</table>
<div class="more"><button type="button" id="audit-more" hidden>more</button> <span id="audit-shown" class="muted"></span></div>`);
  const el = ids(root); // elements by id, kept: async work may finish after the view is gone

  const tbody = el['audit-rows'];
  const moreBtn = el['audit-more'];
  let next = null;
  let shown = 0;

  function append(entries) {
    tbody.append(fragment(entries.map((a) => html`<tr data-key="${a.seq}">
<td class="num">${a.seq}</td><td class="time">${fmtTime(a.time ?? a.time_us)}</td><td>${a.actor ?? ''}</td>
<td class="strong">${a.action ?? ''}</td><td class="mono">${a.object ?? ''}</td><td class="wrap small">${detailText(a.detail)}</td></tr>`)));
    shown += entries.length;
    el['audit-shown'].textContent = shown ? `showing ${shown}` : 'no entries';
    quick.apply();
  }

  async function page(after) {
    const body = await get('/audit' + query({ after, limit: PAGE }));
    append(listOf(body, 'entries'));
    next = body && body.next != null && body.next !== '' ? body.next : null;
    moreBtn.hidden = !next;
  }

  moreBtn.addEventListener('click', () => busy(moreBtn, () => page(next)));
  el['audit-verify'].addEventListener('click', (e) => busy(e.target, async () => {
    const r = await get('/audit/verify');
    const out = el['audit-result'];
    out.hidden = false;
    out.className = 'verify ' + (r.ok ? 'verify-ok' : 'verify-bad');
    const head = r.head ? ` head ${String(r.head).slice(0, 16)}…` : '';
    const problem = r.problem ? ` — ${typeof r.problem === 'string' ? r.problem : JSON.stringify(r.problem)}` : '';
    out.textContent = r.ok ? `chain intact: ${r.entries} entries,${head}` : `chain BROKEN after ${r.entries} entries${problem}`;
    out.title = r.head || '';
  }));
  tbody.addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-key]');
    if (tr) selectRow(tr);
  });

  const quick = quickFilter(el['audit-q'], tbody);
  busy(null, () => page(undefined));

  return {
    update() {},
    focusFilter() { el['audit-q'].focus(); },
  };
}
