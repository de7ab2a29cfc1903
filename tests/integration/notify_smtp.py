#!/usr/bin/env python3
"""Incident notifications through the real binary to a real SMTP server on loopback.

A test-owned SMTP server (tests/tools/smtp_sink.py, asyncio, a separate process) receives what
`rcx notify send` delivers over libcurl. The node is SRB-CERT (RS); CERT.hr and CIRT.me are the
national CERTs of HR and ME. An incident about a Serbian bank names an HR domain (routed to
CERT.hr, which the owner named as a recipient) and, in a note, an ME domain (routed to CIRT.me,
not a recipient). Checked: exactly the expected messages arrive (owner's contact, CERT.hr with the
victim's pseudonym, CIRT.me with existence only); the victim's name is in no message abroad;
every delivery is audited and the audit chain verifies; with the server stopped a message stays
pending with its error and attempt count, is not retried before its backoff, and is delivered by a
later run (--retry-now); `rcx notify send` without [smtp] fails with the configuration exit code;
`rcx serve` with [smtp] sends a new message by itself.

usage: notify_smtp.py BUILD/rcx
"""
import email
import email.header
import email.policy
import json
import os
import subprocess
import sys
import tempfile
import time

RCX = os.path.abspath(sys.argv[1])
SINK = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools', 'smtp_sink.py')
TMP = tempfile.mkdtemp(prefix='rcx-notify-')
ENV = dict(os.environ, RCX_PWHASH_COST='min', RCX_DB=os.path.join(TMP, 'rcx.db'))
CONF = os.path.join(TMP, 'rcx.ini')
MAILS = os.path.join(TMP, 'mails.jsonl')
KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
VICTIM = 'Banka Poštanska'
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print('FAIL:', what)


def write_config(port):
    with open(CONF, 'w') as f:
        f.write('[incident]\npseudonym_key = %s\n\n' % KEY)
        f.write('[routing]\ndomain example.hr = CERT.hr\ndomain example.me = CIRT.me\n\n')
        if port:
            f.write('[smtp]\nhost = 127.0.0.1\nport = %d\nfrom = rcx@cert.rs\n' % port)


def rcx(*args, stdin=None, ok=True):
    p = subprocess.run([RCX, '--config', CONF] + list(args), input=stdin, capture_output=True, text=True, env=ENV)
    if ok and p.returncode != 0:
        print('rcx', ' '.join(args), '->', p.returncode, p.stderr)
        sys.exit(1)
    return p


class Sink:
    def __init__(self):
        self.p = subprocess.Popen([sys.executable, SINK, MAILS], stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().split()
        assert line and line[0] == 'PORT', line
        self.port = int(line[1])

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=30)


def mails():
    if not os.path.exists(MAILS):
        return []
    with open(MAILS, encoding='utf-8') as f:
        return [json.loads(line) for line in f]


def decoded(m):
    """Subject and body of a received message as text (RFC 2047 and quoted-printable undone)."""
    msg = email.message_from_string(m['data'], policy=email.policy.default)
    return str(msg['subject']), msg.get_content(), msg


def outbox(*flags):
    return [json.loads(line) for line in rcx('notify', 'list', *flags).stdout.splitlines()]


write_config(0)
rcx('init', '--org', 'SRB-CERT', '--country', 'RS', '--admin', 'root@cert.rs', stdin='correct horse battery\n')
rcx('org', 'set', 'SRB-CERT', '--contact', 'Duty desk <duty@cert.rs> +381 11 000')
rcx('org', 'add', 'CERT.hr', '--country', 'HR', '--kind', 'national-cert', '--contact', 'HR duty <duty@cert.hr>')
rcx('org', 'add', 'CIRT.me', '--country', 'ME', '--kind', 'national-cert', '--contact', 'ME duty <cirt@cirt.me>')
rcx('org', 'add', VICTIM, '--country', 'RS', '--kind', 'oes', '--sector', 'banking')

# without [smtp], send refuses (configuration exit code), list works
p = rcx('notify', 'send', ok=False)
check(p.returncode != 0 and 'smtp' in p.stderr, 'notify send without [smtp] fails: %r' % (p.stderr,))

out = rcx('incident', 'add', '--org', 'SRB-CERT', '--title', 'Phishing against ' + VICTIM, '--affected', VICTIM,
          '--text', 'Customers of %s get mail linking to hxxps://login.example[.]hr/ (%s)' % (VICTIM, VICTIM),
          '--country', 'RS', '--sector', 'banking', '--type', 'phishing', '--severity', 'high', '--tlp', 'amber',
          '--distribution', 'node', '--recipient', 'CERT.hr').stdout
inc = json.loads(out)['id']
rcx('incident', 'note', str(inc), 'The same kit also at www.example.me, says ' + VICTIM)
pseudonym = json.loads(rcx('incident', 'show', str(inc), '--as', 'CERT.hr').stdout)['victim']
check(pseudonym.startswith('victim-'), 'CERT.hr sees a pseudonym: %r' % pseudonym)

queued = outbox('--pending')
check(sorted(m['to'] for m in queued) == ['cirt@cirt.me', 'duty@cert.hr', 'duty@cert.rs'],
      'three messages queued: %r' % [m['to'] for m in queued])

