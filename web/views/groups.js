// Sharing groups: GET /groups with their members; create (POST /groups, members as org ids; the
// caller's organisation owns the group and is a member); the owner's admins and analysts add and
// remove members (POST /groups/{id}/members {"org":ID,"member":true|false}).
import { post, groups, orgs, orgName, orgId } from '../api.js';
import { $, html, setHTML, fragment, busy, message, selectRow } from '../util.js';
import { ids, quickFilter } from './common.js';

export function mount(root, ctx) {
  const s = ctx.session;
  const writer = s.role === 'admin' || s.role === 'analyst';
  setHTML(root, html`
<div class="filter toolbar">
  <label>filter <input id="groups-q" class="quick" size="20" placeholder="name, member…"></label>
  ${writer ? html`<button type="button" id="group-add-btn" class="btn-primary">New group</button>` : ''}
  <span class="count" id="groups-count"></span>
</div>
<form class="panel" id="group-form" hidden autocomplete="off">
  <h3>New sharing group</h3>
  <div class="row">
    <label>name <input name="name" id="group-name" required size="22"></label>
    <label>description <input name="description" id="group-description" size="40"></label>
  </div>
  <label>members <select name="members" id="group-members" multiple size="5"></select></label>
  <div class="row"><button type="submit" class="btn-primary" id="group-save">Create</button>
  <button type="button" class="btn-link" id="group-cancel">cancel</button>
  <span class="muted">your organisation owns the group and is always a member</span></div>
</form>
<table class="grid" id="groups-table">
  <thead><tr><th>name</th><th>description</th><th>owner</th><th>members</th><th></th></tr></thead>
  <tbody id="groups-rows"></tbody>
</table>`);
  const el = ids(root); // elements by id, kept: async work may finish after the view is gone

  const form = el['group-form'];
  const tbody = el['groups-rows'];
  let orgList = [];
  let list = [];

  const members = (g) => (Array.isArray(g.members) ? g.members : []).map((m) => ({
    id: orgId(orgList, m) ?? (typeof m === 'object' && m ? m.id : m),
    name: orgName(orgList, m),
  }));
  const ownerOf = (g) => g.owner ?? g.owner_org ?? g.owner_name;
  const owns = (g) => {
    const o = ownerOf(g);
    return writer && o !== undefined && (String(orgId(orgList, o)) === String(s.orgId) || orgName(orgList, o) === s.orgName);
  };

  function draw() {
    tbody.textContent = '';
    tbody.append(fragment(list.map((g) => {
      const ms = members(g);
      const mine = owns(g);
      const others = orgList.filter((o) => !ms.some((m) => String(m.id) === String(o.id)));
      return html`<tr data-key="${g.id}" data-id="${g.id}">
<td class="strong">${g.name}</td><td class="wrap">${g.description ?? ''}</td><td>${orgName(orgList, ownerOf(g))}</td>
<td class="wrap">${ms.map((m) => html`<span class="chip">${m.name}${mine && m.name !== s.orgName ? html`<button type="button" class="chip-x" title="remove ${m.name}" data-group="${g.id}" data-remove="${m.id}">×</button>` : ''}</span> `)}</td>
<td class="actions">${mine && others.length ? html`<select class="inline" data-addsel="${g.id}"><option value="">add member…</option>${others.map((o) => html`<option value="${o.id}">${o.name}</option>`)}</select>` : ''}</td></tr>`;
    })));
    el['groups-count'].textContent = `${list.length} group${list.length === 1 ? '' : 's'}`;
    quick.apply();
  }

  async function load() {
    orgList = await orgs();
    list = await groups(true);
    draw();
  }

  async function setMember(groupId, org, member) {
    await post(`/groups/${encodeURIComponent(groupId)}/members`, { org: Number(org), member });
    const g = list.find((x) => String(x.id) === String(groupId));
    message(`${orgName(orgList, Number(org))} ${member ? 'added to' : 'removed from'} ${g ? g.name : 'the group'}.`, 'ok');
    await load();
  }

  const addBtn = el['group-add-btn'];
  if (addBtn) {
    addBtn.addEventListener('click', () => {
      form.hidden = false;
      form.reset();
      setHTML(form.members, orgList.filter((o) => o.name !== s.orgName).map((o) => html`<option value="${o.id}">${o.name}</option>`));
      form.name.focus();
    });
  }
  el['group-cancel'].addEventListener('click', () => { form.hidden = true; });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      name: form.name.value.trim(),
      description: form.description.value.trim(),
      members: Array.from(form.members.selectedOptions).map((o) => Number(o.value)),
    };
    busy(el['group-save'], async () => {
      await post('/groups', body);
      form.hidden = true;
      message(`Sharing group ${body.name} created.`, 'ok');
      await load();
    });
  });
  tbody.addEventListener('click', (e) => {
    const t = e.target;
    if (t.dataset.remove) { busy(t, () => setMember(t.dataset.group, t.dataset.remove, false)); return; }
    const tr = t.closest('tr[data-key]');
    if (tr) selectRow(tr);
  });
  tbody.addEventListener('change', (e) => {
    const t = e.target;
    if (t.dataset.addsel && t.value) busy(t, () => setMember(t.dataset.addsel, t.value, true));
  });

  const quick = quickFilter(el['groups-q'], tbody);
  busy(null, load);

  return {
    update() {},
    focusFilter() { el['groups-q'].focus(); },
    escape() { if (!form.hidden) { form.hidden = true; return true; } return false; },
  };
}
