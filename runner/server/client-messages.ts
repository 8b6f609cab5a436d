/**
 * Every message a page sends is validated here before anything acts on it: shape, types and sizes.
 * Whether a lab, node, step or path exists is checked against the lab definition afterwards
 * (lab-rules.ts). A message that fails either check earns an `error` reply, never a crash.
 */
import { z } from 'zod';
import type { ClientMessage } from '../shared/protocol.ts';

/** Largest file the editor may save (and read): keepalived configs and scripts are a few KiB. */
export const MAX_FILE_BYTES = 256 * 1024;
/** Largest single keystroke batch (a paste). */
export const MAX_INPUT_CHARS = 64 * 1024;
/** The largest WebSocket message accepted: a full-size file, JSON-escaped, with room to spare. */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

const name = z.string().min(1).max(64);
const cols = z.number().int().min(1).max(1000);
const rows = z.number().int().min(1).max(500);

const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lab: name, client: z.string().max(128) }).strict(),
  z.object({ type: z.literal('lab.start') }).strict(),
  z.object({ type: z.literal('lab.reset') }).strict(),
  z.object({ type: z.literal('lab.stop') }).strict(),
  z.object({ type: z.literal('term.open'), node: name, cols, rows }).strict(),
  z.object({ type: z.literal('term.input'), node: name, data: z.string().max(MAX_INPUT_CHARS) }).strict(),
  z.object({ type: z.literal('term.resize'), node: name, cols, rows }).strict(),
  z.object({ type: z.literal('term.ack'), node: name, bytes: z.number().int().min(0).max(2 ** 31) }).strict(),
  z.object({ type: z.literal('step.check'), step: name, auto: z.literal(true).optional() }).strict(),
  z.object({ type: z.literal('step.action'), step: name }).strict(),
  z.object({ type: z.literal('file.read'), node: name, path: z.string().min(1).max(1024) }).strict(),
  z.object({ type: z.literal('file.write'), node: name, path: z.string().min(1).max(1024), content: z.string() }).strict(),
  z.object({ type: z.literal('solution.read'), node: name }).strict(),
  z.object({ type: z.literal('class.hello') }).strict(),
  z.object({ type: z.literal('class.reset'), learner: name, lab: name }).strict(),
  z.object({ type: z.literal('class.stop'), learner: name, lab: name }).strict(),
  z.object({ type: z.literal('class.watch'), learner: name, lab: name, node: name }).strict(),
  z.object({ type: z.literal('class.unwatch') }).strict(),
]);

// The schema and the protocol must describe the same messages.
type Parsed = z.infer<typeof clientMessageSchema>;
const _sameShape: [Parsed extends ClientMessage ? true : false, ClientMessage extends Parsed ? true : false] = [true, true];
void _sameShape;

const KNOWN_TYPES = new Set<string>(clientMessageSchema.options.map((o) => o.shape.type.value));

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: string };

/** Parse one WebSocket text frame into a ClientMessage, or say in one sentence what is wrong with it. */
export function parseClientMessage(raw: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'The message is not JSON: send one JSON object per WebSocket message.' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: 'The message is not a JSON object with a "type".' };
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    return { ok: false, error: `Unknown message type ${JSON.stringify(type ?? null).slice(0, 40)}: expected one of ${[...KNOWN_TYPES].join(', ')}.` };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? ` field "${issue.path.join('.')}"` : '';
    return { ok: false, error: `Bad ${type} message:${field} ${issue.message.replace(/^./, (c) => c.toLowerCase())}.` };
  }
  const message = parsed.data as ClientMessage;
  if (message.type === 'file.write' && Buffer.byteLength(message.content, 'utf8') > MAX_FILE_BYTES) {
    return { ok: false, error: `Bad file.write message: the file is larger than ${MAX_FILE_BYTES / 1024} KiB; keepalived files are much smaller.` };
  }
  return { ok: true, message };
}
