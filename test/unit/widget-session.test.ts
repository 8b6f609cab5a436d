import { describe, expect, it } from 'vitest';
import { FakeSocket, fakeSockets } from './fake-socket.ts';
import { LabSession, type FileSink, type TerminalSink } from '../../docs/.vitepress/theme/lab/session.ts';
import type { SocketLike, Timers } from '../../docs/.vitepress/theme/lab/socket-client.ts';
import type { KeyValueStorage } from '../../docs/.vitepress/theme/lab/progress-storage.ts';
import type { ClientMessage, NodeInfo, ServerMessage } from '../../runner/shared/protocol.ts';
import { TERMINAL_ACK_EVERY } from '../../runner/shared/protocol.ts';


class MapStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

const timers: Timers & { pending: (() => void)[] } = {
  pending: [],
  setTimeout(fn) {
    this.pending.push(fn);
    return this.pending.length;
  },
  clearTimeout() {},
};

const nodeInfo = (node: string): NodeInfo => ({ node, address: '10.88.1.11', run: 'running', holdsVip: false, keepalived: false, vrrp: {} });
const running: ServerMessage = { type: 'lab.state', status: 'running', vip: '10.88.1.100', subnet: '10.88.1.0/24', nodes: [nodeInfo('lb1'), nodeInfo('lb2')] };

function setup(storage = new MapStorage()) {
  const { sockets, createSocket } = fakeSockets();
  const session = new LabSession({
    lab: 'basic-vip',
    url: 'ws://x/ws',
    storage,
    timers,
    createSocket,
  });
  session.start();
  const socket = () => sockets[sockets.length - 1]!;
  const sent = (type?: string) => socket().sent.filter((m) => !type || m.type === type);
  return { session, sockets, socket, sent, storage };
}

