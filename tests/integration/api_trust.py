#!/usr/bin/env python3
"""The trust model through the real binary: `rcx serve` on loopback, accounts made with the real
CLI, events ingested with every TLP x distribution, some shared to named recipients through the
API. Then the visibility matrix over every read path that exists — REST list, REST count, REST
single GET, and `rcx events --as` — for every role of every kind of organisation plus an
anonymous caller: each cell must be exactly what the rule (docs/TRUST.md, restated below) allows.
Also: sessions and CSRF, error bodies, rate limiting, the audit chain (and its tamper detection),
and the OpenAPI description against the server's route table.

usage: api_trust.py BUILD/rcx
"""
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

RCX = os.path.abspath(sys.argv[1])
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TMP = tempfile.mkdtemp(prefix='rcx-api-')
DB = os.path.join(TMP, 'rcx.db')
ENV = dict(os.environ, RCX_PWHASH_COST='min', RCX_DB=DB)
PASSWORD = 'correct horse battery'
FAILURES = []


def rcx(*args, stdin=None, check=True, config=None):
    cmd = [RCX] + (['--config', config] if config else []) + list(args)
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=ENV)
    if check and p.returncode != 0:
        raise SystemExit('%s failed (%d): %s' % (' '.join(cmd), p.returncode, p.stderr))
    return p


def fail(msg):
    FAILURES.append(msg)
    if len(FAILURES) <= 30:
        print('FAIL:', msg)


class Server:
    def __init__(self, config=None):
        args = [RCX] + (['--config', config] if config else []) + ['serve', '--listen', '127.0.0.1:0']
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        line = self.p.stdout.readline()
        m = re.match(r'rcx: listening on (http://127\.0\.0\.1:\d+)/', line)
        if not m:
            self.p.kill()
            raise SystemExit('rcx serve did not start: %r %s' % (line, self.p.stderr.read()))
        self.base = m.group(1)

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
        if self.p.returncode not in (0, -15):
            fail('rcx serve exited with %s: %s' % (self.p.returncode, self.p.stderr.read()[-2000:]))


def call(base, method, path, key=None, body=None, headers=None):
    """Returns (status, headers, parsed JSON or text)."""
    h = dict(headers or {})
    if key:
        h['Authorization'] = 'Bearer ' + key
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h['Content-Type'] = 'application/json'
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, hdrs, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, e.headers, e.read()
    text = raw.decode('utf-8', 'replace')
    try:
        return status, hdrs, json.loads(text) if text else None
    except ValueError:
        return status, hdrs, text


# ---- the world ----------------------------------------------------------------------------

ORGS = {  # relation -> (name, country, kind, parent)
    'owner': ('CERT-HR', 'HR', 'national-cert', None),
    'recipient': ('CERT-RS', 'RS', 'national-cert', None),
    'client': ('BANK-RS', 'RS', 'oes', 'CERT-RS'),
    'group': ('CERT-ME', 'ME', 'national-cert', None),
    'other': ('CERT-AL', 'AL', 'national-cert', None),
}
ROLES = ['admin', 'analyst', 'reporter', 'readonly']
TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red']
DISTS = ['org', 'group', 'node', 'federation']

rcx('init', '--org', 'CERT-HR', '--country', 'HR', '--admin', 'root@hr.example', stdin=PASSWORD + '\n')
for rel, (name, cc, kind, parent) in ORGS.items():
    if rel != 'owner':
        extra = ['--parent', parent] if parent else []
        if kind == 'oes':
            extra += ['--sector', 'banking']
        rcx('org', 'add', name, '--country', cc, '--kind', kind, *extra)
rcx('group', 'add', 'wb-certs', '--owner', 'CERT-HR', '--add', 'CERT-ME')

users = {}  # (rel, role) -> dict(email, key, id, org)
for rel, (name, *_rest) in ORGS.items():
    for role in ROLES:
        email = '%s@%s.example' % (role, name.lower())
        out = json.loads(rcx('user', 'add', email, '--org', name, '--role', role, stdin=PASSWORD + '\n').stdout)
        key = rcx('apikey', 'create', email, '--label', 'matrix').stdout.strip()
        users[(rel, role)] = {'email': email, 'key': key, 'id': out['id'], 'org': name}
org_ids = {json.loads(l)['name']: json.loads(l)['id'] for l in rcx('org', 'list').stdout.splitlines()}

# events: one per TLP x distribution x naming; ingested as CERT-HR
events = {}  # ip -> label dict
n = 0
for tlp in TLPS:
    for dist in DISTS:
        for naming in ('none', 'named'):
            n += 1
            ip = '198.51.100.%d' % n
            path = os.path.join(TMP, 'feed-%d.txt' % n)
            with open(path, 'w') as f:
                f.write(ip + '\n')
            args = ['ingest', '--format', 'list-ip', '--feed', 'matrix-%d' % n, '--org', 'CERT-HR', '--tlp', tlp,
                    '--distribution', dist]
            if dist == 'group':
                args += ['--group', 'wb-certs']
            rcx(*args, path)
            events[ip] = {'tlp': tlp, 'dist': dist, 'naming': naming, 'orgs': [], 'users': []}

