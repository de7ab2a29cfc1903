// Browser tests of the rcx web UI: Debian's Chromium driven by playwright-core, node:test as the
// runner. run.sh creates the database (organisations CERT-A and CERT-B, their users, an AMBER and a
// GREEN feed of CERT-A), starts `rcx serve` and passes its URL in RCX_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = (process.env.RCX_URL || 'http://127.0.0.1:8080/').replace(/\/?$/, '/');
const PASSWORD = process.env.RCX_TEST_PASSWORD || 'correct-horse-battery';
const ADMIN = process.env.RCX_TEST_ADMIN || 'admin@a.example';
const ANALYST_A = process.env.RCX_TEST_ANALYST_A || 'analyst@a.example';
const ANALYST_B = process.env.RCX_TEST_ANALYST_B || 'analyst@b.example';
const AMBER_FEED = process.env.RCX_TEST_AMBER_FEED || 'test-amber';
const GREEN_FEED = process.env.RCX_TEST_GREEN_FEED || 'test-green';
const N_AMBER = Number(process.env.RCX_TEST_AMBER_N || 3);
const N_GREEN = Number(process.env.RCX_TEST_GREEN_N || 2);
const TIMEOUT = 15000;

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.RCX_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

// A fresh browser context (own cookies) whose page records script errors and CSP violations.
async function newPage(t) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push('CSP: ' + m.text());
  });
  t.after(async () => {
    await context.close();
    assert.deepEqual(problems, [], 'no script errors or CSP violations');
  });
  return page;
}

async function login(page, email, password = PASSWORD, hash = '') {
  await page.goto(BASE + hash);
  await page.waitForSelector('#login-form');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  if (password === PASSWORD) await page.waitForFunction((e) => document.querySelector('#who-email')?.textContent === e, email);
}

// Goes to a hash route of the page already loaded.
async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

// Waits until the event table shows the answer to hash (the view marks its rows with the query).
async function eventRows(page, hash) {
  await page.waitForSelector(`#ev-rows[data-query="${hash}"]`, { state: 'attached' });
  await page.waitForSelector(`#ev-count[data-query="${hash}"]`, { state: 'attached' });
  return page.$$eval('#ev-rows > tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.id,
    cells: Array.from(tr.cells, (td) => td.textContent.trim()),
  })));
}
const TYPE_COL = 2;
const FEED_COL = 6;
const TLP_COL = 7;
const ORG_COL = 8;

async function countText(page) {
  return (await page.textContent('#ev-count')).trim();
}

test('login with a wrong password shows the error and stays on the login form', async (t) => {
  const page = await newPage(t);
  await login(page, ANALYST_A, 'wrong-password-123');
  await page.waitForSelector('#msg.msg-error');
  assert.match(await page.textContent('#msg'), /Login failed/);
  assert.match(page.url(), /#\/login/);
  assert.equal(await page.isVisible('#nav'), false);
});

test('login succeeds and the top bar names the user, the organisation and the role', async (t) => {
  const page = await newPage(t);
  await login(page, ADMIN);
  assert.match(page.url(), /#\/events/);
  assert.equal(await page.textContent('#who-org'), 'CERT-A');
  assert.match(await page.textContent('#who-role'), /admin/);
  assert.equal(await page.isVisible('#nav a[data-view="audit"]'), true, 'node admin sees the audit link');
  // the help overlay
  await page.keyboard.press('?');
  await page.waitForSelector('#help', { state: 'visible' });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#help', { state: 'hidden' });
  // log out: back to the login form, and the API no longer answers this browser
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  const status = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status));
  assert.equal(status, 401);
});