class FakeTerminal implements TerminalSink {
  written: string[] = [];
  replays: string[] = [];
  exits: number[] = [];
  callbacks: (() => void)[] = [];
  bracketed = true;
  write(data: string, done: () => void) {
    this.written.push(data);
    this.callbacks.push(done);
  }
  replay(data: string) {
    this.replays.push(data);
  }
  exit(code: number) {
    this.exits.push(code);
  }
  bracketedPaste() {
    return this.bracketed;
  }
  /** xterm finished parsing everything queued so far. */
  flush() {
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

describe('LabSession terminals', () => {
  it('opens a pane on the runner once the lab runs, with the pane size, and again after a reconnect', () => {
    const { session, socket, sent, sockets } = setup();
    const term = new FakeTerminal();
    session.attachTerminal('lb1', term, { cols: 100, rows: 30 });
    socket().open();
    expect(sent('term.open')).toEqual([]); // lab not running yet
    socket().receive(running);
    expect(sent('term.open')).toEqual([{ type: 'term.open', node: 'lb1', cols: 100, rows: 30 }]);
    socket().receive(running); // the same state again: no second open
    expect(sent('term.open')).toHaveLength(1);
    session.resize('lb1', 120, 40);
    expect(sent('term.resize')).toEqual([{ type: 'term.resize', node: 'lb1', cols: 120, rows: 40 }]);

    socket().drop();
    timers.pending.shift()!();
    expect(sockets).toHaveLength(2);
    socket().open();
    socket().receive(running);
    expect(sent('term.open')).toEqual([{ type: 'term.open', node: 'lb1', cols: 120, rows: 40 }]);
  });

  it('acknowledges output only once xterm has written it, in TERMINAL_ACK_EVERY steps, and never the replay', () => {
    const { session, socket, sent } = setup();
    const term = new FakeTerminal();
    session.attachTerminal('lb1', term, { cols: 80, rows: 24 });
    socket().open();
    socket().receive(running);
    socket().receive({ type: 'term.replay', node: 'lb1', data: 'old output\r\n$ ' });
    expect(term.replays).toEqual(['old output\r\n$ ']);
    const chunk = 'x'.repeat(8 * 1024);
    for (let i = 0; i < 5; i++) socket().receive({ type: 'term.output', node: 'lb1', data: chunk });
    expect(term.written).toHaveLength(5);
    expect(sent('term.ack')).toEqual([]); // received is not written
    term.flush();
    expect(sent('term.ack').map((m) => (m as { bytes: number }).bytes)).toEqual([TERMINAL_ACK_EVERY, TERMINAL_ACK_EVERY, 8 * 1024]);
    socket().receive({ type: 'term.output', node: 'lb2', data: 'for a pane that does not exist' });
    expect(sent('term.ack')).toHaveLength(3);
  });

  it('sends keystrokes, and after the shell exited the next key opens a new shell', () => {
    const { session, socket, sent } = setup();
    const term = new FakeTerminal();
    session.attachTerminal('lb1', term, { cols: 80, rows: 24 });
    socket().open();
    socket().receive(running);
    session.input('lb1', 'l');
    expect(sent('term.input')).toEqual([{ type: 'term.input', node: 'lb1', data: 'l' }]);
    socket().receive({ type: 'term.exit', node: 'lb1', code: 0 });
    expect(term.exits).toEqual([0]);
    session.input('lb1', '\r');
    expect(sent('term.input')).toHaveLength(1);
    expect(sent('term.open')).toHaveLength(2);
  });

  it('runs a tutorial command in the right terminal as a paste plus Enter, and asks the page to show it', () => {
    const { session, socket, sent } = setup();
    const shown: string[] = [];
    session.onShowTerminal((n) => shown.push(n));
    const lb2 = new FakeTerminal();
    session.attachTerminal('lb2', lb2, { cols: 80, rows: 24 });
    expect(session.runCommand('lb2', 'systemctl start keepalived')).toEqual({ ok: false, reason: 'The lab runner is not connected.' });
    socket().open();
    expect(session.runCommand('lb2', 'x')).toMatchObject({ ok: false, reason: expect.stringMatching(/Start the lab first/) });
    socket().receive(running);
    expect(session.runCommand('web1', 'x')).toMatchObject({ ok: false });
    expect(session.runCommand('lb2', 'systemctl start keepalived\n')).toEqual({ ok: true });
    expect(shown).toEqual(['lb2']);
    expect(sent('term.input')).toEqual([{ type: 'term.input', node: 'lb2', data: '\x1b[200~systemctl start keepalived\x1b[201~\r' }]);
    lb2.bracketed = false;
    session.runCommand('lb2', 'hostname');
    expect(sent('term.input')[1]).toEqual({ type: 'term.input', node: 'lb2', data: 'hostname\r' });
  });

  it('a stopped lab forgets its shells; the next running copy opens new ones', () => {
    const { session, socket, sent } = setup();
    session.attachTerminal('lb1', new FakeTerminal(), { cols: 80, rows: 24 });
    socket().open();
    socket().receive(running);
    socket().receive({ type: 'lab.state', status: 'stopping', nodes: [] });
    socket().receive({ type: 'lab.state', status: 'starting', nodes: [] });
    expect(sent('term.open')).toHaveLength(1);
    socket().receive(running);
    expect(sent('term.open')).toHaveLength(2);
  });
});

describe('LabSession steps, files and progress', () => {
  it('checks a step, keeps the verdict in localStorage, and a new page starts with it', () => {
    const storage = new MapStorage();
    const first = setup(storage);
    first.socket().open();
    first.socket().receive(running);
    expect(first.session.check('start')).toBe(true);
    expect(first.sent('step.check')).toEqual([{ type: 'step.check', step: 'start' }]);
    expect(first.session.state.checks).toEqual({ start: 'requested' });
    first.socket().receive({ type: 'step.result', verdict: { step: 'start', passed: true, message: 'lb1 holds the VIP', checkedAt: 5, ms: 3600 } });
    first.session.dispose();
    // "Reload": a new session in the same browser, runner not even reachable.
    const second = setup(storage);
    expect(second.session.state.verdicts.start?.passed).toBe(true);
    // Same client id on both pages, so the runner finds the same lab.
    second.socket().open();
    const hello = (m: ClientMessage[]) => m.find((x) => x.type === 'hello') as { client: string };
    expect(hello(second.socket().sent).client).toBe(hello(first.sockets[0]!.sent).client);
  });

  it('routes file content and saves to the node pane that asked; an error goes to the pending request', () => {
    const { session, socket, sent } = setup();
    const got: string[] = [];
    const sink = (node: string): FileSink => ({
      content: (path, content, exists) => got.push(`${node} content ${path} ${JSON.stringify(content)} ${exists}`),
      saved: (path) => got.push(`${node} saved ${path}`),
      failed: (message) => got.push(`${node} failed ${message}`),
    });
    session.attachFiles('lb1', sink('lb1'));
    session.attachFiles('lb2', sink('lb2'));
    expect(session.readFile('lb1', '/etc/keepalived/keepalived.conf')).toBe(false); // not live
    socket().open();
    socket().receive(running);
    expect(session.readFile('lb1', '/etc/keepalived/keepalived.conf')).toBe(true);
    socket().receive({ type: 'file.content', node: 'lb1', path: '/etc/keepalived/keepalived.conf', content: 'x', exists: false } as ServerMessage);
    expect(session.writeFile('lb2', '/etc/keepalived/keepalived.conf', 'vrrp_instance VI_1 {}')).toBe(true);
    expect(sent('file.write')).toEqual([{ type: 'file.write', node: 'lb2', path: '/etc/keepalived/keepalived.conf', content: 'vrrp_instance VI_1 {}' }]);
    socket().receive({ type: 'file.saved', node: 'lb2', path: '/etc/keepalived/keepalived.conf' });
    session.writeFile('lb2', '/etc/keepalived/../passwd', '');
    socket().receive({ type: 'error', message: 'not a file under /etc/keepalived/' });
    socket().receive({ type: 'error', message: 'unrelated, nothing pending' });
    expect(got).toEqual([
      'lb1 content /etc/keepalived/keepalived.conf "x" false',
      'lb2 saved /etc/keepalived/keepalived.conf',
      'lb2 failed not a file under /etc/keepalived/',
    ]);
    expect(session.state.lastError?.message).toBe('unrelated, nothing pending');
  });

  it('start, reset and stop send their messages only when connected', () => {
    const { session, socket, sent } = setup();
    expect(session.startLab()).toBe(false);
    socket().open();
    expect(session.startLab()).toBe(true);
    expect(session.resetLab()).toBe(true);
    expect(session.stopLab()).toBe(true);
    expect(session.action('crash')).toBe(true);
    expect(session.state.actionPending).toBe('crash');
    expect(sent().map((m) => m.type)).toEqual(['hello', 'lab.start', 'lab.reset', 'lab.stop', 'step.action']);
  });
});
