/**
 * Steps that check themselves (docs/.vitepress/theme/lab/auto-check.ts): the scheduler against a
 * fake host and fake timers, then a LabSession fed the runner's messages through a fake socket,
 * as the page gets them: the history on hello changes nothing, a keepalived event or a VIP move
 * judges the current step 1.5 s after the last one, never two at once, and a pass stays a pass.
 */
import { describe, expect, it } from 'vitest';
import { FakeSocket } from './fake-socket.ts';
import { AutoCheck, currentStep, isLabChange, labSignature, type AutoCheckHost } from '../../docs/.vitepress/theme/lab/auto-check.ts';
import { mergeVerdicts } from '../../docs/.vitepress/theme/lab/progress-storage.ts';
import { LabSession } from '../../docs/.vitepress/theme/lab/session.ts';
import type { SocketLike, Timers } from '../../docs/.vitepress/theme/lab/socket-client.ts';
import type { LabEvent } from '../../runner/shared/events.ts';
import type { ClientMessage, NodeInfo, ServerMessage, StepVerdict } from '../../runner/shared/protocol.ts';

/** Timers on a clock the test moves. */
class FakeClock implements Timers {
  now = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const [id, first] = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !first || first.at > until) break;
      this.due.delete(id);
      this.now = first.at;
      first.fn();
    }
    this.now = until;
  }
  get pendingCount(): number {
    return this.due.size;
  }
}

/** A lab with steps a, b, c; `verdicts` and `checks` as the page's store would hold them. */
function fakeHost() {
  const state = {
    steps: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    passed: new Set<string>(),
    checking: new Set<string>(),
    live: true,
    sent: [] as string[],
  };
  const host: AutoCheckHost = {
    currentStep: () => state.steps.find((s) => !state.passed.has(s.id))?.id,
    checking: (step) => state.checking.has(step),
    live: () => state.live,
    send: (step) => {
      state.sent.push(step);
      state.checking.add(step);
      return true;
    },
  };
  return { state, host };
}

describe('AutoCheck', () => {
  it('judges the current step once, 1.5 s after the last of a burst of changes', () => {
    const clock = new FakeClock();
    const { state, host } = fakeHost();
    const auto = new AutoCheck(host, clock);
    auto.changed();
    clock.advance(1000);
    auto.changed(); // a failover is several events: the wait starts again
    clock.advance(1000);
    auto.changed();
    clock.advance(1499);
    expect(state.sent).toEqual([]);
    clock.advance(1);
    expect(state.sent).toEqual(['a']);
  });

  it('never has two checks in flight: a change during one asks for another once its verdict is in', () => {
    const clock = new FakeClock();
    const { state, host } = fakeHost();
    const auto = new AutoCheck(host, clock);
    auto.changed();
    clock.advance(1500);
    expect(state.sent).toEqual(['a']);
    auto.changed(); // lb2 started while lb1's check was judged
    clock.advance(10_000);
    expect(state.sent).toEqual(['a']); // still judging: nothing more sent
    state.checking.delete('a'); // the verdict: a failed
    auto.sync();
    clock.advance(1500);
    expect(state.sent).toEqual(['a', 'a']);
  });

  it('a change before a step passed belongs to that step: the next one waits for changes of its own', () => {
    const clock = new FakeClock();
    const { state, host } = fakeHost();
    const auto = new AutoCheck(host, clock);
    auto.changed();
    clock.advance(1500);
    auto.changed(); // a trailing event of a's own action, during its check
    state.checking.delete('a');
    state.passed.add('a'); // a passed
    auto.sync();
    clock.advance(10_000);
    expect(state.sent).toEqual(['a']); // b is not judged on a's events
    auto.changed(); // the learner does b
    clock.advance(1500);
    expect(state.sent).toEqual(['a', 'b']);
  });

  it('drops a pending check when its step passed meanwhile (a Check pressed, another tab)', () => {
    const clock = new FakeClock();
    const { state, host } = fakeHost();
    const auto = new AutoCheck(host, clock);
    auto.changed();
    clock.advance(500);
    state.passed.add('a');
    auto.sync();
    expect(clock.pendingCount).toBe(0);
    clock.advance(5000);
    expect(state.sent).toEqual([]);
  });

  it('a Check pressed covers the changes before it; a change during it asks again after a failure', () => {
    const clock = new FakeClock();
    const { state, host } = fakeHost();
    const auto = new AutoCheck(host, clock);
    auto.changed();
    clock.advance(500);
    state.checking.add('a'); // the learner pressed Check
    auto.manualRequested('a');
    clock.advance(5000);
    expect(state.sent).toEqual([]);
    state.checking.delete('a');
    auto.sync();
    clock.advance(5000);
    expect(state.sent).toEqual([]); // nothing changed after the Check: no second check

    state.checking.add('a');
    auto.manualRequested('a');
    auto.changed();
    state.checking.delete('a');
    auto.sync();
    clock.advance(1500);
    expect(state.sent).toEqual(['a']);
  });

  it("someone else's check in flight when the wait ends: the page waits for it, then judges again", () => {
    const clock = new FakeClock();
    const { state, host } = fakeHost();
    const auto = new AutoCheck(host, clock);
    auto.changed();
    state.checking.add('a'); // another tab pressed Check
    clock.advance(1500);
    expect(state.sent).toEqual([]);
    state.checking.delete('a');
    auto.sync();
    clock.advance(1500);
    expect(state.sent).toEqual(['a']);
  });

  it('does nothing while the lab is not live, when every step passed, after reset or dispose', () => {
    const clock = new FakeClock();
    const { state, host } = fakeHost();
    const auto = new AutoCheck(host, clock);
    state.live = false;
    auto.changed();
    clock.advance(5000);
    state.live = true;
    auto.changed();
    state.live = false; // the lab stopped before the wait ended
    clock.advance(1500);
    state.live = true;
    auto.changed();
    auto.reset();
    clock.advance(5000);
    for (const s of ['a', 'b', 'c']) state.passed.add(s);
    auto.changed();
    clock.advance(5000);
    state.passed.clear();
    auto.dispose();
    auto.changed();
    clock.advance(5000);
    expect(state.sent).toEqual([]);
  });
});

