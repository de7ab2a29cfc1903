#!/usr/bin/env python3
"""rcx export --format stix through the real binary, checked against the OASIS STIX 2.1 JSON schemas.

Demo feeds of several kinds are ingested under every TLP; then, per classification type, an export is
validated object by object against the schema of its type (draft 2020-12; every schema file of
$RCX_CORPUS/stix2-json-schemas preloaded by its $id, no network), and a small export as a whole bundle.
Also checked: SCO ids are the UUIDv5 of STIX 2.1 §2.9 (recomputed here with Python's uuid module),
marking ids are the official TLP 2.0 (and with --tlp1 TLP 1.0) ones on every object, timestamps have
milliseconds, a re-export names every object alike, --as exports exactly what `rcx events --as` shows,
the export imports back (rcx import) into the same events, and the other export formats.

Skips (77) without the corpus or without Python's jsonschema (Debian: python3-jsonschema).

usage: stix_schema.py BUILD/rcx
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid

CORPUS = os.environ.get('RCX_CORPUS')
if not CORPUS or not os.path.isdir(os.path.join(CORPUS, 'stix2-json-schemas', 'schemas')):
    print('skip: no RCX_CORPUS with stix2-json-schemas')
    sys.exit(77)
try:
    import jsonschema
except ImportError:
    print('skip: Python jsonschema is not installed')
    sys.exit(77)
try:  # jsonschema >= 4.18 resolves $refs through referencing; Debian 12's 4.10 through RefResolver
    import referencing
    import referencing.jsonschema
except ImportError:
    referencing = None
if not hasattr(jsonschema, 'Draft202012Validator'):
    print('skip: this jsonschema has no draft 2020-12 validator')
    sys.exit(77)

RCX = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix='rcx-stix-')
ENV = dict(os.environ, RCX_PWHASH_COST='min', RCX_DB=os.path.join(TMP, 'rcx.db'))
FAILURES = []
SCO_NS = uuid.UUID('00abedb4-aa42-466c-9c01-fed23315a9b7')
TLP2 = {
    'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'clear',
    'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'green',
    'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'amber',
    'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'amber+strict',
    'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'red',
}
TLP1 = {
    'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
    'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
    'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
    'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
}
TIME_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
SCO_TYPES = {'ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'file', 'autonomous-system',
             'network-traffic'}


def fail(msg):
    FAILURES.append(msg)
    if len(FAILURES) <= 30:
        print('FAIL:', msg)


def rcx(*args, stdin=None, check=True, env=ENV):
    p = subprocess.run([RCX] + list(args), input=stdin, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise SystemExit('rcx %s failed (%d): %s' % (' '.join(args), p.returncode, p.stderr))
    return p


# ---- the schemas, by $id, and one validator per STIX type ----
SCHEMAS = {}
for path in glob.glob(os.path.join(CORPUS, 'stix2-json-schemas', 'schemas', '**', '*.json'), recursive=True):
    with open(path) as f:
        s = json.load(f)
    SCHEMAS[s['$id']] = s
REGISTRY = None
if referencing:
    REGISTRY = referencing.Registry().with_resources(
        (i, referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT202012))
        for i, s in SCHEMAS.items())
BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/'
SCHEMA_OF = {'marking-definition': 'common/marking-definition.json', 'bundle': 'common/bundle.json',
             'identity': 'sdos/identity.json', 'indicator': 'sdos/indicator.json',
             'observed-data': 'sdos/observed-data.json', 'relationship': 'sros/relationship.json',
             'sighting': 'sros/sighting.json'}
for t in SCO_TYPES:
    SCHEMA_OF[t] = 'observables/%s.json' % t
VALIDATORS = {}


def validator(t):
    if t not in VALIDATORS:
        schema = SCHEMAS[BASE + SCHEMA_OF[t]]
        if REGISTRY is not None:
            VALIDATORS[t] = jsonschema.Draft202012Validator(schema, registry=REGISTRY)
        else:  # every schema preloaded by its $id: nothing is fetched
            resolver = jsonschema.RefResolver(schema['$id'], schema, store=dict(SCHEMAS))
            VALIDATORS[t] = jsonschema.Draft202012Validator(schema, resolver=resolver)
    return VALIDATORS[t]


VALIDATED = collections.Counter()


def validate_objects(bundle, what):
    for o in bundle.get('objects', []):
        t = o.get('type')
        if t not in SCHEMA_OF:
            fail('%s: object of unexpected type %s' % (what, t))
            continue
        errors = sorted(validator(t).iter_errors(o), key=lambda e: list(e.path))
        if errors:
            fail('%s: %s %s: %s' % (what, t, o.get('id'), errors[0].message[:300]))
        VALIDATED[t] += 1


def canon(d):
    return json.dumps(d, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def sco_id(o):
    """The id STIX 2.1 §2.9 gives o, from its id-contributing properties."""
    t = o['type']
    if t in ('ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr'):
        props = {'value': o['value']}
    elif t == 'autonomous-system':
        props = {'number': o['number']}
    elif t == 'file':
        h = o['hashes']
        k = next(k for k in ('MD5', 'SHA-1', 'SHA-256', 'SHA-512') if k in h)
        props = {'hashes': {k: h[k]}}
        for p in ('name', 'extensions', 'parent_directory_ref'):
            if p in o:
                props[p] = o[p]
    elif t == 'network-traffic':
        props = {k: o[k] for k in ('start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols',
                                   'extensions') if k in o}
    return '%s--%s' % (t, uuid.uuid5(SCO_NS, canon(props)))


def check_bundle(bundle, what, tlp1=False):
    ids = set()
    for o in bundle.get('objects', []):
        t, oid = o['type'], o['id']
        ids.add(oid)
        if t == 'marking-definition':
            if oid not in TLP2 and oid not in TLP1:
                fail('%s: marking %s is not an official TLP id' % (what, oid))
            continue
        refs = o.get('object_marking_refs', [])
        tlps2 = [TLP2[r] for r in refs if r in TLP2]
        tlps1 = [TLP1[r] for r in refs if r in TLP1]
        if len(tlps2) != 1:
            fail('%s: %s has %d TLP 2.0 markings' % (what, oid, len(tlps2)))
        elif tlp1 and tlps2[0] != 'amber+strict' and tlps1 != [tlps2[0]]:
            fail('%s: %s lacks the TLP 1.0 marking of %s' % (what, oid, tlps2[0]))
        elif not tlp1 and tlps1:
            fail('%s: %s has a TLP 1.0 marking without --tlp1' % (what, oid))
        for r in refs:
            if r not in ids:
                fail('%s: %s refers to marking %s before it' % (what, oid, r))
        for k in ('created', 'modified', 'valid_from', 'first_observed', 'last_observed'):
            if k in o and not TIME_RE.match(o[k]):
                fail('%s: %s %s %r has no millisecond precision' % (what, oid, k, o[k]))
        for k in ('created_by_ref', 'source_ref', 'target_ref', 'src_ref', 'dst_ref'):
            if k in o and o[k] not in ids:
                fail('%s: %s %s %s not written before it' % (what, oid, k, o[k]))
        for r in o.get('object_refs', []):
            if r not in ids:
                fail('%s: %s object_refs %s not written before it' % (what, oid, r))
        if t in SCO_TYPES and sco_id(o) != oid:
            fail('%s: %s should be %s (STIX 2.1 §2.9)' % (what, oid, sco_id(o)))
        if t in ('observed-data', 'indicator') and 'labels' in o:
            if not all(re.match(r'^rsit:[a-z-]+="[a-z0-9-]+"$', lab) for lab in o['labels']):
                fail('%s: %s labels %s' % (what, oid, o['labels']))


def export(*args, env=ENV):
    p = rcx('export', '--format', 'stix', *args, env=env)
    return json.loads(p.stdout), p.stderr


def events_without_meta(env):
    out = rcx('events', env=env).stdout
    return sorted(canon({k: v for k, v in json.loads(line).items() if not k.startswith('rcx.')})
                  for line in out.splitlines())


def main():
    rcx('init', '--org', 'CERT.hr', '--country', 'HR', '--admin', 'admin@cert.hr', stdin='a long passphrase\n')
    rcx('org', 'add', 'SRB-CERT', '--country', 'RS', '--kind', 'national-cert')
    demo = os.path.join(TMP, 'demo')
    rcx('demo', 'generate', '--out', demo)
    conf = os.path.join(demo, 'rcx-demo.conf')
    feeds = [('feodotracker-ipblocklist.json', 'green'), ('urlhaus.csv', 'clear'), ('spamhaus-drop.txt', 'amber'),
             ('blocklist-ips.txt', 'green'), ('*-event4_honeypot_brute_force-*', 'red'),
             ('*-compromised_website-*', 'amber+strict'), ('*-event4_sinkhole_http-*', 'green'),
             ('*-scan_ssl_freak-*', 'amber')]
    for pattern, tlp in feeds:
        for path in glob.glob(os.path.join(demo, pattern)):
            rcx('--config', conf, 'ingest', '--org', 'CERT.hr', '--tlp', tlp, path)
    types = collections.Counter(json.loads(l).get('classification.type') for l in rcx('events').stdout.splitlines())
    print('event types:', dict(types))

    # every type, every object against its schema
    for t in sorted(types):
        b, _ = export('--type', t, '--limit', '300')
        check_bundle(b, 'type %s' % t)
        validate_objects(b, 'type %s' % t)
    b, _ = export('--limit', '300', '--tlp1')
    check_bundle(b, '--tlp1', tlp1=True)
    validate_objects(b, '--tlp1')
    small, _ = export('--limit', '10')
    errors = list(validator('bundle').iter_errors(small))
    if errors:
        fail('bundle: %s' % errors[0].message[:300])
    VALIDATED['bundle'] += 1
    empty, _ = export('--type', 'outage')
    if list(validator('bundle').iter_errors(empty)) or 'objects' in empty:
        fail('an empty export is not a valid bundle without objects: %s' % empty)
    print('validated:', dict(VALIDATED))
    if sum(VALIDATED.values()) < 1000 or not {'indicator', 'observed-data', 'relationship', 'ipv4-addr',
                                               'network-traffic', 'url', 'domain-name', 'file', 'identity',
                                               'marking-definition'} <= set(VALIDATED):
        fail('the exports did not cover the object types: %s' % dict(VALIDATED))

    # the whole node: stable ids, then --as
    full, _ = export()
    again, _ = export()
    if full['objects'] != again['objects']:
        fail('a re-export differs (ids or content)')
    check_bundle(full, 'full export')
    n_events = int(rcx('events', '--count').stdout)
    n_od = sum(1 for o in full['objects'] if o['type'] == 'observed-data')
    if n_od != n_events:
        fail('full export: %d observed-data for %d events' % (n_od, n_events))
    srb, note = export('--as', 'SRB-CERT')
    seen = int(rcx('events', '--as', 'SRB-CERT', '--count').stdout)
    srb_od = [o for o in srb['objects'] if o['type'] == 'observed-data']
    if len(srb_od) != seen or seen == 0 or seen >= n_events:
        fail('--as SRB-CERT: %d observed-data, rcx events --as shows %d of %d' % (len(srb_od), seen, n_events))
    leaked = [o['id'] for o in srb['objects'] if any(TLP2.get(r) in ('amber', 'amber+strict', 'red')
                                                        for r in o.get('object_marking_refs', []))]
    if leaked:
        fail('--as SRB-CERT exported AMBER/RED objects it may not see: %s' % leaked[:3])
    if rcx('export', '--format', 'stix', '--as', 'nobody@nowhere', check=False).returncode == 0:
        fail('--as an unknown viewer succeeded')

    # round trip: the export imports back into the same events
    path = os.path.join(TMP, 'full.json')
    with open(path, 'w') as f:
        json.dump(full, f)
    env2 = dict(ENV, RCX_DB=os.path.join(TMP, 'rcx2.db'))
    rcx('init', '--org', 'CERT.hr', '--country', 'HR', '--admin', 'admin@cert.hr', stdin='a long passphrase\n',
        env=env2)
    summary = json.loads(rcx('import', path, env=env2).stdout)
    if summary['events'] != n_events or summary['quarantined'] != 0:
        fail('import of the export: %s for %d events' % (summary, n_events))
    if events_without_meta(env2) != events_without_meta(ENV):
        fail('the events imported from the export differ from the exported ones')

    # rcx import detects: an OASIS example bundle, and a MISP event (not yet: exit 12)
    ivy = os.path.join(CORPUS, 'stix2-examples', 'cti-documentation', 'poisonivy.json')
    if os.path.exists(ivy):
        got = json.loads(rcx('import', '--dry-run', ivy, env=env2).stdout)
        if got['events'] != 65 or got['quarantined'] != 62:
            fail('rcx import poisonivy.json: %s' % got)
    misp = os.path.join(TMP, 'misp.json')
    with open(misp, 'w') as f:
        json.dump({'Event': {'info': 'x', 'Attribute': [{'type': 'ip-dst', 'value': '192.0.2.1'}]}}, f)
    p = rcx('import', misp, check=False, env=env2)
    if p.returncode != 12 or 'not yet' not in p.stderr:
        fail('rcx import of a MISP event: exit %d, %r' % (p.returncode, p.stderr))

    # the other formats
    lines = rcx('export', '--format', 'intelmq-jsonl').stdout.splitlines()
    if len(lines) != n_events or any(k.startswith('rcx.') for l in lines[:100] for k in json.loads(l)):
        fail('intelmq-jsonl: %d lines for %d events, or rcx.* keys' % (len(lines), n_events))
    csv_lines = rcx('export', '--format', 'csv').stdout.splitlines()
    if len(csv_lines) != n_events + 1 or not csv_lines[0].startswith('time.source,time.observation,'):
        fail('csv: %d lines for %d events' % (len(csv_lines), n_events))
    p = rcx('export', '--format', 'misp', check=False)
    if p.returncode != 12 or 'not yet' not in p.stderr:
        fail('misp export: exit %d, %r' % (p.returncode, p.stderr))

    if FAILURES:
        print('%d failures' % len(FAILURES))
        return 1
    print('ok')
    return 0


sys.exit(main())
