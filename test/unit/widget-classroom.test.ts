/**
 * The browser side of classroom mode, against fakes: asking the runner whether this is a class and
 * joining it (a fake fetch), a learner's session (progress from the runner, commands with the
 * learner's addresses, the expiry warning), and the instructor's ClassSession (class.state, a
 * watched terminal acknowledged like a learner's, nothing from an earlier watch).
 */
import { describe, expect, it } from 'vitest';
import { FakeSocket } from './fake-socket.ts';
import { joinClass, readAdmission, type FetchLike } from '../../docs/.vitepress/theme/lab/classroom.ts';
import { ClassSession } from '../../docs/.vitepress/theme/lab/class-session.ts';
import { LabSession, type TerminalSink } from '../../docs/.vitepress/theme/lab/session.ts';
import type { SocketLike, Timers } from '../../docs/.vitepress/theme/lab/socket-client.ts';
import type { KeyValueStorage } from '../../docs/.vitepress/theme/lab/progress-storage.ts';
import { EXPIRY_WARNING_MS, expiryMessage, LabStore } from '../../docs/.vitepress/theme/lab/store.ts';
import { clockText, translator } from '../../docs/.vitepress/theme/lab/strings.ts';
import type { ClassState, ClientMessage, NodeInfo, ServerMessage, StepVerdict } from '../../runner/shared/protocol.ts';
import { TERMINAL_ACK_EVERY } from '../../runner/shared/protocol.ts';

// ---- fakes ----


class ManualTimers implements Timers {
  pending: (() => void)[] = [];
  setTimeout(fn: () => void) {
    this.pending.push(fn);
    return this.pending.length;
  }
  clearTimeout() {}
  fire() {
    this.pending.shift()?.();
  }
}

class MapStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

class FakeTerminal implements TerminalSink {
  written: string[] = [];
  replays: string[] = [];
  callbacks: (() => void)[] = [];
  write(data: string, done: () => void) {
    this.written.push(data);
    this.callbacks.push(done);
  }
  replay(data: string) {
    this.replays.push(data);
  }
  exit() {}
  bracketedPaste() {
    return false;
  }
  flush() {
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

function sockets() {
  const made: FakeSocket[] = [];
  const create = () => {
    const s = new FakeSocket();
    made.push(s);
    return s;
  };
  return { made, create, last: () => made[made.length - 1]! };
}

/** A fetch that answers each path from a table: a status and a JSON body (or a body that is not JSON). */
function fakeFetch(routes: Record<string, { status: number; body?: unknown; notJson?: boolean } | 'offline'>) {
  const calls: { url: string; init?: Parameters<FetchLike>[1] }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, ...(init ? { init } : {}) });
    const route = routes[url];
    if (!route || route === 'offline') throw new TypeError('Failed to fetch');
    return {
      ok: route.status >= 200 && route.status < 300,
      status: route.status,
      json: async () => {
        if (route.notJson) throw new SyntaxError('Unexpected token <');
        return route.body;
      },
    };
  };
  return { fetch, calls };
}

const node = (name: string, address: string): NodeInfo => ({ node: name, address, run: 'running', holdsVip: false, keepalived: false, vrrp: {} });
const classroomRunning: ServerMessage = {
  type: 'lab.state',
  status: 'running',
  vip: '10.89.3.100',
  subnet: '10.89.3.0/24',
  canonicalSubnet: '10.88.1.0/24',
  nodes: [node('lb1', '10.89.3.11'), node('client', '10.89.3.30')],
};
const verdict = (step: string, passed: boolean, checkedAt: number): StepVerdict => ({ step, passed, message: passed ? 'ok' : 'no', checkedAt, ms: 5 });

// ---- admission and joining ----

describe('readAdmission', () => {
  it('reads classroom mode with or without a learner', async () => {
    const joined = fakeFetch({ '/api/session': { status: 200, body: { mode: 'classroom', learner: { id: 'a1', name: 'Ada' } } } });
    expect(await readAdmission(joined.fetch)).toEqual({ mode: 'classroom', learner: { id: 'a1', name: 'Ada' } });
    const stranger = fakeFetch({ '/api/session': { status: 200, body: { mode: 'classroom', learner: null } } });
    expect(await readAdmission(stranger.fetch)).toEqual({ mode: 'classroom', learner: null });
  });

  it('is single-learner mode for a single runner, and wherever there is no runner API (static host, dev server, offline)', async () => {
    expect(await readAdmission(fakeFetch({ '/api/session': { status: 200, body: { mode: 'single' } } }).fetch)).toEqual({ mode: 'single' });
    expect(await readAdmission(fakeFetch({ '/api/session': { status: 404, body: null } }).fetch)).toEqual({ mode: 'single' });
    // A static host that answers every path with its index page.
    expect(await readAdmission(fakeFetch({ '/api/session': { status: 200, notJson: true } }).fetch)).toEqual({ mode: 'single' });
    expect(await readAdmission(fakeFetch({ '/api/session': 'offline' }).fetch)).toEqual({ mode: 'single' });
  });
});