describe('what counts as a change of the lab', () => {
  it('vip, keepalived, vrrp, node and mail events do; adverts, observer gaps and failover figures do not', () => {
    const kinds: LabEvent['type'][] = ['vip', 'keepalived', 'vrrp', 'node', 'mail', 'advert', 'observer', 'failover', 'http'];
    expect(kinds.filter((type) => isLabChange({ type }))).toEqual(['vip', 'keepalived', 'vrrp', 'node', 'mail']);
  });

  it("a node's signature changes with its VIPs, run state, keepalived and VRRP states, not with its adverts", () => {
    const node: NodeInfo = { node: 'lb1', address: '10.88.1.11', run: 'running', holdsVip: false, keepalived: true, vrrp: { VI_1: 'BACKUP' } };
    const base = labSignature({ nodes: [node] });
    expect(labSignature({ nodes: [{ ...node, lastAdvert: { t: 5, priority: 100, dst: '224.0.0.18', vrid: 51 } }] })).toBe(base);
    expect(labSignature({ nodes: [{ ...node, vrrp: { VI_1: 'MASTER' } }] })).not.toBe(base);
    expect(labSignature({ nodes: [{ ...node, holdsVip: true }] })).not.toBe(base);
    expect(labSignature({ nodes: [{ ...node, run: 'frozen' }] })).not.toBe(base);
    expect(labSignature({ nodes: [{ ...node, keepalived: false }] })).not.toBe(base);
  });

  it('the current step is the first not passed', () => {
    const v = (step: string, passed: boolean): StepVerdict => ({ step, passed, message: '', checkedAt: 1, ms: 1 });
    const steps = [{ id: 'start' }, { id: 'failover' }];
    expect(currentStep({ steps, verdicts: {} })).toBe('start');
    expect(currentStep({ steps, verdicts: { start: v('start', true), failover: v('failover', false) } })).toBe('failover');
    expect(currentStep({ steps, verdicts: { start: v('start', true), failover: v('failover', true) } })).toBeUndefined();
  });
});

describe('a passed step stays passed', () => {
  const pass: StepVerdict = { step: 'start', passed: true, message: 'lb1 holds the VIP.', checkedAt: 100, ms: 5 };
  it('an automatic failure does not replace a pass; a Check pressed does', () => {
    const autoFail: StepVerdict = { step: 'start', passed: false, message: 'lb2 holds the VIP.', checkedAt: 200, ms: 5, auto: true };
    expect(mergeVerdicts({ start: pass }, [autoFail]).start).toBe(pass);
    const manualFail: StepVerdict = { ...autoFail, auto: undefined };
    delete manualFail.auto;
    expect(mergeVerdicts({ start: pass }, [manualFail]).start).toBe(manualFail);
    // An automatic failure of a step not passed is its latest verdict (the hint reads it).
    const earlier: StepVerdict = { ...pass, passed: false, message: 'keepalived is not running on lb1.' };
    expect(mergeVerdicts({ start: earlier }, [autoFail]).start).toBe(autoFail);
  });
});

// ---- the session, driven by the runner's messages ----


