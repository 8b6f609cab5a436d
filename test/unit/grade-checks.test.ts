import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckContext, CheckResult, StepTiming } from '../../runner/grade/check.ts';
import { vipOn } from '../../runner/grade/checks/vip-on.ts';
import { vipStays } from '../../runner/grade/checks/vip-stays.ts';
import type { LabInstance } from '../../runner/engine/lab-instance.ts';
import type { NodeName } from '../../runner/lab/definition.ts';
import type { LabObserver } from '../../runner/observe/lab-observer.ts';
import type { LabEvent } from '../../runner/shared/events.ts';

const T0 = 1_700_000_000_000;
const conf = (path: string) => readFileSync(new URL(`../../labs/${path}/etc/keepalived/keepalived.conf`, import.meta.url), 'utf8');

/**
 * A fake observer: tests move the VIP and freeze nodes; each change is recorded and announced to
 * the listeners, as LabObserver does.
 */
function fakeObserver(nodes: readonly NodeName[]) {
  const emitter = new EventEmitter();
  const events: LabEvent[] = [];
  let holders: NodeName[] = [];
  const frozen = new Set<NodeName>();
  const priority = new Map<NodeName, number>();
  const record = (event: LabEvent) => {
    events.push(event);
    emitter.emit('e', event);
  };
  const observer = {
    vip: () => ({ t: Date.now(), holders: [...holders], runningHolders: holders.filter((n) => !frozen.has(n)) }),
    onEvent(listener: (event: LabEvent) => void) {
      emitter.on('e', listener);
      return () => emitter.off('e', listener);
    },
    view: (node: NodeName) => ({
      node,
      run: frozen.has(node) ? 'frozen' : 'running',
      holdsVip: holders.includes(node),
      keepalived: true,
      vrrp: {},
      ...(priority.has(node) ? { lastAdvert: { t: Date.now(), priority: priority.get(node)!, dst: '224.0.0.18', vrid: 51 } } : {}),
    }),
    timeline: (since = 0) => events.filter((e) => e.t >= since),
  };
  return {
    observer: observer as unknown as LabObserver,
    /** Set who holds the VIP, recording one vip event per node that gained or lost it. */
    hold(...next: NodeName[]) {
      const before = holders;
      holders = [...next];
      for (const n of nodes) {
        if (before.includes(n) !== next.includes(n)) record({ type: 'vip', t: Date.now(), node: n, held: next.includes(n), iface: 'eth0' });
      }
    },
    advertise(node: NodeName, p: number) {
      priority.set(node, p);
      record({ type: 'advert', t: Date.now(), node, src: '', dst: '224.0.0.18', vrid: 51, priority: p, intervalS: 1, version: 2 });
    },
    listeners: () => emitter.listenerCount('e'),
  };
}

interface NodeState {
  keepalived?: boolean;
  nginx?: boolean;
  config?: string;
  configTest?: { stdout: string; exitCode: number };
}

/** A fake lab that answers collectLbFacts' exec (status lines, a separator, the config) and the config test. */
function fakeLab(prefix: string, state: Partial<Record<NodeName, NodeState>>) {
  const calls: { node: NodeName; command: string }[] = [];
  const lab = {
    addresses: {
      subnet: `${prefix}.0/24`,
      vip: `${prefix}.100`,
      node: { lb1: `${prefix}.11`, lb2: `${prefix}.12`, web1: `${prefix}.21`, web2: `${prefix}.22`, mail: `${prefix}.25`, client: `${prefix}.30` },
    },
    nodes: ['lb1', 'lb2', 'web1', 'web2', 'client'] as NodeName[],
    async exec(node: NodeName, command: string) {
      calls.push({ node, command });
      const s = state[node] ?? {};
      if (command.startsWith('pidof keepalived')) {
        const status = [s.keepalived !== false ? 'keepalived' : '', s.nginx !== false ? 'nginx' : ''].filter(Boolean).join('\n');
        return { stdout: `${status}${status ? '\n' : ''}--kalab-config--\n${s.config ?? ''}`, stderr: '', exitCode: 0 };
      }
      if (command.startsWith('keepalived --config-test')) return { stdout: s.configTest?.stdout ?? '', stderr: '', exitCode: s.configTest?.exitCode ?? 0 };
      return { stdout: '', stderr: '', exitCode: 0 };
    },
  };
  return { lab: lab as unknown as LabInstance, calls };
}