test('event search: filter in the URL, reload keeps it, j + Enter opens the detail, Esc closes it', async (t) => {
  const page = await newPage(t);
  await login(page, ANALYST_A);
  await eventRows(page, '#/events');

  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('#ev-filter') !== null), true, '/ focuses the filter bar');
  await page.fill('#f-feed', AMBER_FEED);
  await page.press('#f-feed', 'Enter');
  const hash = `#/events?feed=${AMBER_FEED}`;
  let rows = await eventRows(page, hash);
  assert.ok(page.url().endsWith(hash), 'the filter is in the URL: ' + page.url());
  assert.equal(rows.length, N_AMBER);
  assert.ok(rows.every((r) => r.cells[FEED_COL] === AMBER_FEED));
  assert.ok(rows.every((r) => r.cells[TLP_COL] === 'TLP:AMBER'));
  assert.equal(await countText(page), `${N_AMBER} events`);

  // cursor paging: "more" fetches the page after the last row, until there is no next cursor
  await go(page, '#/events?limit=2');
  rows = await eventRows(page, '#/events?limit=2');
  assert.equal(rows.length, 2);
  assert.equal(await countText(page), `${N_AMBER + N_GREEN} events`, 'the count is the visible total, not the page');
  let seen = 2;
  while (seen < N_AMBER + N_GREEN) {
    await page.click('#ev-more');
    seen = Math.min(seen + 2, N_AMBER + N_GREEN);
    await page.waitForFunction((n) => document.querySelectorAll('#ev-rows > tr').length === n, seen);
  }
  await page.waitForSelector('#ev-more', { state: 'hidden' });
  const ids = await page.$$eval('#ev-rows > tr', (trs) => trs.map((tr) => tr.dataset.id));
  assert.equal(new Set(ids).size, ids.length, 'no row twice');
  await page.goBack();

  await page.reload();
  rows = await eventRows(page, hash);
  assert.equal(rows.length, N_AMBER);
  assert.equal(await page.inputValue('#f-feed'), AMBER_FEED, 'reload restores the filter box');

  // filter by type through the form as well: the URL carries both
  const type = rows[0].cells[TYPE_COL];
  assert.ok(type, 'the events have a classification.type');
  await page.fill('#f-type', type);
  await page.press('#f-type', 'Enter');
  const both = `#/events?type=${encodeURIComponent(type)}&feed=${AMBER_FEED}`;
  rows = await eventRows(page, both);
  assert.equal(rows.length, N_AMBER, 'the events of one list have one type');
  await page.fill('#f-type', 'phishing');
  await page.press('#f-type', 'Enter');
  assert.equal((await eventRows(page, `#/events?type=phishing&feed=${AMBER_FEED}`)).length, 0);
  assert.equal(await countText(page), '0 events');
  await page.goBack();
  rows = await eventRows(page, both);
  await page.goBack();
  rows = await eventRows(page, hash);
  assert.equal(await page.inputValue('#f-type'), '', 'back restores the previous filter');

  await page.focus('#f-type');
  await page.keyboard.press('Escape'); // leaves the field; the keys act on the list again
  await page.keyboard.press('j');
  const first = await page.getAttribute('#ev-rows > tr.sel', 'data-id');
  assert.equal(first, rows[0].id, 'j selects the first row');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await page.getAttribute('#ev-rows > tr.sel', 'data-id'), first, 'k moves back up');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ev-fields');
  assert.ok(page.url().includes(`#/events/${first}?feed=${AMBER_FEED}`), 'the detail has its own URL: ' + page.url());
  const keys = await page.$$eval('#ev-fields th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(keys, [...keys].sort(), 'fields are sorted');
  for (const k of ['source.ip', 'feed.name', 'classification.type', 'tlp', 'rcx.org']) assert.ok(keys.includes(k), 'detail shows ' + k);
  assert.equal(await page.textContent('#ev-fields'), await page.textContent('#ev-fields'));
  assert.match(await page.textContent('#ev-label'), /amber/i);
  assert.equal(await page.isVisible('#share-form'), true, 'the owner organisation analyst may share');

  await page.keyboard.press('Escape');
  await page.waitForSelector('#ev-detail', { state: 'hidden' });
  assert.ok(page.url().endsWith(hash), 'Esc goes back to the list URL');
  await page.goBack();
  await page.waitForSelector('#ev-fields');
  await page.goForward();
  await page.waitForSelector('#ev-detail', { state: 'hidden' });
});