srv = Server()
try:
    B = srv.base
    owner_analyst = users[('owner', 'analyst')]['key']
    st, _, page = call(B, 'GET', '/api/v1/events?limit=1000', owner_analyst)
    if st != 200:
        raise SystemExit('owner cannot list events: %s %s' % (st, page))
    ids = {e['source.ip']: int(e['rcx.id']) for e in page['events']}
    if set(ids) != set(events):
        raise SystemExit('owner sees %d of %d events' % (len(ids), len(events)))
    # name recipients through the API: AMBER(+STRICT) → CERT-RS; RED → the analyst of CERT-AL
    for ip, ev in events.items():
        if ev['naming'] != 'named':
            continue
        body = {'tlp': ev['tlp'], 'distribution': ev['dist'], 'group': 'wb-certs' if ev['dist'] == 'group' else None}
        if ev['tlp'] == 'red':
            body['users'] = [users[('other', 'analyst')]['email']]
            ev['users'] = [users[('other', 'analyst')]['id']]
        else:
            body['orgs'] = ['CERT-RS']
            ev['orgs'] = [org_ids['CERT-RS']]
        st, _, res = call(B, 'POST', '/api/v1/events/%d/share' % ids[ip], owner_analyst, body)
        if st != 200:
            fail('share %s: %s %s' % (ip, st, res))
    # a reader of another organisation may not share the owner's events
    st, _, _ = call(B, 'POST', '/api/v1/events/%d/share' % ids['198.51.100.1'], users[('recipient', 'admin')]['key'],
                    {'tlp': 'clear', 'distribution': 'federation'})
    if st not in (403, 404):
        fail('a foreign admin could share an event: %s' % st)

    # ---- the rule, restated independently (docs/TRUST.md) ----
    group_members = {'CERT-HR', 'CERT-ME'}
    parent = {name: p for _r, (name, _c, _k, p) in ORGS.items()}

    def expect(viewer, ev):
        if viewer is None:  # anonymous
            return ev['tlp'] == 'clear' and ev['dist'] == 'federation'
        org, role, uid = viewer['org'], viewer['role'], viewer['id']
        reader = role != 'reporter'
        if org == 'CERT-HR' and reader:
            return True
        reach = {'org': False, 'group': org in group_members, 'node': True, 'federation': True}[ev['dist']]
        if not reach:
            return False
        named_org = org_ids[org] in ev['orgs']
        named_parent = parent[org] is not None and org_ids[parent[org]] in ev['orgs']
        return {
            'clear': True,
            'green': reader,
            'amber': reader and (ev['dist'] == 'group' or named_org or named_parent),
            'amber+strict': reader and (ev['dist'] == 'group' or named_org),
            'red': reader and uid in ev['users'],
        }[ev['tlp']]

    viewers = [None] + [dict(v, role=k[1]) for k, v in users.items()]
    cells = visible_cells = 0
    for v in viewers:
        name = 'anonymous' if v is None else v['email']
        key = None if v is None else v['key']
        want = {ip for ip, ev in events.items() if expect(v, ev)}
        member = v is not None
        # 1. list (anonymous callers have no REST read path yet: 401)
        st, _, page = call(B, 'GET', '/api/v1/events?limit=1000', key)
        got = {e['source.ip'] for e in page['events']} if st == 200 else set()
        if st != (200 if member else 401):
            fail('%s: list answered %s' % (name, st))
        if member and got != want:
            fail('%s: list %s, rule %s' % (name, sorted(got), sorted(want)))
        # 2. count
        st, _, res = call(B, 'GET', '/api/v1/events/count', key)
        if member and (st != 200 or res['count'] != len(want)):
            fail('%s: count %s %s, rule %d' % (name, st, res, len(want)))
        if not member and st != 401:
            fail('%s: count answered %s' % (name, st))
        # 3. single GET, every event: visible → 200, invisible → 404 exactly as if absent
        for ip, eid in ids.items():
            st, _, res = call(B, 'GET', '/api/v1/events/%d' % eid, key)
            cells += 1
            if not member:
                if st != 401:
                    fail('%s: GET answered %s' % (name, st))
                continue
            visible_cells += ip in want
            ok = st == 200 and res.get('source.ip') == ip
            if ok != (ip in want):
                fail('%s: GET %s (%s) answered %s, rule %s' % (name, ip, events[ip], st, ip in want))
            if not ok and st != 404:
                fail('%s: an invisible event answered %s, not 404' % (name, st))
        # 4. the CLI read path
        if member:
            p = rcx('events', '--as', v['email'], check=False)
            got_cli = {json.loads(l)['source.ip'] for l in p.stdout.splitlines() if l.strip()}
            if got_cli != want:
                fail('%s: rcx events --as %s, rule %s' % (name, sorted(got_cli), sorted(want)))
    print('visibility matrix: %d viewers x %d events, %d single-GET cells, %d visible' %
          (len(viewers), len(events), cells, visible_cells))
    if visible_cells == 0 or visible_cells == cells:
        fail('the matrix is degenerate')

    # ---- cursor paging: pages of 7 (answered whole) add up to the streamed page of 1000 ----
    seen, after, pages = [], None, 0
    while True:
        st, _, page = call(B, 'GET', '/api/v1/events?limit=7' + ('&after=' + after if after else ''), owner_analyst)
        if st != 200:
            fail('paging answered %s' % st)
            break
        seen += [e['rcx.id'] for e in page['events']]
        pages += 1
        after = page['next']
        if after is None or pages > 20:
            break
    if sorted(seen) != sorted(ids.values()) or len(seen) != len(set(seen)) or pages != (len(ids) + 6) // 7:
        fail('paging by 7 gave %d events in %d pages, expected %d' % (len(seen), pages, len(ids)))

    # ---- authentication, sessions, CSRF, errors ----
    st, h, res = call(B, 'GET', '/api/v1/events')
    if st != 401 or res['error']['code'] != 'unauthenticated':
        fail('no credentials: %s %s' % (st, res))
    st, _, res = call(B, 'GET', '/api/v1/events', 'rcx_000000000000_' + '0' * 64)
    if st != 401:
        fail('a wrong key answered %s' % st)
    st, _, res = call(B, 'GET', '/api/v1/nothing-here', owner_analyst)
    if st != 404 or 'error' not in res:
        fail('unknown route: %s %s' % (st, res))
    st, h, res = call(B, 'DELETE', '/api/v1/events', owner_analyst)
    if st != 405 or 'GET' not in (h.get('Allow') or ''):
        fail('wrong method: %s %s' % (st, h.get('Allow')))
    st, _, res = call(B, 'GET', '/api/v1/events?since=yesterday-ish', owner_analyst)
    if st != 400 or res['error']['code'] not in ('invalid_argument', 'parse_error', 'invalid'):
        fail('bad filter: %s %s' % (st, res))
    st, h, res = call(B, 'POST', '/api/v1/session', body={'email': users[('owner', 'admin')]['email'], 'password': 'nope nope nope'})
    if st != 401:
        fail('wrong password answered %s' % st)
    st, h, res = call(B, 'POST', '/api/v1/session', body={'email': users[('owner', 'admin')]['email'], 'password': PASSWORD})
    cookie = (h.get('Set-Cookie') or '').split(';')[0]
    attrs = (h.get('Set-Cookie') or '').lower()
    if st != 200 or not cookie.startswith('rcx_session=') or 'httponly' not in attrs or 'samesite=strict' not in attrs:
        fail('login: %s %s %s' % (st, res, h.get('Set-Cookie')))
    csrf = res.get('csrf') if isinstance(res, dict) else None
    st, _, me = call(B, 'GET', '/api/v1/me', headers={'Cookie': cookie})
    if st != 200 or me['user']['email'] != users[('owner', 'admin')]['email']:
        fail('/me with the session: %s %s' % (st, me))
    st, _, res = call(B, 'POST', '/api/v1/apikeys', body={'label': 'x'}, headers={'Cookie': cookie})
    if st != 403 or res['error']['code'] != 'csrf':
        fail('POST without the CSRF token answered %s %s' % (st, res))
    st, _, res = call(B, 'POST', '/api/v1/apikeys', body={'label': 'x'}, headers={'Cookie': cookie, 'X-CSRF-Token': csrf or ''})
    if st != 201 or not res['key'].startswith('rcx_'):
        fail('POST with the CSRF token: %s %s' % (st, res))
    else:
        st2, _, _ = call(B, 'GET', '/api/v1/me', res['key'])
        if st2 != 200:
            fail('a key made through the API does not work: %s' % st2)
    st, _, _ = call(B, 'DELETE', '/api/v1/session', headers={'Cookie': cookie})
    if st != 403:
        fail('logout without the CSRF token answered %s' % st)
    st, _, _ = call(B, 'DELETE', '/api/v1/session', headers={'Cookie': cookie, 'X-CSRF-Token': csrf or ''})
    if st != 204:
        fail('logout answered %s' % st)
    st, _, _ = call(B, 'GET', '/api/v1/me', headers={'Cookie': cookie})
    if st != 401:
        fail('the session still works after logout: %s' % st)
    # roles: a readonly user cannot add users; an org admin only in its own org; audit only node admins
    st, _, _ = call(B, 'POST', '/api/v1/users', users[('recipient', 'readonly')]['key'],
                    {'email': 'x@y.example', 'org': 'CERT-RS', 'role': 'analyst', 'password': PASSWORD})
    if st != 403:
        fail('readonly added a user: %s' % st)
    st, _, _ = call(B, 'POST', '/api/v1/users', users[('recipient', 'admin')]['key'],
                    {'email': 'x@y.example', 'org': 'CERT-HR', 'role': 'analyst', 'password': PASSWORD})
    if st != 403:
        fail("an org admin added a user to another org: %s" % st)
    st, _, res = call(B, 'POST', '/api/v1/users', users[('recipient', 'admin')]['key'],
                      {'email': 'new@cert-rs.example', 'org': 'CERT-RS', 'role': 'analyst', 'password': PASSWORD})
    if st != 201:
        fail('an org admin could not add a user to its org: %s %s' % (st, res))
    st, _, _ = call(B, 'GET', '/api/v1/audit', users[('recipient', 'admin')]['key'])
    if st != 403:
        fail('an org admin read the audit log: %s' % st)
    root_key = rcx('apikey', 'create', 'root@hr.example').stdout.strip()
    st, _, res = call(B, 'GET', '/api/v1/audit?limit=1000', root_key)
    actions = {e['action'] for e in res.get('entries', [])} if st == 200 else set()
    for a in ('init', 'org.add', 'user.add', 'apikey.create', 'event.share', 'read', 'login', 'login.failed'):
        if a not in actions:
            fail('audit log has no %s entry (has %s)' % (a, sorted(actions)))
    st, _, res = call(B, 'GET', '/api/v1/audit/verify', root_key)
    if st != 200 or not res['ok']:
        fail('audit verify over the API: %s %s' % (st, res))

    # ---- OpenAPI: the description and the server's routes are the same set ----
    st, _, doc = call(B, 'GET', '/api/v1/openapi.json')
    if st != 200 or doc.get('openapi', '').split('.')[:2] != ['3', '1']:
        fail('openapi.json: %s' % st)
    else:
        documented = {(m.upper(), p) for p, ops in doc['paths'].items() for m in ops}
        served = {tuple(l.split(' ', 1)) for l in rcx('serve', '--routes').stdout.splitlines()}
        served = {(m, p) for m, p in served if p.startswith('/api/')}
        for m, p in sorted(served - documented):
            fail('route %s %s is not in openapi.json' % (m, p))
        for m, p in sorted(documented - served):
            fail('openapi.json documents %s %s, which the server does not have' % (m, p))
        print('openapi: %d operations, all served' % len(documented))
