import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ShellSession } from '../../runner/engine/exec.ts';
import { FlowGate, MAX_HELD_CHARS, OutputPump, type PausableSource } from '../../runner/server/flow-control.ts';
import type { Peer } from '../../runner/server/peer.ts';
import { TerminalSession } from '../../runner/server/terminal-session.ts';
import { TERMINAL_HIGH_WATER, TERMINAL_LOW_WATER, TERMINAL_SCROLLBACK_BYTES, type ServerMessage } from '../../runner/shared/protocol.ts';

/** A source that records pause/resume, as the shell's Docker stream would see them. */
function fakeSource() {
  const calls: string[] = [];
  const source: PausableSource = { pause: () => calls.push('pause'), resume: () => calls.push('resume') };
  return { source, calls };
}

describe('FlowGate', () => {
  it('counts per viewer, the slowest one governing the room left', () => {
    const gate = new FlowGate<string>(100, 10);
    expect(gate.room()).toBe(0); // nobody watching: nothing may be sent
    gate.add('a');
    gate.add('b');
    gate.sent(60);
    gate.acked('a', 60);
    expect(gate.maxUnacked()).toBe(60);
    expect(gate.room()).toBe(40);
    gate.remove('b');
    expect(gate.room()).toBe(100);
  });

  it('an over-acknowledging page (counting UTF-8 bytes) cannot drive the count below zero', () => {
    const gate = new FlowGate<string>(100, 10);
    gate.add('a');
    gate.sent(10);
    gate.acked('a', 25);
    expect(gate.unackedBy('a')).toBe(0);
  });
});

