import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  LabConnection,
  parseServerMessage,
  runnerSocketUrl,
  type ConnectionState,
  type SocketLike,
  type Timers,
} from '../../docs/.vitepress/theme/lab/socket-client.ts';
import type { ServerMessage } from '../../runner/shared/protocol.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  // What the browser does:
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  fail() {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({});
  }
  receive(data: string) {
    this.onmessage?.({ data });
  }
}

/** Timers run by hand: the test decides when time passes. */
class ManualTimers implements Timers {
  queue: { fn: () => void; ms: number; handle: number }[] = [];
  private next = 1;
  setTimeout(fn: () => void, ms: number) {
    const handle = this.next++;
    this.queue.push({ fn, ms, handle });
    return handle;
  }
  clearTimeout(handle: unknown) {
    this.queue = this.queue.filter((t) => t.handle !== handle);
  }
  fireNext() {
    const t = this.queue.shift();
    if (!t) throw new Error('no timer pending');
    t.fn();
    return t.ms;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const states: ConnectionState[] = [];
  const messages: ServerMessage[] = [];
  const conn = new LabConnection({
    url: 'ws://127.0.0.1:4173/ws',
    lab: 'basic-vip',
    client: 'client-123456',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    random: () => 0,
    backoff: { initialMs: 500, maxMs: 4000, unreachableAfter: 3 },
  });
  conn.onState((s) => states.push(s));
  conn.onMessage((m) => messages.push(m));
  return { conn, sockets, timers, states, messages };
}

describe('LabConnection', () => {
  it('says hello with the lab and client id on open, then passes messages through', () => {
    const { conn, sockets, states, messages } = setup();
    conn.start();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:4173/ws');
    expect(conn.send({ type: 'lab.start' })).toBe(false); // not open yet
    sockets[0]!.open();
    expect(JSON.parse(sockets[0]!.sent[0]!)).toEqual({ type: 'hello', lab: 'basic-vip', client: 'client-123456' });
    expect(states).toEqual(['open']);
    expect(conn.send({ type: 'lab.start' })).toBe(true);
    expect(JSON.parse(sockets[0]!.sent[1]!)).toEqual({ type: 'lab.start' });
    sockets[0]!.receive(JSON.stringify({ type: 'error', message: 'x' }));
    sockets[0]!.receive('not json');
    sockets[0]!.receive(JSON.stringify({ no: 'type' }));
    expect(messages).toEqual([{ type: 'error', message: 'x' }]);
  });

  it('reports the runner unreachable when the first attempt fails, and keeps retrying with growing delays', () => {
    const { conn, sockets, timers, states } = setup();
    conn.start();
    sockets[0]!.fail();
    expect(states).toEqual(['unreachable']);
    expect(conn.connectionState).toBe('unreachable');
    const delays: number[] = [];
    for (let i = 1; i <= 5; i++) {
      delays.push(timers.fireNext());
      expect(sockets).toHaveLength(i + 1);
      sockets[i]!.fail();
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    // The runner comes up: the page connects without a reload.
    timers.fireNext();
    sockets[6]!.open();
    expect(conn.connectionState).toBe('open');
    expect(sockets[6]!.sent).toHaveLength(1);
  });

  it('reconnects after a drop, says hello again, and only calls it unreachable after several failures', () => {
    const { conn, sockets, timers, states } = setup();
    conn.start();
    sockets[0]!.open();
    sockets[0]!.fail(); // runner restarted
    expect(conn.connectionState).toBe('reconnecting');
    expect(timers.fireNext()).toBe(500);
    sockets[1]!.fail();
    expect(conn.connectionState).toBe('reconnecting');
    timers.fireNext();
    sockets[2]!.fail();
    expect(conn.connectionState).toBe('unreachable');
    timers.fireNext();
    sockets[3]!.open();
    expect(JSON.parse(sockets[3]!.sent[0]!).type).toBe('hello');
    expect(states).toEqual(['open', 'reconnecting', 'unreachable', 'open']);
    // After a success the backoff starts over.
    sockets[3]!.fail();
    expect(timers.fireNext()).toBe(500);
  });

  it('stop closes the socket and cancels any retry', () => {
    const { conn, sockets, timers } = setup();
    conn.start();
    sockets[0]!.fail();
    expect(timers.queue).toHaveLength(1);
    conn.stop();
    expect(timers.queue).toHaveLength(0);
    conn.start();
    sockets[1]!.open();
    conn.stop();
    expect(sockets[1]!.closed).toBe(true);
    expect(conn.send({ type: 'lab.stop' })).toBe(false);
  });
});

describe('helpers', () => {
  it('backoffDelay doubles up to the cap and jitters downwards only', () => {
    const o = { initialMs: 500, maxMs: 10_000, unreachableAfter: 3 };
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => backoffDelay(a, o, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(backoffDelay(0, o, () => 1)).toBe(400);
  });
  it('runnerSocketUrl uses the page origin', () => {
    expect(runnerSocketUrl({ protocol: 'http:', host: '127.0.0.1:4173' })).toBe('ws://127.0.0.1:4173/ws');
    expect(runnerSocketUrl({ protocol: 'https:', host: 'lab.example' })).toBe('wss://lab.example/ws');
  });
  it('parseServerMessage rejects non-messages', () => {
    expect(parseServerMessage(new ArrayBuffer(2))).toBeNull();
    expect(parseServerMessage('[1]')).toBeNull();
    expect(parseServerMessage('{"type":"vip"}')).toEqual({ type: 'vip' });
  });
});