# deliver them
sink = Sink()
write_config(sink.port)
p = rcx('notify', 'send', ok=False)
check(p.returncode == 0, 'send exit 0: %d %s' % (p.returncode, p.stderr))
check(json.loads(p.stdout) == {'sent': 3, 'failed': 0, 'pending': 0}, 'summary: %r' % p.stdout)
got = mails()
check(len(got) == 3, 'sink received 3 messages, got %d' % len(got))
by_rcpt = {m['rcpt'][0]: m for m in got}
check(sorted(by_rcpt) == ['cirt@cirt.me', 'duty@cert.hr', 'duty@cert.rs'], 'recipients: %r' % sorted(by_rcpt))
for m in got:
    check(m['from'] == 'rcx@cert.rs', 'envelope sender: %r' % m['from'])
    subject, body, msg = decoded(m)
    check(msg['Message-ID'] and msg['Date'] and msg['To'] == m['rcpt'][0], 'headers of %s' % m['rcpt'])
    check(msg.get_content_charset() == 'utf-8', 'charset of %s' % m['rcpt'])
    check(('#%d' % inc) in subject, 'incident number in the subject of %s: %r' % (m['rcpt'], subject))
    # TLP:AMBER: no free text in clear, to anyone
    check('login.example' not in body and 'Phishing against' not in subject, 'no AMBER text to %s' % m['rcpt'])
    if m['rcpt'][0] != 'duty@cert.rs':
        for name in (VICTIM, 'Poštanska', 'Postanska', 'Banka'):
            check(name.lower() not in (subject + body).lower() and name not in m['data'],
                  'victim name %r never abroad (%s)' % (name, m['rcpt']))
hr_subject, hr_body, _ = decoded(by_rcpt['duty@cert.hr'])
check(pseudonym in hr_body, 'CERT.hr message names the pseudonym')
check('(HR)' in hr_body, 'CERT.hr message says its country')
me_subject, me_body, _ = decoded(by_rcpt['cirt@cirt.me'])
check(pseudonym not in me_body and 'not shared with your organisation' in me_body,
      'CIRT.me (not a recipient) learns only that the incident exists')
check(outbox('--pending') == [], 'nothing pending after the run')

# a second run sends nothing again
p = rcx('notify', 'send', ok=False)
check(json.loads(p.stdout) == {'sent': 0, 'failed': 0, 'pending': 0} and len(mails()) == 3, 'no double delivery')

# the server down: the message stays, with its error; backoff holds it; a later run delivers
sink.stop()
out = rcx('incident', 'add', '--org', 'SRB-CERT', '--title', 'DDoS on the portal', '--text', 'Flood since 10:00',
          '--country', 'RS', '--tlp', 'green').stdout
inc2 = json.loads(out)['id']
p = rcx('notify', 'send', ok=False)
check(p.returncode != 0, 'send with the server down exits non-zero')
check(json.loads(p.stdout) == {'sent': 0, 'failed': 1, 'pending': 1}, 'summary with the server down: %r' % p.stdout)
pend = outbox('--pending')
check(len(pend) == 1 and pend[0]['incident'] == inc2 and pend[0]['attempts'] == 1 and pend[0]['last_error'],
      'pending with its error: %r' % pend)
sink = Sink()
write_config(sink.port)
p = rcx('notify', 'send', ok=False)
check(json.loads(p.stdout) == {'sent': 0, 'failed': 0, 'pending': 1}, 'not retried before its backoff: %r' % p.stdout)
p = rcx('notify', 'send', '--retry-now', ok=False)
check(p.returncode == 0 and json.loads(p.stdout) == {'sent': 1, 'failed': 0, 'pending': 0},
      'a later run delivers it: %r' % p.stdout)
got = mails()
check(len(got) == 4 and got[-1]['rcpt'] == ['duty@cert.rs'], 'the late message arrived')
subject, body, _ = decoded(got[-1])
check('DDoS on the portal' in subject and 'Flood since 10:00' in body, 'GREEN: the owner reads the text')
sink.stop()

# rcx serve sends by itself with [smtp] configured (every [smtp] interval)
sink = Sink()
write_config(sink.port)
with open(CONF, 'a') as f:
    f.write('interval = 1s\n')
serve = subprocess.Popen([RCX, '--config', CONF, 'serve', '--listen', '127.0.0.1:0'], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=ENV)
line = serve.stdout.readline()
check(line.startswith('rcx: listening on'), 'serve started: %r' % line)
rcx('incident', 'add', '--org', 'SRB-CERT', '--title', 'Defacement', '--text', 'index.html replaced',
    '--country', 'RS', '--tlp', 'clear')
deadline = time.monotonic() + 120  # a bound for a stuck test, not a timing assertion
while len(mails()) < 5 and time.monotonic() < deadline:
    time.sleep(0.2)
serve.terminate()
serve.wait(timeout=60)
sink.stop()
check(len(mails()) == 5 and 'Defacement' in decoded(mails()[-1])[0], 'rcx serve delivered the new message')
check(outbox('--pending') == [], 'nothing pending after serve sent')

# every delivery audited; the chain verifies
entries = [json.loads(line) for line in rcx('audit', 'list').stdout.splitlines()]
sends = [e for e in entries if e.get('action') == 'notify.send']
check(len(sends) == 5, 'five notify.send audit entries, got %d' % len(sends))
p = rcx('audit', 'verify', ok=False)
check(p.returncode == 0 and json.loads(p.stdout).get('ok') is True, 'audit verify: %s' % p.stdout)

if FAILURES:
    print('%d failure(s)' % len(FAILURES))
    sys.exit(1)
print('ok')