describe('joinClass', () => {
  it('posts the trimmed name and code as JSON and returns the learner', async () => {
    const { fetch, calls } = fakeFetch({ '/api/join': { status: 200, body: { learner: { id: 'b2', name: 'Grace' } } } });
    expect(await joinClass(fetch, '  Grace ', ' k7q2xm ')).toEqual({ ok: true, learner: { id: 'b2', name: 'Grace' } });
    expect(calls[0]!.init?.method).toBe('POST');
    expect(JSON.parse(calls[0]!.init!.body!)).toEqual({ name: 'Grace', code: 'k7q2xm' });
  });

  it("returns the runner's own sentence for a refusal, its status when it gave none, 0 when unreachable", async () => {
    const wrong = fakeFetch({ '/api/join': { status: 403, body: { error: "That join code is not this class's." } } });
    expect(await joinClass(wrong.fetch, 'Ada', 'nope')).toEqual({ ok: false, status: 403, error: "That join code is not this class's." });
    const full = fakeFetch({ '/api/join': { status: 503, body: { error: 'The class is full (40 of 40 learners): ask your instructor.' } } });
    expect(await joinClass(full.fetch, 'Ada', 'k7q2xm')).toMatchObject({ ok: false, status: 503, error: expect.stringMatching(/^The class is full/) });
    expect(await joinClass(fakeFetch({ '/api/join': { status: 502, notJson: true } }).fetch, 'Ada', 'x')).toEqual({ ok: false, status: 502 });
    expect(await joinClass(fakeFetch({ '/api/join': 'offline' }).fetch, 'Ada', 'x')).toEqual({ ok: false, status: 0 });
  });
});

// ---- a learner's session ----

describe('LabSession in a classroom', () => {
  function learnerSession(storage = new MapStorage()) {
    const s = sockets();
    const session = new LabSession({ lab: 'basic-vip', url: 'ws://x/ws', storage, classroom: true, createSocket: s.create, timers: new ManualTimers() });
    session.start();
    return { session, storage, socket: s.last };
  }

  it('takes progress from the runner as it is: an instructor reset clears the page, nothing is stored in the browser', () => {
    const storage = new MapStorage();
    storage.setItem('kalab:progress:basic-vip', JSON.stringify({ version: 1, verdicts: { start: verdict('start', true, 1) } }));
    const { session, socket } = learnerSession(storage);
    expect(session.state.verdicts).toEqual({}); // another learner's progress on this browser is not this one's
    socket().open();
    socket().receive({ type: 'progress', verdicts: [verdict('start', true, 10)] });
    socket().receive({ type: 'step.result', verdict: verdict('failover', false, 20) });
    expect(Object.keys(session.state.verdicts)).toEqual(['start', 'failover']);
    socket().receive({ type: 'progress', verdicts: [] });
    expect(session.state.verdicts).toEqual({});
    expect(JSON.parse(storage.getItem('kalab:progress:basic-vip')!).verdicts).toEqual({ start: verdict('start', true, 1) });
  });

  it("sends a step's command with the learner's own addresses", () => {
    const { session, socket } = learnerSession();
    session.attachTerminal('client', new FakeTerminal(), { cols: 80, rows: 24 });
    socket().open();
    socket().receive(classroomRunning);
    expect(session.state.canonicalSubnet).toBe('10.88.1.0/24');
    session.runCommand('client', 'curl -s http://10.88.1.100/');
    expect(socket().sent.filter((m) => m.type === 'term.input')).toEqual([{ type: 'term.input', node: 'client', data: 'curl -s http://10.89.3.100/\r' }]);
  });

  it('an idle warning goes once the page sends anything (the runner counts it as activity); a lifetime warning stays', () => {
    const { session, socket } = learnerSession();
    session.attachTerminal('lb1', new FakeTerminal(), { cols: 80, rows: 24 });
    socket().open();
    const soon = Date.now() + 60_000;
    socket().receive({ ...classroomRunning, expiresAt: soon + 3_600_000 });
    socket().receive({ type: 'lab.expiring', at: soon, reason: 'idle' });
    expect(session.state.expiring).toEqual({ at: soon, reason: 'idle' });
    session.input('lb1', 'l');
    expect(session.state.expiring).toBeNull();
    socket().receive({ type: 'lab.expiring', at: soon, reason: 'lifetime' });
    session.input('lb1', 's');
    expect(session.state.expiring).toEqual({ at: soon, reason: 'lifetime' });
    // The copy went: so did its warning.
    socket().receive({ type: 'lab.state', status: 'stopped', canonicalSubnet: '10.88.1.0/24', nodes: [] });
    expect(session.state.expiring).toBeNull();
  });
});