test('admin adds an organisation and a user, and creates an API key that is shown once', async (t) => {
  const page = await newPage(t);
  await login(page, ADMIN);

  await page.keyboard.press('g');
  await page.keyboard.press('o');
  await page.waitForSelector('#orgs-rows > tr');
  assert.match(page.url(), /#\/orgs$/);
  await page.click('#org-add-btn');
  await page.fill('#org-name', 'CERT-C');
  await page.fill('#org-country', 'ME');
  await page.selectOption('#org-kind', 'national-cert');
  await page.selectOption('#org-sector', '');
  await page.click('#org-save');
  await page.waitForSelector('#msg.msg-ok');
  const orgRow = page.locator('#orgs-rows > tr', { hasText: 'CERT-C' });
  await orgRow.waitFor();
  assert.match(await orgRow.textContent(), /ME/);
  assert.match(await orgRow.textContent(), /national-cert/);

  // edit: sector and a contact (PATCH)
  await orgRow.locator('button[data-edit]').click();
  assert.equal(await page.inputValue('#org-name'), 'CERT-C');
  await page.selectOption('#org-sector', 'energy');
  await page.fill('#org-contacts', 'Duty Officer <duty@c.example> +382 20 000 000 (24/7)');
  await page.click('#org-save');
  await page.waitForFunction(() => /duty@c\.example/.test(document.querySelector('#orgs-rows')?.textContent || ''));
  assert.match(await orgRow.textContent(), /energy/);
  assert.match(await orgRow.textContent(), /Duty Officer <duty@c\.example> \+382 20 000 000 \(24\/7\)/);

  // a duplicate is refused with the server's message
  await page.click('#org-add-btn');
  await page.fill('#org-name', 'CERT-C');
  await page.fill('#org-country', 'ME');
  await page.click('#org-save');
  await page.waitForSelector('#msg.msg-error');
  await page.click('#org-cancel');

  await page.keyboard.press('g');
  await page.keyboard.press('u');
  await page.waitForSelector('#users-rows > tr');
  await page.click('#user-add-btn');
  await page.fill('#user-email', 'analyst@c.example');
  await page.fill('#user-name', 'Analyst C');
  await page.selectOption('#user-org', 'CERT-C');
  await page.selectOption('#user-role', 'analyst');
  await page.fill('#user-password', PASSWORD);
  await page.click('#user-save');
  const userRow = page.locator('#users-rows > tr', { hasText: 'analyst@c.example' });
  await userRow.waitFor();
  assert.match(await userRow.textContent(), /CERT-C/);
  assert.equal(await userRow.locator('select').inputValue(), 'analyst');
  // inline role change, kept after a reload
  await userRow.locator('select').selectOption('readonly');
  await page.waitForSelector('#msg.msg-ok');
  await page.reload();
  await userRow.waitFor();
  assert.equal(await userRow.locator('select').inputValue(), 'readonly');
  await userRow.locator('select').selectOption('analyst');
  await page.waitForSelector('#msg.msg-ok');

  await page.keyboard.press('g');
  await page.keyboard.press('k');
  await page.waitForSelector('#key-form');
  await page.fill('#key-label', 'browser-test');
  await page.fill('#key-days', '30');
  await page.click('#key-create');
  await page.waitForSelector('#key-secret', { state: 'visible' });
  const key = await page.inputValue('#key-value');
  assert.match(key, /^rcx_[0-9A-Za-z]+_[0-9A-Za-z]+$/);
  const keyRow = page.locator('#keys-rows > tr', { hasText: 'browser-test' });
  await keyRow.waitFor();
  const prefix = key.split('_')[1];
  assert.match(await keyRow.textContent(), new RegExp(prefix));

  // the key works as a bearer token
  const status = await page.evaluate((k) => fetch('/api/v1/me', { credentials: 'omit', headers: { Authorization: 'Bearer ' + k } }).then((r) => r.status), key);
  assert.equal(status, 200);

  // shown once: away and back, the secret is gone from the page
  await page.keyboard.press('Escape'); // the key box has the focus, for copying
  await page.keyboard.press('g');
  await page.keyboard.press('e');
  await page.waitForSelector('#ev-filter');
  await page.keyboard.press('g');
  await page.keyboard.press('k');
  await keyRow.waitFor();
  assert.equal(await page.isVisible('#key-secret'), false);
  assert.equal((await page.content()).includes(key), false);

  // the new user logs in
  const page2 = await newPage(t);
  await login(page2, 'analyst@c.example');
  assert.equal(await page2.textContent('#who-org'), 'CERT-C');
});

test('TLP: an AMBER event of CERT-A is seen by CERT-A and not by CERT-B; GREEN by both', async (t) => {
  const a = await newPage(t);
  await login(a, ANALYST_A);
  const amberHash = `#/events?feed=${AMBER_FEED}`;
  const greenHash = `#/events?feed=${GREEN_FEED}`;
  await go(a, amberHash);
  const amber = await eventRows(a, amberHash);
  assert.equal(amber.length, N_AMBER);
  assert.ok(amber.every((r) => r.cells[ORG_COL] === 'CERT-A'));
  await go(a, greenHash);
  const green = await eventRows(a, greenHash);
  assert.equal(green.length, N_GREEN);
  assert.ok(green.every((r) => r.cells[TLP_COL] === 'TLP:GREEN'));

  const b = await newPage(t);
  await login(b, ANALYST_B, PASSWORD, amberHash);
  assert.ok(b.url().endsWith(amberHash), 'after login the page goes where it was sent: ' + b.url());
  assert.equal((await eventRows(b, amberHash)).length, 0, 'CERT-B sees no AMBER row');
  assert.equal(await countText(b), '0 events');
  assert.equal(await b.isVisible('#ev-empty'), true);

  await go(b, '#/events?limit=1000');
  const all = await eventRows(b, '#/events?limit=1000');
  const amberIds = new Set(amber.map((r) => r.id));
  assert.ok(all.every((r) => !amberIds.has(r.id) && r.cells[FEED_COL] !== AMBER_FEED), 'no AMBER event in the unfiltered list');
  assert.ok(green.every((g) => all.some((r) => r.id === g.id)), 'every GREEN event is in the unfiltered list');

  await go(b, `#/events/${amber[0].id}`);
  await b.waitForSelector('#ev-notfound');
  assert.match(await b.textContent('#ev-detail'), /not found/i);
  assert.equal(await b.isVisible('#ev-fields'), false);

  await go(b, greenHash);
  assert.equal((await eventRows(b, greenHash)).length, N_GREEN);
  await go(b, `#/events/${green[0].id}?feed=${GREEN_FEED}`);
  await b.waitForSelector('#ev-fields');
  assert.match(await b.textContent('#ev-label'), /green/i);
  assert.equal(await b.isVisible('#share-form'), false, 'CERT-B does not own the event: no Share form');
});

test('sharing: a group with members, and an AMBER event shared with CERT-B by name', async (t) => {
  const a = await newPage(t);
  await login(a, ANALYST_A);
  await a.keyboard.press('g');
  await a.keyboard.press('g');
  await a.waitForSelector('#group-add-btn');
  await a.click('#group-add-btn');
  await a.fill('#group-name', 'balkan-test');
  await a.fill('#group-description', 'browser test group');
  await a.selectOption('#group-members', { label: 'CERT-B' });
  await a.click('#group-save');
  const row = a.locator('#groups-rows > tr', { hasText: 'balkan-test' });
  await row.waitFor();
  const chips = async () => (await row.locator('.chip').allTextContents()).map((c) => c.replace('×', '').trim()).sort();
  assert.deepEqual(await chips(), ['CERT-A', 'CERT-B']);
  await row.locator('button.chip-x').click();
  const chipsAre = (want) => a.waitForFunction((w) => Array.from(document.querySelectorAll('#groups-rows .chip'),
    (c) => c.firstChild.textContent).sort().join() === w, want.join());
  await chipsAre(['CERT-A']);
  assert.deepEqual(await chips(), ['CERT-A']);
  await row.locator('select').selectOption({ label: 'CERT-B' });
  await chipsAre(['CERT-A', 'CERT-B']);
  assert.deepEqual(await chips(), ['CERT-A', 'CERT-B']);

  // share the last AMBER event with CERT-B as a named recipient
  const amberHash = `#/events?feed=${AMBER_FEED}`;
  await go(a, amberHash);
  const amber = await eventRows(a, amberHash);
  const id = amber[amber.length - 1].id;
  await go(a, `#/events/${id}?feed=${AMBER_FEED}`);
  await a.waitForSelector('#share-form');
  await a.waitForSelector('#share-orgs option[value="CERT-B"]', { state: 'attached' });
  await a.selectOption('#share-orgs', ['CERT-B']);
  await a.click('#share-submit');
  await a.waitForSelector('#msg.msg-ok');
  await a.waitForFunction(() => /CERT-B/.test(document.querySelector('#ev-label')?.textContent || ''));

  const b = await newPage(t);
  await login(b, ANALYST_B, PASSWORD, amberHash);
  const seen = await eventRows(b, amberHash);
  assert.deepEqual(seen.map((r) => r.id), [id], 'CERT-B now sees exactly the shared AMBER event');
  await b.keyboard.press('j');
  await b.keyboard.press('Enter');
  await b.waitForSelector('#ev-fields');
  assert.equal(await b.isVisible('#share-form'), false);
  // the group is listed for CERT-B, a member, without the owner's controls
  await b.keyboard.press('Escape');
  await b.keyboard.press('g');
  await b.keyboard.press('g');
  const brow = b.locator('#groups-rows > tr', { hasText: 'balkan-test' });
  await brow.waitFor();
  assert.equal(await brow.locator('button.chip-x').count(), 0);
});

test('audit: the node admin reads the log and verifies the chain; analysts have no audit view', async (t) => {
  const page = await newPage(t);
  await login(page, ADMIN);
  await page.keyboard.press('g');
  await page.keyboard.press('a');
  await page.waitForSelector('#audit-rows > tr');
  const actions = await page.$$eval('#audit-rows > tr > td:nth-child(4)', (tds) => tds.map((td) => td.textContent));
  assert.ok(actions.includes('login'), 'logins are audited: ' + actions.join(' '));
  await page.click('#audit-verify');
  await page.waitForSelector('#audit-result.verify-ok');
  assert.match(await page.textContent('#audit-result'), /chain intact: \d+ entries/);

  const b = await newPage(t);
  await login(b, ANALYST_B);
  assert.equal(await b.isVisible('#nav a[data-view="audit"]'), false);
  assert.equal(await b.isVisible('#nav a[data-view="users"]'), false);
  await go(b, '#/audit');
  await b.waitForSelector('.view-audit .empty');
});