function timing(over: Partial<StepTiming> = {}): StepTiming {
  const settleMs = 4_610;
  return { actionAt: T0, settleMs, settleEndsAt: T0 + settleMs, deadline: T0 + settleMs + 5_000, masterDownMs: 3_609.375, ...over };
}

/** Runs a judgement and records when it resolved, so tests can step the fake clock and look. */
function track(p: Promise<CheckResult>) {
  const state: { result?: CheckResult; at?: number } = {};
  void p.then((r) => {
    state.result = r;
    state.at = Date.now();
  });
  return state;
}

describe('vipOn', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('has a label', () => {
    expect(vipOn('lb1').label).toBe('VIP on lb1 only');
  });

  it('passes as soon as the settle window ends when the VIP is on the node', async () => {
    const { lab, calls } = fakeLab('10.88.1', {});
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const ctx: CheckContext = { lab, observer: obs.observer, timing: timing(), facts: [] };
    const seen = track(vipOn('lb1').judge(ctx));
    await vi.advanceTimersByTimeAsync(4_609);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result).toEqual({ passed: true, message: 'lb1 holds the VIP 10.88.1.100, and no other running node does.' });
    expect(seen.at).toBe(T0 + 4_610);
    expect(calls).toEqual([]); // a pass reads no node
    expect(obs.listeners()).toBe(0);
  });

  it('is woken by the VIP arriving after the window, without waiting for the deadline', async () => {
    const { lab } = fakeLab('10.88.1', {});
    const obs = fakeObserver(lab.nodes);
    const seen = track(vipOn('lb2').judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(6_000);
    expect(seen.result).toBeUndefined();
    obs.hold('lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result?.passed).toBe(true);
    expect(seen.at).toBe(T0 + 6_000);
  });

  it('does not pass early: a backup with a higher priority takes the VIP at 3.5 s, and the verdict names it', async () => {
    const { lab, calls } = fakeLab('10.88.1', {
      lb1: { config: conf('basic-vip/solution/lb1') },
      lb2: { config: conf('basic-vip/broken/backup-higher-priority/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    obs.advertise('lb1', 100);
    const t = timing();
    const seen = track(vipOn('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(3_500);
    expect(seen.result).toBeUndefined(); // the VIP was on lb1 all along, but the verdict is not due yet
    obs.advertise('lb2', 150);
    obs.hold('lb2');
    await vi.advanceTimersByTimeAsync(t.deadline - T0 - 3_500 - 1);
    expect(seen.result).toBeUndefined(); // waits for the VIP to come back until the deadline
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at).toBe(t.deadline);
    expect(seen.result).toEqual({
      passed: false,
      message: "lb2 holds the VIP 10.88.1.100, not lb1: lb2's priority (150) is higher than lb1's (100). The node meant to be MASTER needs the higher priority.",
    });
    // The lab's own diagnosis pattern for basic-vip broken/backup-higher-priority.
    expect(seen.result?.message).toMatch(/lb2 holds the VIP.*priority \(\d+\) is higher than lb1's/);
    expect(calls.map((c) => c.node).sort()).toEqual(['lb1', 'lb2']);
    expect(calls.every((c) => c.command.includes('cat /etc/keepalived/keepalived.conf'))).toBe(true);
  });

  it('fails at the deadline with "Split brain" and the cause when both hold the VIP', async () => {
    const { lab } = fakeLab('10.88.1', {
      lb1: { config: conf('basic-vip/solution/lb1') },
      lb2: { config: conf('basic-vip/broken/vrid-mismatch/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1', 'lb2');
    const t = timing();
    const seen = track(vipOn('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0 - 1);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at).toBe(t.deadline);
    expect(seen.result).toEqual({
      passed: false,
      message:
        "Split brain: lb1 and lb2 both hold the VIP 10.88.1.100. Likely cause: virtual_router_id differs (lb1: 51, lb2: 52): each ignores the other's adverts as another router's, so both become MASTER; use the same id on both.",
    });
  });

  it("does not count a frozen holder, and explains that keepalived is not running on the expected node with the config test's error", async () => {
    const { lab, calls } = fakeLab('10.88.1', {
      lb1: {
        keepalived: false,
        config: conf('basic-vip/solution/lb1'),
        configTest: { stdout: "Mon Nov 30 02:00:00 2026: Keepalived_vrrp[42]: (Line 10) Unknown keyword 'prioity'\n", exitCode: 1 },
      },
      lb2: { config: conf('basic-vip/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const t = timing();
    const seen = track(vipOn('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0);
    expect(seen.result).toEqual({
      passed: false,
      message: "lb2 holds the VIP: keepalived is not running on lb1. keepalived --config-test says: (Line 10) Unknown keyword 'prioity'",
    });
    expect(calls.some((c) => c.node === 'lb1' && c.command.startsWith('keepalived --config-test'))).toBe(true);
  });
});

describe('vipStays', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('has a label', () => {
    expect(vipStays('lb2', 2).label).toBe('VIP stays on lb2 for 2 Master_Down_Intervals');
  });

  it('passes when the VIP stays for intervals × masterDownMs', async () => {
    const { lab, calls } = fakeLab('10.88.2', {});
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays('lb2', 2).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(3_000);
    obs.advertise('lb2', 90); // an event that changes nothing
    await vi.advanceTimersByTimeAsync(7_219 - 3_000 - 1); // 2 × 3609.375 = 7218.75, rounded
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result).toEqual({ passed: true, message: 'lb2 kept the VIP for 7.2 s.' });
    expect(seen.at).toBe(T0 + 7_219);
    expect(calls).toEqual([]);
    expect(obs.listeners()).toBe(0);
  });

  it('fails at the first change with the time it moved and the cause from the configs', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/broken/master-with-nopreempt/lb1') },
      lb2: { config: conf('nopreempt/broken/master-with-nopreempt/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays('lb2', 3).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(3_600);
    obs.hold('lb1', 'lb2'); // the handover: for a moment both hold it
    await vi.advanceTimersByTimeAsync(100);
    expect(seen.result).toBeUndefined(); // it waits for the VIP to land before saying who took it
    obs.hold('lb1');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at).toBe(T0 + 3_700);
    expect(seen.result).toEqual({
      passed: false,
      message:
        'The VIP did not stay on lb2: 3.6 s after the action lb1 took it. lb1 took the VIP back although nopreempt is set: nopreempt is ignored when the initial state is MASTER (keepalived clears it and logs "nopreempt will not work"); set state BACKUP on both nodes.',
    });
  });

  it('says a missing nopreempt and the higher priority when that explains the move', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/broken/no-nopreempt/lb1') },
      lb2: { config: conf('nopreempt/broken/no-nopreempt/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays('lb2', 3).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(4_200);
    obs.hold('lb1');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result?.passed).toBe(false);
    expect(seen.result?.message).toMatch(/^The VIP did not stay on lb2: 4\.2 s after the action lb1 took it\. lb1 has no nopreempt and a higher priority \(100 > 90\).*add nopreempt/);
  });

  it('says no node held it when the VIP vanished and did not land within the settle margin', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/solution/lb1') },
      lb2: { config: conf('nopreempt/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays('lb2', 2).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(1_500);
    obs.hold();
    await vi.advanceTimersByTimeAsync(999);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at).toBe(T0 + 2_500);
    expect(seen.result).toEqual({ passed: false, message: 'The VIP did not stay on lb2: 1.5 s after the action no node held it.' });
  });

  it('fails a moment of split brain that resolves back to the node, naming the node that held it too', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/solution/lb1') },
      lb2: { config: conf('nopreempt/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays('lb2', 3).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(3_600);
    obs.hold('lb1', 'lb2');
    await vi.advanceTimersByTimeAsync(200);
    obs.hold('lb2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen.result).toEqual({
      passed: false,
      message: 'The VIP did not stay on lb2: 3.6 s after the action lb1 and lb2 held it for a moment, then lb2 alone again.',
    });
  });

  it('fails at once when the VIP is not on the node to begin with', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/solution/lb1') },
      lb2: { config: conf('nopreempt/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const seen = track(vipStays('lb2', 2).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(0);
    // lb1 has nopreempt and state BACKUP: the configs explain nothing, so no cause is added.
    expect(seen.result).toEqual({ passed: false, message: 'The VIP did not stay on lb2: 0.0 s after the action lb1 took it.' });
  });
});