describe('the expiry banner', () => {
  const t = translator('en-US');
  const at = new Date(2025, 0, 6, 14, 5).getTime();

  it("warns of a deadline within five minutes of the runner's lab.state, and on the runner's lab.expiring", () => {
    let now = at - EXPIRY_WARNING_MS - 1000;
    const store = new LabStore('basic-vip', {}, { now: () => now });
    store.apply({ ...classroomRunning, expiresAt: at });
    expect(store.state.expiring).toBeNull();
    now = at - EXPIRY_WARNING_MS + 1000;
    store.apply({ ...classroomRunning, expiresAt: at });
    expect(store.state.expiring).toEqual({ at, reason: null });
    store.apply({ type: 'lab.expiring', at, reason: 'lifetime' });
    store.apply({ ...classroomRunning, expiresAt: at });
    expect(store.state.expiring).toEqual({ at, reason: 'lifetime' });
    // A deadline farther away (the learner came back on another page) ends the warning.
    store.apply({ ...classroomRunning, expiresAt: at + 30 * 60_000 });
    expect(store.state.expiring).toBeNull();
  });

  it('says when and why, in the page\'s language', () => {
    expect(clockText(at)).toBe('14:05');
    expect(expiryMessage(t, { at, reason: 'idle' }, 25 * 60_000)).toBe('Idle for 25 min: the lab is removed at 14:05 unless you use it.');
    expect(expiryMessage(t, { at, reason: 'lifetime' }, 0)).toBe('The lab reaches its time limit at 14:05: it is removed then.');
    expect(expiryMessage(t, { at, reason: null }, 0)).toBe('The lab is removed at 14:05.');
    expect(expiryMessage(translator('zh-CN'), { at, reason: 'idle' }, 25 * 60_000)).toBe('已空闲 25 分钟：除非你继续使用，实验将在 14:05 被删除。');
  });
});

// ---- the instructor's session ----

const classState = (over: Partial<ClassState> = {}): ClassState => ({
  type: 'class.state',
  joinCode: 'K7Q2XM',
  learners: [
    { learner: 'a1', name: 'Ada', lab: 'basic-vip', nodes: ['lb1', 'lb2', 'web1', 'web2', 'client'], status: 'running', passed: 1, total: 5, currentStep: 'failover', vipHolders: ['lb1'], lastActivity: 1, engine: 'local', subnet: '10.89.3.0/24' },
  ],
  idle: [],
  maxSessions: 40,
  ...over,
});

