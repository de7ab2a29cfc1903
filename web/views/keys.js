// My API keys: GET /apikeys (never the secret); create (POST /apikeys {label, expires_days} →
// {id, prefix, key}) shows the key once, in a box to copy; revoke with DELETE /apikeys/{id}.
import { get, post, del } from '../api.js';
import { $, html, setHTML, fragment, fmtTime, listOf, busy, message, selectRow } from '../util.js';
import { ids, quickFilter, confirmClick } from './common.js';

export function mount(root) {
  setHTML(root, html`
<div class="filter toolbar">
  <label>filter <input id="keys-q" class="quick" size="20" placeholder="prefix, label…"></label>
  <span class="count" id="keys-count"></span>
</div>
<form class="panel" id="key-form" autocomplete="off">
  <h3>New API key</h3>
  <div class="row">
    <label>label <input name="label" id="key-label" size="24" placeholder="what uses it"></label>
    <label>expires after <input type="number" name="expires_days" id="key-days" min="1" max="3650" size="5" placeholder="never"> days</label>
    <button type="submit" class="btn-primary" id="key-create">Create key</button>
  </div>
</form>
<div class="secret" id="key-secret" hidden>
  <p class="warn"><strong>Copy this key now.</strong> It is shown only once; rcx keeps only a hash of it.
  Use it as <code>Authorization: Bearer &lt;key&gt;</code>.</p>
  <div class="row"><input id="key-value" class="mono" readonly size="90">
  <button type="button" id="key-copy">Copy</button>
  <button type="button" class="btn-link" id="key-done">done</button></div>
</div>
<table class="grid" id="keys-table">
  <thead><tr><th>prefix</th><th>label</th><th>created</th><th>expires</th><th>revoked</th><th></th></tr></thead>
  <tbody id="keys-rows"></tbody>
</table>`);
  const el = ids(root); // elements by id, kept: async work may finish after the view is gone

  const form = el['key-form'];
  const tbody = el['keys-rows'];
  const secret = el['key-secret'];
  let list = [];

  function draw() {
    tbody.textContent = '';
    tbody.append(fragment(list.map((k) => html`<tr data-key="${k.id}" data-id="${k.id}" class="${k.revoked ? 'off' : ''}">
<td class="mono strong">${k.prefix}</td><td>${k.label ?? ''}</td><td class="time">${fmtTime(k.created ?? k.created_at)}</td>
<td class="time">${fmtTime(k.expires ?? k.expires_at) || 'never'}</td><td>${k.revoked ? 'revoked' : ''}</td>
<td class="actions">${k.revoked ? '' : html`<button type="button" class="btn-small danger" data-revoke="${k.id}">revoke</button>`}</td></tr>`)));
    el['keys-count'].textContent = `${list.length} key${list.length === 1 ? '' : 's'}`;
    quick.apply();
  }

  async function load() {
    list = listOf(await get('/apikeys'), 'keys', 'apikeys');
    draw();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { label: form.label.value.trim() };
    const days = form.expires_days.value.trim();
    if (days) body.expires_days = Number(days);
    busy(el['key-create'], async () => {
      const r = await post('/apikeys', body);
      form.reset();
      el['key-value'].value = r.key;
      secret.hidden = false;
      el['key-value'].select();
      message(`API key ${r.prefix ?? ''} created.`, 'ok');
      await load();
    });
  });
  el['key-copy'].addEventListener('click', async () => {
    const input = el['key-value'];
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      message('Key copied to the clipboard.', 'ok');
    } catch {
      message('Copy with Ctrl+C: the key is selected.', 'info');
    }
  });
  el['key-done'].addEventListener('click', () => {
    el['key-value'].value = '';
    secret.hidden = true;
  });
  tbody.addEventListener('click', (e) => {
    const t = e.target;
    if (t.dataset.revoke) {
      confirmClick(t, 'really revoke?', () => busy(t, async () => {
        await del('/apikeys/' + encodeURIComponent(t.dataset.revoke));
        message('Key revoked.', 'ok');
        await load();
      }));
      return;
    }
    const tr = t.closest('tr[data-key]');
    if (tr) selectRow(tr);
  });

  const quick = quickFilter(el['keys-q'], tbody);
  busy(null, load);

  return {
    update() {},
    focusFilter() { el['keys-q'].focus(); },
    unmount() { el['key-value'].value = ''; },
  };
}
