import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MAILBOX, mailboxReader } from '../../runner/observe/mail-watcher.ts';
import {
  BODY_LIMIT,
  decodeEncodedWords,
  isFromLine,
  MboxReader,
  messageKey,
  parseMbox,
  parseReceived,
  type MailMessage,
} from '../../runner/observe/mbox.ts';

/**
 * Two messages as Postfix's local delivery appends them to /var/mail/lab: the first from lb1's
 * notify.sh (msmtp), the second keepalived's own smtp_alert from lb2. Postfix folds its Received
 * header over three lines; the first body has a line starting with "From " stored as ">From ".
 */
const FIRST = [
  'From root@lb1.lab  Mon Nov 30 02:00:00 2026',
  'Return-Path: <root@lb1.lab>',
  'X-Original-To: ops@example.com',
  'Delivered-To: ops@example.com',
  'Received: from lb1 (unknown [10.88.5.11])',
  '\tby mail (Postfix) with ESMTP id 7971D19414A',
  '\tfor <ops@example.com>; Mon, 30 Nov 2026 02:00:00 +0000 (UTC)',
  'Subject: lb1 to be master: 10.88.5.100 floating',
  'To: ops@example.com',
  'Message-Id: <20261130020000.7971D19414A@mail>',
  'Date: Mon, 30 Nov 2026 02:00:00 +0000 (UTC)',
  'From: root@lb1.lab',
  '',
  'VI_1 on lb1 is now MASTER.',
  '>From now on lb1 serves 10.88.5.100.',
  '',
];
const SECOND = [
  'From keepalived@lb2.lab  Mon Nov 30 02:00:04 2026',
  'Return-Path: <keepalived@lb2.lab>',
  'X-Original-To: ops@example.com',
  'Received: from lb2 (unknown [10.88.5.12]) by mail (Postfix) with ESMTP id 2B4E4194150 for <ops@example.com>; Mon, 30 Nov 2026 02:00:04 +0000 (UTC)',
  'Subject: [lb2] VRRP Instance VI_1 - Entering BACKUP state',
  'X-Mailer: Keepalived',
  'To: ops@example.com',
  '',
  '=> VRRP Instance is nolonger owning VRRP VIPs <=',
  '',
];
const MBOX = [...FIRST, ...SECOND].join('\n');

describe('parseMbox', () => {
  it('splits a Postfix mbox into its messages', () => {
    const messages = parseMbox(MBOX);
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.subject)).toEqual(['lb1 to be master: 10.88.5.100 floating', '[lb2] VRRP Instance VI_1 - Entering BACKUP state']);
  });

  it('reads the envelope sender, recipient, client, HELO name, queue id and Message-Id', () => {
    const [first, second] = parseMbox(MBOX);
    expect(first).toMatchObject({
      envelopeFrom: 'root@lb1.lab',
      to: 'ops@example.com',
      client: '10.88.5.11',
      helo: 'lb1',
      queueId: '7971D19414A',
      messageId: '<20261130020000.7971D19414A@mail>',
    });
    expect(second).toMatchObject({ envelopeFrom: 'keepalived@lb2.lab', to: 'ops@example.com', client: '10.88.5.12', helo: 'lb2', queueId: '2B4E4194150' });
    expect(second!.messageId).toBeUndefined();
  });

  it('unfolds a folded header with single spaces', () => {
    const [first] = parseMbox(MBOX);
    expect(first!.headers.find((h) => h.name === 'Received')!.value).toBe(
      'from lb1 (unknown [10.88.5.11]) by mail (Postfix) with ESMTP id 7971D19414A for <ops@example.com>; Mon, 30 Nov 2026 02:00:00 +0000 (UTC)',
    );
    expect(first!.headers.map((h) => h.name)).toEqual(['Return-Path', 'X-Original-To', 'Delivered-To', 'Received', 'Subject', 'To', 'Message-Id', 'Date', 'From']);
  });

  it('unescapes ">From " body lines and drops the closing empty line', () => {
    const [first, second] = parseMbox(MBOX);
    expect(first!.body).toBe('VI_1 on lb1 is now MASTER.\nFrom now on lb1 serves 10.88.5.100.');
    expect(second!.body).toBe('=> VRRP Instance is nolonger owning VRRP VIPs <=');
  });

  it('takes To when there is no X-Original-To, and reads CRLF line ends', () => {
    const text = ['From a@b  Mon Nov 30 02:00:00 2026', 'To: admin@example.org', 'Subject: hi', '', 'body', ''].join('\r\n');
    expect(parseMbox(text)).toEqual([
      { envelopeFrom: 'a@b', headers: [{ name: 'To', value: 'admin@example.org' }, { name: 'Subject', value: 'hi' }], subject: 'hi', to: 'admin@example.org', body: 'body' },
    ]);
  });

  it('ignores text before the first From line, and an empty mailbox has no messages', () => {
    expect(parseMbox(`garbage\nmore garbage\n${SECOND.join('\n')}`).map((m) => m.queueId)).toEqual(['2B4E4194150']);
    expect(parseMbox('')).toEqual([]);
  });

  it('cuts a long body to BODY_LIMIT characters', () => {
    const text = ['From a@b  Mon Nov 30 02:00:00 2026', 'Subject: long', '', 'x'.repeat(BODY_LIMIT + 100), ''].join('\n');
    expect(parseMbox(text)[0]!.body).toHaveLength(BODY_LIMIT);
  });

  it('knows a From line only at the start, with the space', () => {
    expect(isFromLine('From root@lb1.lab  Mon Nov 30 02:00:00 2026')).toBe(true);
    expect(isFromLine('>From now on')).toBe(false);
    expect(isFromLine('From: root@lb1.lab')).toBe(false);
  });
});

