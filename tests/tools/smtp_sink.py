#!/usr/bin/env python3
"""A small real SMTP server for the tests: listens on 127.0.0.1 (port 0 = any free port), speaks
enough SMTP (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) to receive
mail, and appends every message it accepts to OUT as one JSON line {"from", "rcpt", "data"}.
Prints "PORT <n>" on stdout once it listens. Stops on SIGTERM.

usage: smtp_sink.py OUT [PORT]
"""
import asyncio
import json
import signal
import sys

OUT = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 0
MAX_DATA = 10 * 1024 * 1024


def address(arg):
    """The address between < and > of 'FROM:<a@b> SIZE=1'."""
    lt, gt = arg.find('<'), arg.find('>')
    return arg[lt + 1:gt] if 0 <= lt < gt else arg.split(':', 1)[-1].strip()


async def session(reader, writer):
    async def reply(line):
        writer.write((line + '\r\n').encode())
        await writer.drain()

    await reply('220 sink.test ESMTP rcx test sink')
    mail_from, rcpt = None, []
    while True:
        raw = await reader.readline()
        if not raw:
            break
        line = raw.decode('utf-8', 'replace').rstrip('\r\n')
        verb = line[:4].upper()
        if verb == 'EHLO':
            await reply('250-sink.test')
            await reply('250-8BITMIME')
            await reply('250 SMTPUTF8')
        elif verb == 'HELO':
            await reply('250 sink.test')
        elif verb == 'MAIL':
            mail_from, rcpt = address(line[5:]), []
            await reply('250 OK')
        elif verb == 'RCPT':
            if mail_from is None:
                await reply('503 MAIL first')
                continue
            rcpt.append(address(line[5:]))
            await reply('250 OK')
        elif verb == 'DATA':
            if not rcpt:
                await reply('503 RCPT first')
                continue
            await reply('354 end with <CRLF>.<CRLF>')
            lines, size = [], 0
            while True:
                d = await reader.readline()
                if not d or d in (b'.\r\n', b'.\n'):
                    break
                if d.startswith(b'.'):
                    d = d[1:]
                size += len(d)
                if size > MAX_DATA:
                    break
                lines.append(d)
            with open(OUT, 'a', encoding='utf-8') as f:
                f.write(json.dumps({'from': mail_from, 'rcpt': rcpt,
                                    'data': b''.join(lines).decode('utf-8', 'replace')}) + '\n')
            mail_from, rcpt = None, []
            await reply('250 OK queued')
        elif verb == 'RSET':
            mail_from, rcpt = None, []
            await reply('250 OK')
        elif verb == 'NOOP':
            await reply('250 OK')
        elif verb == 'QUIT':
            await reply('221 bye')
            break
        else:
            await reply('502 not implemented')
    writer.close()


async def main():
    server = await asyncio.start_server(session, '127.0.0.1', PORT)
    print('PORT %d' % server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()


asyncio.run(main())