const lb = (node: string, extra: Partial<NodeInfo> = {}): NodeInfo => ({ node, address: '10.88.1.11', run: 'running', holdsVip: false, keepalived: false, vrrp: {}, ...extra });
const welcome: ServerMessage = {
  type: 'welcome',
  lab: 'basic-vip',
  title: 'Basic VIP failover',
  steps: [
    { id: 'start', title: 'Start keepalived on lb1, then on lb2' },
    { id: 'failover', title: 'Stop keepalived on lb1; lb2 takes over' },
  ],
  editable: ['lb1', 'lb2'],
};
const state = (nodes: NodeInfo[]): ServerMessage => ({ type: 'lab.state', status: 'running', vip: '10.88.1.100', subnet: '10.88.1.0/24', nodes });
const keepalivedUp = (t: number): ServerMessage => ({ type: 'timeline', events: [{ type: 'keepalived', t, node: 'lb1', running: true }] });

function sessionSetup() {
  const clock = new FakeClock();
  let socket!: FakeSocket;
  const session = new LabSession({
    lab: 'basic-vip',
    url: 'ws://x/ws',
    storage: null,
    timers: clock,
    createSocket: () => (socket = new FakeSocket()),
  });
  session.start();
  socket.open();
  const checks = () => socket.sent.filter((m) => m.type === 'step.check');
  return { clock, session, socket: () => socket, checks };
}

describe('LabSession judges the current step when the lab changes', () => {
  it('not on the history sent on hello; on a live keepalived event, with auto set, after 1.5 s', () => {
    const { clock, socket, checks } = sessionSetup();
    socket().receive(welcome);
    socket().receive(state([lb('lb1'), lb('lb2')]));
    socket().receive({ type: 'vip', snapshot: { t: 1, holders: [], runningHolders: [] }, nodes: [lb('lb1'), lb('lb2')] });
    socket().receive({ type: 'timeline', events: [{ type: 'node', t: 1, node: 'lb1', state: 'running' }] }); // the history
    socket().receive({ type: 'progress', verdicts: [] });
    clock.advance(10_000);
    expect(checks()).toEqual([]);

    socket().receive({ type: 'vip', snapshot: { t: 2, holders: [], runningHolders: [] }, nodes: [lb('lb1', { keepalived: true }), lb('lb2')] });
    socket().receive(keepalivedUp(2));
    clock.advance(1499);
    expect(checks()).toEqual([]);
    clock.advance(1);
    expect(checks()).toEqual([{ type: 'step.check', step: 'start', auto: true }]);
  });

  it('an advert-only vip message is no change; a pass moves on, and an automatic failure keeps the pass', () => {
    const { clock, session, socket, checks } = sessionSetup();
    socket().receive(welcome);
    socket().receive(state([lb('lb1'), lb('lb2')]));
    socket().receive({ type: 'timeline', events: [] });
    const advert = { t: 3, priority: 100, dst: '224.0.0.18', vrid: 51 };
    socket().receive({ type: 'vip', snapshot: { t: 3, holders: [], runningHolders: [] }, nodes: [lb('lb1', { lastAdvert: advert }), lb('lb2')] });
    clock.advance(5000);
    expect(checks()).toEqual([]);

    socket().receive(keepalivedUp(4));
    clock.advance(1500);
    expect(checks()).toHaveLength(1);
    expect(session.state.checks.start).toBe('requested');
    socket().receive({ type: 'step.running', step: 'start' });
    socket().receive({ type: 'step.result', verdict: { step: 'start', passed: true, message: 'lb1 holds the VIP.', checkedAt: 10, ms: 4000, auto: true } });
    expect(session.state.verdicts.start?.passed).toBe(true);
    // Another tab's automatic check of start fails later: this page keeps the pass.
    socket().receive({ type: 'step.result', verdict: { step: 'start', passed: false, message: 'lb2 holds the VIP.', checkedAt: 20, ms: 4000, auto: true } });
    expect(session.state.verdicts.start?.passed).toBe(true);

    socket().receive({ type: 'timeline', events: [{ type: 'keepalived', t: 30, node: 'lb1', running: false }] });
    clock.advance(1500);
    expect(checks().at(-1)).toEqual({ type: 'step.check', step: 'failover', auto: true });
  });

  it('a lab that stops or a lost connection cancels a pending check', () => {
    const { clock, socket, checks } = sessionSetup();
    socket().receive(welcome);
    socket().receive(state([lb('lb1')]));
    socket().receive({ type: 'timeline', events: [] });
    socket().receive(keepalivedUp(4));
    socket().receive({ type: 'lab.state', status: 'stopping', nodes: [] });
    clock.advance(5000);
    socket().receive(state([lb('lb1')]));
    socket().receive({ type: 'timeline', events: [{ type: 'node', t: 1, node: 'lb1', state: 'running' }] }); // a new copy's history
    clock.advance(5000);
    socket().receive(keepalivedUp(8));
    socket().drop();
    clock.advance(1500);
    expect(checks()).toEqual([]);
  });
});