describe('parseReceived', () => {
  it('reads an IPv4 client, the HELO name and the queue id', () => {
    expect(parseReceived('from lb1 (unknown [10.88.5.11]) by mail (Postfix) with ESMTP id 7971D19414A for <ops@example.com>; Mon, 30 Nov 2026 02:00:00 +0000 (UTC)')).toEqual({
      helo: 'lb1',
      client: '10.88.5.11',
      queueId: '7971D19414A',
    });
  });
  it('reads a reverse-resolved name and an IPv6 client', () => {
    expect(parseReceived('from lb1.lab (lb1.lab [IPv6:fd00::11]) by mail (Postfix) with ESMTPS id 4dQ1xj3Hk0z9sRP')).toEqual({
      helo: 'lb1.lab',
      client: 'fd00::11',
      queueId: '4dQ1xj3Hk0z9sRP',
    });
  });
  it('reads nothing from a missing header, and only the id from a local pickup', () => {
    expect(parseReceived(undefined)).toEqual({});
    expect(parseReceived('')).toEqual({});
    expect(parseReceived('by mail (Postfix, from userid 0) with local id 3F2A1194; Mon, 30 Nov 2026 02:00:00 +0000 (UTC)')).toEqual({ queueId: '3F2A1194' });
  });
});

describe('decodeEncodedWords', () => {
  it('decodes B and Q encodings', () => {
    expect(decodeEncodedWords('=?UTF-8?B?bGIxIGlzIE1BU1RFUg==?=')).toBe('lb1 is MASTER');
    expect(decodeEncodedWords('=?utf-8?q?lb1_ist_jetzt_=C3=BCber_MASTER?=')).toBe('lb1 ist jetzt über MASTER');
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Zust=E4nd?=')).toBe('Zuständ');
  });
  it('joins adjacent encoded words without the whitespace between them, and keeps plain text around them', () => {
    expect(decodeEncodedWords('=?UTF-8?B?bGIxIOKGkiA=?= =?UTF-8?B?TUFTVEVS?=')).toBe('lb1 → MASTER');
    expect(decodeEncodedWords('[lb1] =?UTF-8?Q?=C3=A9tat?= MASTER')).toBe('[lb1] état MASTER');
  });
  it('leaves plain text and an unknown charset as written', () => {
    expect(decodeEncodedWords('[lb1] VRRP Instance VI_1 - Entering MASTER state')).toBe('[lb1] VRRP Instance VI_1 - Entering MASTER state');
    expect(decodeEncodedWords('=?x-no-such-charset?B?TUFTVEVS?=')).toBe('=?x-no-such-charset?B?TUFTVEVS?=');
  });
  it('is applied to the Subject header', () => {
    const text = ['From a@b  Mon Nov 30 02:00:00 2026', 'Subject: =?UTF-8?B?bGIxIGlzIE1BU1RFUg==?=', '', 'x', ''].join('\n');
    expect(parseMbox(text)[0]!.subject).toBe('lb1 is MASTER');
  });
});

describe('messageKey', () => {
  const base: MailMessage = { headers: [{ name: 'Subject', value: 'hi' }], subject: 'hi', body: 'text' };
  it('prefers the queue id, then the Message-Id, then the text', () => {
    expect(messageKey({ ...base, queueId: '7971D19414A', messageId: '<a@b>' })).toBe('queue:7971D19414A');
    expect(messageKey({ ...base, messageId: '<a@b>' })).toBe('id:<a@b>');
    expect(messageKey({ ...base, envelopeFrom: 'root@lb1' })).toBe('text:root@lb1|Subject:hi|text');
    expect(messageKey(base)).toBe('text:|Subject:hi|text');
  });
  it('gives the same key to the same delivery parsed twice, and different keys to two deliveries', () => {
    const [a, b] = parseMbox(MBOX);
    expect(messageKey(parseMbox(FIRST.join('\n'))[0]!)).toBe(messageKey(a!));
    expect(messageKey(a!)).not.toBe(messageKey(b!));
  });
});