describe('OutputPump', () => {
  it('pauses the source at the high mark, holds the excess, resumes only under the low mark', () => {
    const { source, calls } = fakeSource();
    const delivered: string[] = [];
    const pump = new OutputPump<string>(source, (t) => delivered.push(t), new FlowGate(100, 10));
    pump.attach('page');
    pump.write('x'.repeat(70));
    expect(calls).toEqual([]);
    pump.write('y'.repeat(50)); // only 30 fit under the high mark
    expect(delivered.join('').length).toBe(100);
    expect(pump.heldChars).toBe(20);
    expect(calls).toEqual(['pause']);

    pump.ack('page', 50); // 50 unacknowledged: above the low mark, still paused
    expect(delivered.join('').length).toBe(100);
    expect(pump.isPaused).toBe(true);

    pump.ack('page', 45); // 5 left: under the low mark
    expect(delivered.join('')).toBe('x'.repeat(70) + 'y'.repeat(50));
    expect(pump.heldChars).toBe(0);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('pauses with nobody watching and delivers held output, in order, to the next viewer', () => {
    const { source, calls } = fakeSource();
    const delivered: string[] = [];
    const pump = new OutputPump<string>(source, (t) => delivered.push(t), new FlowGate(100, 10));
    pump.write('prompt$ ');
    expect(calls).toEqual(['pause']);
    expect(delivered).toEqual([]);
    pump.attach('page');
    expect(delivered).toEqual(['prompt$ ']);
    expect(calls).toEqual(['pause', 'resume']);
    pump.detach('page');
    expect(calls).toEqual(['pause', 'resume', 'pause']);
  });

  it('never splits a surrogate pair at the high mark', () => {
    const { source } = fakeSource();
    const delivered: string[] = [];
    const pump = new OutputPump<string>(source, (t) => delivered.push(t), new FlowGate(4, 1));
    pump.attach('p');
    pump.write('abc😀d');
    expect(delivered).toEqual(['abc']);
    pump.ack('p', 3);
    expect(delivered.join('')).toBe('abc😀d');
  });

  it('bounds held output even if a source ignores pause()', () => {
    const { source } = fakeSource();
    const pump = new OutputPump<string>(source, () => undefined, new FlowGate(100, 10));
    pump.attach('p');
    for (let i = 0; i < 20; i++) pump.write('z'.repeat(64 * 1024));
    expect(pump.heldChars).toBeLessThanOrEqual(MAX_HELD_CHARS);
    expect(pump.dropped).toBeGreaterThan(0);
  });
});

/**
 * A shell whose output is produced on demand, like a pty behind a TCP socket: while the consumer
 * is paused nothing more is read, so `produced - delivered` shows how much the server buffers.
 */
function floodingShell(totalChars: number, chunk = 64 * 1024) {
  let produced = 0;
  const input: string[] = [];
  let exit!: (code: number) => void;
  const stream = new Duplex({
    read() {
      if (produced >= totalChars) return;
      const n = Math.min(chunk, totalChars - produced);
      produced += n;
      this.push(Buffer.from('y\n'.repeat(n / 2)));
    },
    write(c, _enc, cb) {
      input.push(String(c));
      cb();
    },
  });
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const session: ShellSession = { stream, resize: async () => undefined, exited };
  return { session, input, produced: () => produced, exit };
}

function fakePeer(id: number) {
  const messages: ServerMessage[] = [];
  const peer: Peer = { id, send: (m) => messages.push(m) };
  const output = () => messages.filter((m) => m.type === 'term.output').map((m) => (m as { data: string }).data).join('');
  return { peer, messages, output };
}

const turn = () => new Promise((r) => setImmediate(r));
async function settle() {
  for (let i = 0; i < 20; i++) await turn();
}

describe('TerminalSession', () => {
  it('a flood without acknowledgements stops at the high mark; the server holds at most one read', async () => {
    const total = 5_000_000;
    const shell = floodingShell(total);
    const term = new TerminalSession('lb1', async () => shell.session);
    const page = fakePeer(1);
    await term.open(page.peer, { cols: 80, rows: 24 });
    await settle();
    const delivered = page.output().length;
    expect(delivered).toBeLessThanOrEqual(TERMINAL_HIGH_WATER);
    expect(delivered).toBeGreaterThan(TERMINAL_HIGH_WATER - 64 * 1024);
    expect(term.stats().paused).toBe(true);
    // What was read from the shell but not delivered: the held rest of one read plus the stream's own buffer.
    expect(shell.produced() - delivered).toBeLessThan(3 * 64 * 1024);

    // Acknowledge as a page does after writing; the whole flood arrives, in order.
    let acked = 0;
    while (page.output().length < total) {
      const now = page.output().length;
      term.ack(page.peer, now - acked);
      acked = now;
      await settle();
      expect(page.output().length - acked).toBeLessThanOrEqual(TERMINAL_HIGH_WATER);
    }
    expect(page.output()).toBe('y\n'.repeat(total / 2));
    expect(term.scrollback.size).toBe(TERMINAL_SCROLLBACK_BYTES);
  });

  it('a page that reconnects gets the recent output replayed before live output, and the shell is kept', async () => {
    const shell = floodingShell(0);
    let opened = 0;
    const term = new TerminalSession('lb2', async () => (opened++, shell.session));
    const first = fakePeer(1);
    await term.open(first.peer, { cols: 80, rows: 24 });
    expect(first.messages[0]).toEqual({ type: 'term.replay', node: 'lb2', data: '' });
    shell.session.stream.push(Buffer.from('root@lb2:~# echo hi\r\nhi\r\n'));
    await settle();
    term.detach(first.peer);

    const second = fakePeer(2);
    await term.open(second.peer, { cols: 100, rows: 30 });
    shell.session.stream.push(Buffer.from('live'));
    await settle();
    expect(second.messages.map((m) => m.type)).toEqual(['term.replay', 'term.output']);
    expect(second.messages[0]).toEqual({ type: 'term.replay', node: 'lb2', data: 'root@lb2:~# echo hi\r\nhi\r\n' });
    expect(second.output()).toBe('live');
    expect(first.output()).toBe('root@lb2:~# echo hi\r\nhi\r\n'); // nothing after it left
    expect(opened).toBe(1);

    await term.input('ls\r');
    expect(shell.input).toEqual(['ls\r']);
  });

  it('keystrokes sent right after term.open wait for the shell instead of failing', async () => {
    const shell = floodingShell(0);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const term = new TerminalSession('lb1', async () => (await gate, shell.session));
    const page = fakePeer(1);
    const opened = term.open(page.peer, { cols: 80, rows: 24 });
    const typed = term.input('whoami\r');
    release();
    await Promise.all([opened, typed]);
    expect(shell.input).toEqual(['whoami\r']);
  });

  it('a multi-byte character split across reads arrives whole', async () => {
    const shell = floodingShell(0);
    const term = new TerminalSession('lb1', async () => shell.session);
    const page = fakePeer(1);
    await term.open(page.peer, { cols: 80, rows: 24 });
    const euro = Buffer.from('€');
    shell.session.stream.push(euro.subarray(0, 1));
    await settle();
    shell.session.stream.push(euro.subarray(1));
    await settle();
    expect(page.output()).toBe('€');
  });

  it('a shell that exits is reported, and opened again by the next term.open', async () => {
    const shells = [floodingShell(0), floodingShell(0)];
    let opened = 0;
    const term = new TerminalSession('lb1', async () => shells[opened++]!.session);
    const page = fakePeer(1);
    await term.open(page.peer, { cols: 80, rows: 24 });
    shells[0]!.exit(0);
    await settle();
    expect(page.messages.at(-1)).toEqual({ type: 'term.exit', node: 'lb1', code: 0 });
    await expect(term.input('x')).rejects.toThrow(/not open: open it again/);
    await term.open(page.peer, { cols: 80, rows: 24 });
    expect(opened).toBe(2);
    await term.input('echo again\r');
    expect(shells[1]!.input).toEqual(['echo again\r']);
  });

  it('two pages on one terminal: the slower one holds the shell back', async () => {
    const shell = floodingShell(1_000_000);
    const term = new TerminalSession('lb1', async () => shell.session);
    const fast = fakePeer(1);
    const slow = fakePeer(2);
    await term.open(fast.peer, { cols: 80, rows: 24 });
    await term.open(slow.peer, { cols: 80, rows: 24 });
    await settle();
    term.ack(fast.peer, fast.output().length);
    await settle();
    expect(term.stats().paused).toBe(true);
    expect(slow.output().length).toBeLessThanOrEqual(TERMINAL_HIGH_WATER + TERMINAL_LOW_WATER);
    term.detach(slow.peer); // the slow tab closes: the fast one continues
    term.ack(fast.peer, fast.output().length);
    await settle();
    expect(fast.output().length).toBeGreaterThan(TERMINAL_HIGH_WATER);
  });
});
