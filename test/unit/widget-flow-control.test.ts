import { describe, expect, it } from 'vitest';
import { AckCounter, outputUnits } from '../../docs/.vitepress/theme/lab/flow-control.ts';
import { TERMINAL_ACK_EVERY } from '../../runner/shared/protocol.ts';

describe('outputUnits', () => {
  it('counts what the server counts: UTF-16 code units of the data string', () => {
    expect(outputUnits('abc')).toBe(3);
    expect(outputUnits('é')).toBe(1);
    expect(outputUnits('😀')).toBe(2);
    expect(outputUnits('')).toBe(0);
  });
});

describe('AckCounter', () => {
  it('acks a lone short write as soon as xterm has written it (end of a burst)', () => {
    const acks: number[] = [];
    const c = new AckCounter((n) => acks.push(n));
    const t = c.queued('x');
    expect(acks).toEqual([]);
    c.written(t);
    expect(acks).toEqual([1]);
  });

  it('acks every TERMINAL_ACK_EVERY bytes while writes stay queued, then the rest at the end', () => {
    const acks: number[] = [];
    const c = new AckCounter((n) => acks.push(n));
    const chunk = 'a'.repeat(4096);
    const tickets = Array.from({ length: 10 }, () => c.queued(chunk));
    expect(c.pending).toBe(10);
    for (const t of tickets) c.written(t);
    // 40960 bytes: acked at 16384, 32768, and the remaining 8192 when the burst ended.
    expect(acks).toEqual([TERMINAL_ACK_EVERY, TERMINAL_ACK_EVERY, 8192]);
    expect(acks.reduce((a, b) => a + b, 0)).toBe(40960);
    expect(c.pending).toBe(0);
  });

  it('ignores callbacks of writes queued before a reset (the server counts a re-opened terminal afresh)', () => {
    const acks: number[] = [];
    const c = new AckCounter((n) => acks.push(n), 100);
    const old = c.queued('a'.repeat(50));
    c.reset();
    const fresh = c.queued('b'.repeat(10));
    c.written(old);
    expect(acks).toEqual([]);
    c.written(fresh);
    expect(acks).toEqual([10]);
  });

  it('flush sends what is unacked once and never a zero ack', () => {
    const acks: number[] = [];
    const c = new AckCounter((n) => acks.push(n), 1000);
    const a = c.queued('hello');
    c.queued('more'); // still pending: no end-of-burst ack yet
    c.written(a);
    expect(acks).toEqual([]);
    c.flush();
    c.flush();
    expect(acks).toEqual([5]);
  });
});
