// Users (admins): GET /users (node admins: all, or ?org=ID from #/users?org=ID); add with POST
// /users; change the role and disable/enable in the table with PATCH /users/{id}.
import { get, post, patch, query, orgs, orgName, orgId } from '../api.js';
import { $, html, raw, setHTML, fragment, fmtTime, listOf, options, busy, message, selectRow, ROLES } from '../util.js';
import { ids, quickFilter } from './common.js';

export function mount(root, ctx) {
  const s = ctx.session;
  if (s.role !== 'admin') {
    setHTML(root, html`<p class="empty">Only administrators manage users.</p>`);
    return { update() {} };
  }
  setHTML(root, html`
<div class="filter toolbar">
  <label>filter <input id="users-q" class="quick" size="20" placeholder="e-mail, name, role…"></label>
  ${s.nodeAdmin ? html`<label>organisation <select id="users-org"><option value="">all</option></select></label>` : ''}
  <button type="button" id="user-add-btn" class="btn-primary">Add user</button>
  <span class="count" id="users-count"></span>
</div>
<form class="panel" id="user-form" hidden autocomplete="off">
  <h3>Add user</h3>
  <div class="row">
    <label>e-mail <input type="email" name="email" id="user-email" required size="24"></label>
    <label>name <input name="name" id="user-name" size="20"></label>
    <label>organisation <select name="org" id="user-org"></select></label>
    <label>role <select name="role" id="user-role">${options(ROLES, 'analyst')}</select></label>
    <label>password <input type="password" name="password" id="user-password" required minlength="10" size="16" autocomplete="new-password"></label>
  </div>
  <div class="row"><button type="submit" class="btn-primary" id="user-save">Add</button>
  <button type="button" class="btn-link" id="user-cancel">cancel</button>
  <span class="muted">at least 10 characters</span></div>
</form>
<table class="grid" id="users-table">
  <thead><tr><th>email</th><th>name</th><th>org</th><th>role</th><th>disabled</th><th>created</th></tr></thead>
  <tbody id="users-rows"></tbody>
</table>`);
  const el = ids(root); // elements by id, kept: async work may finish after the view is gone

  const form = el['user-form'];
  const tbody = el['users-rows'];
  const orgSel = el['users-org'];
  let orgList = [];
  let list = [];
  let orgFilter = '';

  const userOrg = (u) => u.org_name ?? orgName(orgList, u.org);
  const isSelf = (u) => u.id === s.user.id || (u.email && u.email === s.user.email);

  function draw() {
    tbody.textContent = '';
    tbody.append(fragment(list.map((u) => {
      const self = isSelf(u);
      const off = self ? raw(' disabled title="your own account"') : '';
      return html`<tr data-key="${u.id}" data-id="${u.id}" class="${u.disabled ? 'off' : ''}">
<td class="strong">${u.email}</td><td>${u.name ?? ''}</td><td>${userOrg(u)}</td>
<td><select class="inline" data-role="${u.id}"${off}>${options(ROLES, u.role)}</select></td>
<td><input type="checkbox" data-disabled="${u.id}"${u.disabled ? raw(' checked') : ''}${off}></td>
<td class="time">${fmtTime(u.created ?? u.created_at)}</td></tr>`;
    })));
    el['users-count'].textContent = `${list.length} user${list.length === 1 ? '' : 's'}`;
    quick.apply();
  }

  async function load() {
    orgList = await orgs();
    const body = await get('/users' + query({ org: orgFilter }));
    list = listOf(body, 'users');
    draw();
  }

  function fillOrgSelects() {
    const mine = orgList.filter((o) => s.nodeAdmin || o.name === s.orgName || o.id === s.orgId);
    setHTML(el['user-org'], mine.map((o) => html`<option value="${o.name}"${o.name === s.orgName ? raw(' selected') : ''}>${o.name}</option>`));
    if (orgSel) {
      setHTML(orgSel, html`<option value="">all</option>${orgList.map((o) => html`<option value="${o.id}">${o.name}</option>`)}`);
      orgSel.value = orgFilter;
    }
  }

  el['user-add-btn'].addEventListener('click', () => {
    form.hidden = false;
    form.reset();
    fillOrgSelects();
    const pre = orgFilter ? orgName(orgList, orgFilter) : s.orgName;
    if (pre && Array.from(form.org.options).some((o) => o.value === pre)) form.org.value = pre;
    form.email.focus();
  });
  el['user-cancel'].addEventListener('click', () => { form.hidden = true; });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      email: form.email.value.trim(),
      name: form.name.value.trim(),
      org: form.org.value,
      role: form.role.value,
      password: form.password.value,
    };
    busy(el['user-save'], async () => {
      await post('/users', body);
      form.password.value = '';
      form.hidden = true;
      message(`User ${body.email} added to ${body.org} as ${body.role}.`, 'ok');
      await load();
      const u = list.find((x) => x.email === body.email.toLowerCase() || x.email === body.email);
      if (u) selectRow(tbody.querySelector(`tr[data-id="${CSS.escape(String(u.id))}"]`));
    });
  });

  tbody.addEventListener('change', (e) => {
    const t = e.target;
    const id = t.dataset.role ?? t.dataset.disabled;
    if (!id) return;
    const u = list.find((x) => String(x.id) === id);
    const change = t.dataset.role !== undefined ? { role: t.value } : { disabled: t.checked };
    busy(null, async () => {
      try {
        await patch('/users/' + encodeURIComponent(id), change);
      } catch (err) {
        if (t.dataset.role !== undefined) t.value = u.role; else t.checked = Boolean(u.disabled);
        throw err;
      }
      Object.assign(u, change);
      t.closest('tr').classList.toggle('off', Boolean(u.disabled));
      message(change.role ? `${u.email} is now ${change.role}.` : `${u.email} ${change.disabled ? 'disabled' : 'enabled'}.`, 'ok');
    });
  });
  tbody.addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-key]');
    if (tr) selectRow(tr);
  });
  if (orgSel) orgSel.addEventListener('change', () => ctx.navigate('#/users' + query({ org: orgSel.value })));

  const quick = quickFilter(el['users-q'], tbody);

  return {
    update(route) {
      const want = s.nodeAdmin ? route.params.get('org') || '' : '';
      orgFilter = want ? String(orgId(orgList, want) ?? want) : '';
      busy(null, async () => { await load(); fillOrgSelects(); });
    },
    focusFilter() { el['users-q'].focus(); },
    escape() { if (!form.hidden) { form.hidden = true; return true; } return false; },
  };
}