finally:
    srv.stop()

# ---- rate limiting: a server with a tiny bucket ----
conf = os.path.join(TMP, 'rate.conf')
with open(conf, 'w') as f:
    f.write('[serve]\nrate_per_s = 1\nrate_burst = 5\n')
srv = Server(conf)
try:
    statuses = [call(srv.base, 'GET', '/api/v1/me', users[('owner', 'analyst')]['key']) for _ in range(12)]
    limited = [s for s in statuses if s[0] == 429]
    if not limited:
        fail('no 429 after 12 requests with a burst of 5: %s' % [s[0] for s in statuses])
    elif not limited[0][1].get('Retry-After') or limited[0][2]['error']['code'] != 'rate_limited':
        fail('429 without Retry-After or error body: %s' % (limited[0],))
finally:
    srv.stop()

# ---- the audit chain detects tampering ----
p = rcx('audit', 'verify', check=False)
if p.returncode != 0 or not json.loads(p.stdout)['ok']:
    fail('rcx audit verify on an untouched log: %s %s' % (p.returncode, p.stdout))
for what, sql, problem in [
        ('edited', "UPDATE audit SET detail = '{\"forged\":1}' WHERE seq = 3", 'edited'),
        ('removed', 'DELETE FROM audit WHERE seq = 3', 'removed')]:
    copy = os.path.join(TMP, 'tamper-%s.db' % what)
    src = sqlite3.connect(DB)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute(sql)
    dst.commit()
    dst.close()
    p = subprocess.run([RCX, '--db', copy, 'audit', 'verify'], capture_output=True, text=True, env=ENV)
    out = json.loads(p.stdout) if p.stdout.strip() else {}
    if p.returncode == 0 or out.get('problem') != problem or out.get('seq') not in (3, 4):
        fail('audit verify after an %s entry: rc %d %s' % (what, p.returncode, p.stdout))

if FAILURES:
    print('%d failures' % len(FAILURES))
    sys.exit(1)
print('ok')