describe('MboxReader', () => {
  it('hands over a message when the next From line arrives', () => {
    const reader = new MboxReader();
    const out: MailMessage[] = [];
    for (const line of FIRST) {
      const m = reader.push(line);
      if (m) out.push(m);
    }
    expect(out).toEqual([]);
    const first = reader.push(SECOND[0]!);
    expect(first).toEqual(parseMbox(FIRST.join('\n'))[0]);
  });

  it('takeComplete hands over the newest message once it ends with the closing empty line, and only once', () => {
    const reader = new MboxReader();
    for (const line of FIRST.slice(0, -1)) reader.push(line);
    expect(reader.takeComplete()).toBeUndefined(); // no closing empty line yet
    reader.push('');
    const m = reader.takeComplete();
    expect(m?.queueId).toBe('7971D19414A');
    expect(m?.body).toBe('VI_1 on lb1 is now MASTER.\nFrom now on lb1 serves 10.88.5.100.');
    expect(reader.takeComplete()).toBeUndefined();
    // Nor is it handed over again when the next message starts.
    expect(reader.push(SECOND[0]!)).toBeUndefined();
  });

  it('does not take a header block that has not reached its body yet', () => {
    const reader = new MboxReader();
    reader.push('From root@lb1.lab  Mon Nov 30 02:00:00 2026');
    expect(reader.takeComplete()).toBeUndefined();
    reader.push('Subject: lb1 to be master');
    reader.push('');
    expect(reader.takeComplete()).toBeUndefined(); // the empty line ends the headers, the body is still to come
    reader.push('body');
    expect(reader.takeComplete()).toBeUndefined();
    reader.push('');
    expect(reader.takeComplete()).toMatchObject({ subject: 'lb1 to be master', body: 'body' });
  });

  it('takes a message with an empty body (two empty lines in a row)', () => {
    const reader = new MboxReader();
    for (const line of ['From a@b  Mon Nov 30 02:00:00 2026', 'Subject: empty', '', '']) reader.push(line);
    expect(reader.takeComplete()).toMatchObject({ subject: 'empty', body: '' });
  });

  it('drops lines that come before any From line (the middle of a message already handed over)', () => {
    const reader = new MboxReader();
    expect(reader.push('Subject: orphan')).toBeUndefined();
    expect(reader.push('')).toBeUndefined();
    expect(reader.takeComplete()).toBeUndefined();
    for (const line of SECOND) reader.push(line);
    expect(reader.takeComplete()?.subject).toBe('[lb2] VRRP Instance VI_1 - Entering BACKUP state');
  });
});

describe('mailboxReader', () => {
  const burstOver = () => new Promise<void>((resolve) => setImmediate(resolve));

  function reader() {
    const got: MailMessage[] = [];
    const push = mailboxReader((m) => got.push(m));
    const feed = (lines: readonly string[]) => lines.forEach(push);
    return { got, feed };
  }

  it("is fed by the grader's eyes, which follow the mailbox with tail -F from its first line", () => {
    const eyes = readFileSync(new URL('../../docker/node/rootfs/usr/local/sbin/kalab-eyes', import.meta.url), 'utf8');
    expect(MAILBOX).toBe('/var/mail/lab');
    expect(eyes).toContain(`tail -F -n +1 ${MAILBOX} 2>/dev/null | tagged M`);
  });

  it('completes the newest message at the end of a burst, not before', async () => {
    const { got, feed } = reader();
    feed(FIRST);
    expect(got).toEqual([]); // the burst is not over yet
    await burstOver();
    expect(got.map((m) => m.queueId)).toEqual(['7971D19414A']);
  });

  it('reports each message of a burst once, in order', async () => {
    const { got, feed } = reader();
    feed([...FIRST, ...SECOND]);
    expect(got.map((m) => m.queueId)).toEqual(['7971D19414A']); // the second From line closed the first
    await burstOver();
    expect(got.map((m) => m.queueId)).toEqual(['7971D19414A', '2B4E4194150']);
    expect(got[1]!.subject).toBe('[lb2] VRRP Instance VI_1 - Entering BACKUP state');
  });

  it('reports a message seen again after a mailbox rewrite or restarted eyes (same queue id) only once', async () => {
    const { got, feed } = reader();
    feed(FIRST);
    await burstOver();
    // A mail reader rewrote the mailbox (or the eyes restarted): tail -F prints it all again, then a new message arrives.
    feed(FIRST);
    await burstOver();
    feed(SECOND);
    await burstOver();
    expect(got.map((m) => m.queueId)).toEqual(['7971D19414A', '2B4E4194150']);
  });

  it('waits for the rest of a message split over two bursts', async () => {
    const { got, feed } = reader();
    feed(FIRST.slice(0, 8)); // the headers, up to Subject
    await burstOver();
    expect(got).toEqual([]);
    feed(FIRST.slice(8));
    await burstOver();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ subject: 'lb1 to be master: 10.88.5.100 floating', queueId: '7971D19414A', client: '10.88.5.11' });
  });
});
