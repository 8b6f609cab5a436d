import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, parseClientMessage } from '../../runner/server/client-messages.ts';
import type { ClientMessage } from '../../runner/shared/protocol.ts';

describe('parseClientMessage', () => {
  const valid: ClientMessage[] = [
    { type: 'hello', lab: 'basic-vip', client: 'c-123' },
    { type: 'lab.start' },
    { type: 'lab.reset' },
    { type: 'lab.stop' },
    { type: 'term.open', node: 'lb1', cols: 80, rows: 24 },
    { type: 'term.input', node: 'lb1', data: 'ls\r' },
    { type: 'term.resize', node: 'lb2', cols: 120, rows: 40 },
    { type: 'term.ack', node: 'lb1', bytes: 16384 },
    { type: 'step.check', step: 'start' },
    { type: 'step.action', step: 'crash' },
    { type: 'file.read', node: 'lb1', path: '/etc/keepalived/keepalived.conf' },
    { type: 'file.write', node: 'lb1', path: '/etc/keepalived/keepalived.conf', content: 'vrrp_instance VI_1 {}\n' },
  ];
  it.each(valid.map((m) => [m.type, m] as const))('accepts a well-formed %s', (_type, message) => {
    expect(parseClientMessage(JSON.stringify(message))).toEqual({ ok: true, message });
  });

  const invalid: [string, string, RegExp][] = [
    ['not JSON', '{type: hello', /not JSON/],
    ['an array', '[1,2]', /JSON object/],
    ['no type', '{"lab":"basic-vip"}', /Unknown message type null/],
    ['an unknown type', '{"type":"docker.exec","cmd":"rm -rf /"}', /Unknown message type "docker.exec": expected one of hello, lab.start/],
    ['a missing field', '{"type":"term.open","node":"lb1","cols":80}', /Bad term.open message: field "rows"/],
    ['a wrong field type', '{"type":"term.input","node":"lb1","data":42}', /Bad term.input message: field "data"/],
    ['an extra field', '{"type":"lab.start","force":true}', /Bad lab.start message/],
    ['a fractional size', '{"type":"term.resize","node":"lb1","cols":80.5,"rows":24}', /field "cols"/],
    ['a huge terminal', '{"type":"term.open","node":"lb1","cols":100000,"rows":24}', /field "cols"/],
    ['a negative ack', '{"type":"term.ack","node":"lb1","bytes":-5}', /field "bytes"/],
    ['an empty node', '{"type":"term.input","node":"","data":"x"}', /field "node"/],
    ['a huge lab name', JSON.stringify({ type: 'hello', lab: 'x'.repeat(500), client: 'c' }), /field "lab"/],
  ];
  it.each(invalid)('refuses %s with a sentence', (_what, raw, message) => {
    const result = parseClientMessage(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('refuses a file larger than the limit, counted in UTF-8 bytes', () => {
    const justFits = { type: 'file.write', node: 'lb1', path: '/etc/keepalived/a.conf', content: 'a'.repeat(MAX_FILE_BYTES) };
    expect(parseClientMessage(JSON.stringify(justFits)).ok).toBe(true);
    // 'é' is two bytes: half as many characters already exceed the limit by one byte.
    const tooBig = { ...justFits, content: 'é'.repeat(MAX_FILE_BYTES / 2) + 'a' };
    const result = parseClientMessage(JSON.stringify(tooBig));
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/larger than 256 KiB/) });
  });
});