describe('ClassSession', () => {
  function instructor() {
    const s = sockets();
    const timers = new ManualTimers();
    const session = new ClassSession({ url: 'ws://x/ws', createSocket: s.create, timers, backoff: { initialMs: 10, maxMs: 10, unreachableAfter: 3 } });
    session.start();
    const sent = (type?: string) => s.last().sent.filter((m) => !type || m.type === type);
    return { session, socket: s.last, sent, timers, made: s.made };
  }

  it('says class.hello and shows every class.state; reset and stop name the learner and lab', () => {
    const { session, socket, sent } = instructor();
    socket().open();
    expect(sent()).toEqual([{ type: 'class.hello' }]);
    socket().receive(classState());
    expect(session.state.class?.learners[0]?.passed).toBe(1);
    socket().receive(classState({ learners: [] }));
    expect(session.state.class?.learners).toEqual([]);
    session.reset('a1', 'basic-vip');
    session.stop('a1', 'basic-vip');
    expect(sent().slice(1)).toEqual([
      { type: 'class.reset', learner: 'a1', lab: 'basic-vip' },
      { type: 'class.stop', learner: 'a1', lab: 'basic-vip' },
    ]);
  });

  it('knows a socket refused from the start (no instructor cookie) from one that was lost', () => {
    const { session, socket, timers } = instructor();
    socket().drop();
    expect(session.state).toMatchObject({ connection: 'unreachable', everOpened: false });
    timers.fire();
    socket().open();
    socket().drop();
    expect(session.state).toMatchObject({ connection: 'reconnecting', everOpened: true });
  });

  it('acknowledges the watched terminal as xterm writes it (the learner\'s shell would pause otherwise), never the replay', () => {
    const { session, socket, sent } = instructor();
    socket().open();
    const pane = new FakeTerminal();
    session.attachTerminal('lb1', pane);
    session.watch({ learner: 'a1', lab: 'basic-vip', node: 'lb1', name: 'Ada' });
    expect(sent('class.watch')).toEqual([{ type: 'class.watch', learner: 'a1', lab: 'basic-vip', node: 'lb1' }]);
    socket().receive({ type: 'term.replay', node: 'lb1', data: 'ada@lb1:~# ', watch: 'a1' });
    expect(pane.replays).toEqual(['ada@lb1:~# ']);
    const chunk = 'y'.repeat(8 * 1024);
    for (let i = 0; i < 3; i++) socket().receive({ type: 'term.output', node: 'lb1', data: chunk, watch: 'a1' });
    expect(sent('term.ack')).toEqual([]);
    pane.flush();
    expect(sent('term.ack')).toEqual([
      { type: 'term.ack', node: 'lb1', bytes: TERMINAL_ACK_EVERY },
      { type: 'term.ack', node: 'lb1', bytes: 8 * 1024 },
    ]);
    // Keystrokes and sizes stay on this page.
    session.input();
    session.resize();
    expect(sent('term.input')).toEqual([]);
    expect(sent('term.resize')).toEqual([]);
  });

  it('drops what is still in flight from an earlier watch, and unacknowledged writes of it are forgotten', () => {
    const { session, socket, sent } = instructor();
    socket().open();
    const pane = new FakeTerminal();
    session.attachTerminal('lb1', pane);
    session.watch({ learner: 'a1', lab: 'basic-vip', node: 'lb1', name: 'Ada' });
    socket().receive({ type: 'term.output', node: 'lb1', data: 'from Ada', watch: 'a1' });
    session.watch({ learner: 'b2', lab: 'basic-vip', node: 'lb1', name: 'Grace' });
    pane.flush(); // Ada's write finishes after the switch: not acknowledged against Grace's terminal
    socket().receive({ type: 'term.output', node: 'lb1', data: 'late from Ada', watch: 'a1' });
    socket().receive({ type: 'term.output', node: 'lb2', data: 'another node', watch: 'b2' });
    socket().receive({ type: 'term.output', node: 'lb1', data: 'from Grace', watch: 'b2' });
    pane.flush();
    expect(pane.written).toEqual(['from Ada', 'from Grace']);
    expect(sent('term.ack')).toEqual([{ type: 'term.ack', node: 'lb1', bytes: 'from Grace'.length }]);
    session.unwatch();
    expect(sent('class.unwatch')).toHaveLength(1);
    socket().receive({ type: 'term.output', node: 'lb1', data: 'after', watch: 'b2' });
    expect(pane.written).toHaveLength(2);
  });

  it('keeps what arrives before the pane is drawn, acknowledged at once, and shows it when the pane attaches', () => {
    const { session, socket, sent } = instructor();
    socket().open();
    session.watch({ learner: 'a1', lab: 'basic-vip', node: 'lb2', name: 'Ada' });
    socket().receive({ type: 'term.replay', node: 'lb2', data: 'old\r\n', watch: 'a1' });
    socket().receive({ type: 'term.output', node: 'lb2', data: 'new', watch: 'a1' });
    expect(sent('term.ack')).toEqual([{ type: 'term.ack', node: 'lb2', bytes: 3 }]);
    const pane = new FakeTerminal();
    session.attachTerminal('lb2', pane);
    expect(pane.replays).toEqual(['old\r\nnew']);
  });

  it('asks for the watch again on a new socket (the runner forgot it with the old one)', () => {
    const { session, socket, timers, made } = instructor();
    socket().open();
    session.watch({ learner: 'a1', lab: 'basic-vip', node: 'lb1', name: 'Ada' });
    socket().drop();
    timers.fire();
    expect(made).toHaveLength(2);
    socket().open();
    expect(socket().sent).toEqual([{ type: 'class.hello' }, { type: 'class.watch', learner: 'a1', lab: 'basic-vip', node: 'lb1' }]);
  });

  it('shows the runner\'s refusals', () => {
    const { session, socket } = instructor();
    socket().open();
    socket().receive({ type: 'error', message: 'Learner a1 has no unicast lab to watch.' });
    expect(session.state.lastError).toBe('Learner a1 has no unicast lab to watch.');
    session.dismissError();
    expect(session.state.lastError).toBe('');
  });
});
