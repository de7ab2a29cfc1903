// Organisations: GET /orgs as a table; node admins add (POST /orgs); node admins and the admins of
// an organisation change it (PATCH /orgs/{id}: country, kind, sector, parent, contacts).
import { post, patch, orgs, orgName } from '../api.js';
import {
  $, html, setHTML, fragment, options, busy, message, selectRow, ORG_KINDS, NIS2_SECTORS,
} from '../util.js';
import { ids, quickFilter } from './common.js';

// Contacts arrive as [{name, email, phone, role}]; edited as one "Name <email> phone" per line.
function contactsText(cs) {
  if (!Array.isArray(cs)) return '';
  return cs.map((c) => {
    if (typeof c !== 'object' || !c) return String(c);
    const parts = [];
    if (c.name) parts.push(c.name);
    if (c.email) parts.push(`<${c.email}>`);
    if (c.phone) parts.push(c.phone);
    if (c.role) parts.push(`(${c.role})`);
    return parts.join(' ');
  }).join('\n');
}

export function parseContacts(text) {
  const out = [];
  for (let line of text.split('\n')) {
    line = line.trim();
    if (!line) continue;
    const c = {};
    const role = line.match(/\(([^)]*)\)\s*$/);
    if (role) { c.role = role[1].trim(); line = line.slice(0, role.index).trim(); }
    const m = line.match(/^(.*?)\s*<([^>]*)>\s*(.*)$/);
    if (m) {
      if (m[1]) c.name = m[1];
      c.email = m[2].trim();
      if (m[3]) c.phone = m[3];
    } else if (/^\S+@\S+$/.test(line)) {
      c.email = line;
    } else {
      c.name = line;
    }
    out.push(c);
  }
  return out;
}

export function mount(root, ctx) {
  const s = ctx.session;
  setHTML(root, html`
<div class="filter toolbar">
  <label>filter <input id="orgs-q" class="quick" size="20" placeholder="name, country, kind…"></label>
  ${s.nodeAdmin ? html`<button type="button" id="org-add-btn" class="btn-primary">Add organisation</button>` : ''}
  <span class="count" id="orgs-count"></span>
</div>
<form class="panel" id="org-form" hidden autocomplete="off">
  <h3 id="org-form-title">Add organisation</h3>
  <div class="row">
    <label>name <input name="name" id="org-name" required maxlength="200" size="22"></label>
    <label>country <input name="country" id="org-country" required size="3" maxlength="2" placeholder="HR" class="upper"></label>
    <label>kind <select name="kind" id="org-kind">${options(ORG_KINDS, 'national-cert')}</select></label>
    <label>sector <select name="sector" id="org-sector"><option value="">—</option>${options(NIS2_SECTORS)}</select></label>
    <label>parent <select name="parent" id="org-parent"><option value="">—</option></select></label>
  </div>
  <label>contacts <textarea name="contacts" id="org-contacts" rows="3" cols="60" placeholder="Name &lt;email@example.org&gt; +385 1 234 5678 (role), one per line"></textarea></label>
  <div class="row"><button type="submit" class="btn-primary" id="org-save">Save</button>
  <button type="button" class="btn-link" id="org-cancel">cancel</button></div>
</form>
<table class="grid" id="orgs-table">
  <thead><tr><th>name</th><th>country</th><th>kind</th><th>sector</th><th>parent</th><th>contacts</th><th></th></tr></thead>
  <tbody id="orgs-rows"></tbody>
</table>`);
  const el = ids(root); // elements by id, kept: async work may finish after the view is gone

  const form = el['org-form'];
  const tbody = el['orgs-rows'];
  let list = [];
  let editing = null; // the org being edited, or null when adding

  const canEdit = (o) => s.nodeAdmin || (s.role === 'admin' && (o.id === s.orgId || o.name === s.orgName));

  function draw() {
    tbody.textContent = '';
    tbody.append(fragment(list.map((o) => html`<tr data-key="${o.id}" data-id="${o.id}">
<td class="strong">${o.name}</td><td>${o.country ?? ''}</td><td>${o.kind ?? ''}</td><td>${o.sector ?? ''}</td>
<td>${orgName(list, o.parent)}</td><td class="wrap">${contactsText(o.contacts).split('\n').join('; ')}</td>
<td class="actions">${canEdit(o) ? html`<button type="button" class="btn-small" data-edit="${o.id}">edit</button>` : ''}</td></tr>`)));
    el['orgs-count'].textContent = `${list.length} organisation${list.length === 1 ? '' : 's'}`;
    quick.apply();
  }

  async function load(refresh = true) {
    list = await orgs(refresh);
    draw();
  }

  function openForm(o) {
    editing = o || null;
    form.hidden = false;
    el['org-form-title'].textContent = o ? `Edit ${o.name}` : 'Add organisation';
    form.name.value = o ? o.name : '';
    form.name.readOnly = Boolean(o);
    form.country.value = o ? o.country ?? '' : '';
    form.kind.value = o ? o.kind ?? 'other' : 'national-cert';
    form.sector.value = o ? o.sector ?? '' : '';
    setHTML(form.parent, html`<option value="">—</option>${list.filter((x) => !o || x.id !== o.id).map((x) => html`<option value="${x.name}">${x.name}</option>`)}`);
    form.parent.value = o ? orgName(list, o.parent) : '';
    form.parent.disabled = Boolean(o) && !s.nodeAdmin;
    form.contacts.value = o ? contactsText(o.contacts) : '';
    (o ? form.country : form.name).focus();
  }

  function closeForm() { form.hidden = true; editing = null; }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      country: form.country.value.trim().toUpperCase(),
      kind: form.kind.value,
      sector: form.sector.value,
      parent: form.parent.value,
      contacts: parseContacts(form.contacts.value),
    };
    busy(el['org-save'], async () => {
      if (editing) {
        if (form.parent.disabled) delete body.parent;
        await patch('/orgs/' + encodeURIComponent(editing.id), body);
        message(`Organisation ${editing.name} saved.`, 'ok');
      } else {
        body.name = form.name.value.trim();
        await post('/orgs', body);
        message(`Organisation ${body.name} added.`, 'ok');
      }
      const name = editing ? editing.name : body.name;
      closeForm();
      await load(true);
      selectRow(list.length ? tbody.querySelector(`tr[data-id="${CSS.escape(String((list.find((o) => o.name === name) || {}).id))}"]`) : null);
    });
  });
  el['org-cancel'].addEventListener('click', closeForm);
  const addBtn = el['org-add-btn'];
  if (addBtn) addBtn.addEventListener('click', () => openForm(null));
  tbody.addEventListener('click', (e) => {
    const id = e.target.dataset && e.target.dataset.edit;
    if (id) { openForm(list.find((o) => String(o.id) === id)); return; }
    const tr = e.target.closest('tr[data-key]');
    if (tr) selectRow(tr);
  });

  const quick = quickFilter(el['orgs-q'], tbody);
  busy(null, () => load(true));

  return {
    update() {},
    focusFilter() { el['orgs-q'].focus(); },
    open(tr) { const o = list.find((x) => String(x.id) === tr.dataset.id); if (o && canEdit(o)) openForm(o); },
    escape() { if (!form.hidden) { closeForm(); return true; } return false; },
  };
}
