/**
 * Reading the mail node's mailbox (/var/mail/lab): an mbox file, as Postfix's local delivery
 * writes it. Each message starts with a `From <sender>  <date>` line and ends with an empty line;
 * a body line that starts with "From " is stored as ">From ", so every "From " line starts a message.
 * Pure functions and a small line-fed reader, so the format is pinned by unit tests.
 */

export interface MailHeader {
  name: string;
  /** Unfolded (continuation lines joined with one space). */
  value: string;
}

export interface MailMessage {
  /** The envelope sender from the `From ` line (e.g. root@lb1). */
  envelopeFrom?: string;
  headers: MailHeader[];
  /** Decoded (RFC 2047 encoded-words), '' when there is none. */
  subject: string;
  /** The SMTP client address the receiving server recorded in the newest `Received:` header. */
  client?: string;
  /** The name the client gave in HELO/EHLO, from the same header. */
  helo?: string;
  /** X-Original-To, else To. */
  to?: string;
  /** Postfix's queue id from the newest `Received:` header: unique per delivery. */
  queueId?: string;
  messageId?: string;
  /** The body without the mbox's closing empty line, cut to BODY_LIMIT characters. */
  body: string;
}

/** An alert is a line or two; a learner's test mail may be longer, and only its start matters. */
export const BODY_LIMIT = 4096;

const FROM_LINE = /^From (\S*)/;

export function isFromLine(line: string): boolean {
  return FROM_LINE.test(line);
}

/** Split a whole mbox text into messages. Text before the first `From ` line is ignored. */
export function parseMbox(text: string): MailMessage[] {
  const messages: MailMessage[] = [];
  let current: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (isFromLine(line)) {
      if (current) messages.push(parseMessage(current));
      current = [line];
    } else if (current) current.push(line);
  }
  if (current) messages.push(parseMessage(current));
  return messages;
}

/** One message's lines, its `From ` line first. */
export function parseMessage(lines: readonly string[]): MailMessage {
  let i = 0;
  let envelopeFrom: string | undefined;
  const first = lines[0] !== undefined ? FROM_LINE.exec(lines[0]) : null;
  if (first) {
    envelopeFrom = first[1] || undefined;
    i = 1;
  }
  const headers: MailHeader[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      i++;
      break;
    }
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header: ignore rather than guess
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  const bodyLines = lines.slice(i);
  // mbox ends every message with an empty line: it is not part of the body.
  while (bodyLines.length > 0 && bodyLines[bodyLines.length - 1] === '') bodyLines.pop();
  const body = bodyLines.map((l) => l.replace(/^>(>*From )/, '$1')).join('\n').slice(0, BODY_LIMIT);

  const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;
  const received = parseReceived(header('received'));
  const messageId = header('message-id');
  const to = header('x-original-to') ?? header('to');
  return {
    ...(envelopeFrom ? { envelopeFrom } : {}),
    headers,
    subject: decodeEncodedWords(header('subject') ?? ''),
    ...received,
    ...(to ? { to } : {}),
    ...(messageId ? { messageId } : {}),
    body,
  };
}

/**
 * The newest (first) `Received:` header, as Postfix writes it:
 *   "from lb1 (unknown [10.88.5.11]) by mail (Postfix) with ESMTP id 7971D19414A for <ops@example.com>; ..."
 * With reverse lookups on the part in parentheses reads "(lb1.lab [10.88.5.11])"; IPv6 as "[IPv6:fd00::11]".
 */
export function parseReceived(value: string | undefined): { client?: string; helo?: string; queueId?: string } {
  if (!value) return {};
  const out: { client?: string; helo?: string; queueId?: string } = {};
  const fromPart = /^from\s+(\S+)\s*\(([^)]*)\)/i.exec(value);
  if (fromPart) {
    out.helo = fromPart[1]!;
    const address = /\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/.exec(fromPart[2]!);
    if (address) out.client = address[1]!;
  }
  const id = /\bwith\s+\S+\s+id\s+([0-9A-Za-z]+)/.exec(value);
  if (id) out.queueId = id[1]!;
  return out;
}

/** RFC 2047 encoded-words (=?UTF-8?B?...?= and =?UTF-8?Q?...?=), as mail clients write non-ASCII subjects. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1') // whitespace between encoded words is not text
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (whole, charset: string, encoding: string, text: string) => {
      try {
        const bytes =
          encoding.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
        return new TextDecoder(charset.toLowerCase()).decode(bytes);
      } catch {
        return whole; // an unknown charset: show it as written
      }
    });
}

/** What identifies one delivery: a mailbox rewritten by a mail reader must not count its messages twice. */
export function messageKey(m: MailMessage): string {
  if (m.queueId) return `queue:${m.queueId}`;
  if (m.messageId) return `id:${m.messageId}`;
  return `text:${m.envelopeFrom ?? ''}|${m.headers.map((h) => `${h.name}:${h.value}`).join('|')}|${m.body}`;
}

/**
 * Reads an mbox line by line, as `tail -F` delivers it. A message is known to be complete when the
 * next `From ` line arrives; the newest one has no successor, so `takeComplete()` hands it over when
 * its lines so far end with mbox's closing empty line after a complete header block (Postfix writes
 * a small message in one go, so the end of a burst of lines is the end of the message).
 */
export class MboxReader {
  private current: string[] | undefined;

  /** Feed one line; returns the previous message when this line starts a new one. */
  push(rawLine: string): MailMessage | undefined {
    const line = rawLine.replace(/\r$/, '');
    if (isFromLine(line)) {
      const done = this.current;
      this.current = [line];
      return done ? parseMessage(done) : undefined;
    }
    // Lines with no `From ` line before them (the middle of a message we already handed over) are dropped.
    this.current?.push(line);
    return undefined;
  }

  /** The message in progress, if it looks complete; it is then handed over once. */
  takeComplete(): MailMessage | undefined {
    const lines = this.current;
    if (!lines || lines.length < 3 || lines[lines.length - 1] !== '') return undefined;
    // The header block's empty line must come before the closing one (an empty body gives two in a row).
    const headerEnd = lines.indexOf('', 1);
    if (headerEnd === -1 || headerEnd === lines.length - 1) return undefined;
    this.current = undefined;
    return parseMessage(lines);
  }
}
