/**
 * The `advertises` expectation against a fake observer on the fake clock: the priority lb1's
 * adverts carry, as tcpdump shows it (seed 000's 100 → 70 → 80), judged against lb2's (its adverts
 * once it sends any, else the least its config lets it be), and the diagnosis of a health check
 * that does not take lb1 below lb2.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../runner/grade/check.ts';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { advertises, advertWindowStart, leastPriority, priorityHistory } from '../../runner/kinds/expectations/advertises.ts';
import { conf, fakeLab, fakeObserver, lbFacts, T0, timing, track as trackAny, type NodeState } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

const track = (p: Promise<CheckResult>) => trackAny(p);
const pinned = (r: CheckResult | undefined) => r && { passed: r.passed, message: r.message, codes: codesOf(r.diagnosis) };

/** The lab's lb nodes: each config from labs/health-check/<dir>/<node>, nginx as given. */
function healthCheckLab(dir: string, state: { lb1?: Partial<NodeState>; lb2?: Partial<NodeState> } = {}) {
  const nodes = {
    lb1: { config: conf(`health-check/${dir}/lb1`), ...state.lb1 },
    lb2: { config: conf(`health-check/${dir}/lb2`), ...state.lb2 },
  };
  const { lab } = fakeLab('10.88.6', nodes);
  return { lab, facts: lbFacts(nodes) };
}

describe('advertises', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 - 1_000 }));
  afterEach(() => vi.useRealTimers());

  it('has a label for each form', () => {
    expect(advertises.check({ node: 'lb1', below: 'lb2' }).label).toBe("lb1 advertises a priority below lb2's (VIP)");
    expect(advertises.check({ node: 'lb1', priority: 70, vip: 101 }).label).toBe('lb1 advertises priority 70 (VIP .101)');
  });

  it("passes at lb1's first advert below lb2's configured 80 (100 → 70), without waiting for the deadline", async () => {
    const { lab, facts } = healthCheckLab('solution', { lb1: { nginx: false } });
    const obs = fakeObserver(lab.nodes);
    obs.advertise('lb1', 100); // before the action: the "from" of the history
    await vi.advanceTimersByTimeAsync(1_000);
    const seen = track(advertises.check({ node: 'lb1', below: 'lb2' }).judge({ lab, observer: obs.observer, timing: timing({ startedAt: T0 }), facts }));
    await vi.advanceTimersByTimeAsync(1_000);
    obs.advertise('lb1', 100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen.result).toBeUndefined();
    obs.advertise('lb1', 70);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at).toBe(T0 + 2_000);
    expect(pinned(seen.result)).toEqual({
      passed: true,
      message: `lb1's adverts went 100 → 70, 2.0 s after the action: below lb2's 80, so lb2 may take over (tcpdump -nn vrrp shows "prio 70").`,
      codes: ['advert-below'],
    });
    expect(obs.listeners()).toBe(0);
  });

  it("finds the learner's own drop in the settle window before the takeover, and gives no time for an action it did not see begin", async () => {
    // The browser's Check, pressed once lb2 holds the VIP: the step is timed from that takeover.
    const { lab, facts } = healthCheckLab('solution', { lb1: { nginx: false } });
    const obs = fakeObserver(lab.nodes);
    obs.advertise('lb1', 100);
    await vi.advanceTimersByTimeAsync(1_000);
    obs.advertise('lb1', 70);
    await vi.advanceTimersByTimeAsync(3_000);
    obs.advertise('lb2', 80);
    const result = await advertises.check({ node: 'lb1', below: 'lb2' }).judge({ lab, observer: obs.observer, timing: timing({ actionAt: Date.now() }), facts });
    expect(result.message).toBe(`lb1's adverts went 100 → 70: below lb2's 80, so lb2 may take over (tcpdump -nn vrrp shows "prio 70").`);
    expect(result.diagnosis.params).toMatchObject({ afterMs: null });
  });

  it('fails a weight too small for the gap at the deadline: "lb1 advertises 90 with nginx stopped, still above lb2\'s 80"', async () => {
    const { lab, facts } = healthCheckLab('broken/weight-too-small', { lb1: { nginx: false } });
    const obs = fakeObserver(lab.nodes);
    await vi.advanceTimersByTimeAsync(1_000);
    const t = timing({ startedAt: T0 });
    const seen = track(advertises.check({ node: 'lb1', below: 'lb2' }).judge({ lab, observer: obs.observer, timing: t, facts }));
    for (let s = 1; s <= 9; s++) {
      await vi.advanceTimersByTimeAsync(1_000);
      obs.advertise('lb1', s < 2 ? 100 : 90);
    }
    await vi.advanceTimersByTimeAsync(t.deadline - Date.now());
    expect(seen.at).toBe(t.deadline);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message:
        "lb1 advertises 90 with nginx stopped, still above lb2's 80. lb1 kept the VIP with nginx stopped: its health check lowers its priority from 100 to 90 only, not below lb2's 80, so lb2 does not preempt it. Use a weight larger than the gap (at least 21), or give both the same priority.",
      codes: ['advert-not-below', 'cause-weight-too-small'],
    });
  });

  it('says "not below" when the priorities are equal, and that the check never failed when lb1 still advertises its own priority', async () => {
    const { lab, facts } = healthCheckLab('broken/script-always-succeeds', { lb1: { nginx: false } });
    const obs = fakeObserver(lab.nodes);
    await vi.advanceTimersByTimeAsync(1_000);
    const t = timing({ startedAt: T0 });
    const seen = track(advertises.check({ node: 'lb1', below: 'lb2' }).judge({ lab, observer: obs.observer, timing: t, facts }));
    obs.advertise('lb1', 100);
    await vi.advanceTimersByTimeAsync(t.deadline - Date.now());
    expect(pinned(seen.result)?.codes).toEqual(['advert-not-below', 'cause-health-check-not-failing']);
    expect(seen.result?.message).toMatch(/^lb1 advertises 100 with nginx stopped, still above lb2's 80\. lb1 kept the VIP with nginx stopped: it still advertises priority 100/);
  });

  it("takes a positive weight's bonus on trust only once the rival shows it on the wire", async () => {
    // variants/positive-weight: lb1 100 + 20, lb2 90 + 20. The least lb2 can be is 90; lb1 at 100
    // is not below that, until lb2 takes over and advertises 110.
    const { lab, facts } = healthCheckLab('variants/positive-weight', { lb1: { nginx: false } });
    expect(leastPriority(facts, 'lb2', '10.88.6.100')).toBe(90);
    const obs = fakeObserver(lab.nodes);
    await vi.advanceTimersByTimeAsync(1_000);
    const seen = track(advertises.check({ node: 'lb1', below: 'lb2' }).judge({ lab, observer: obs.observer, timing: timing({ startedAt: T0 }), facts }));
    obs.advertise('lb1', 120);
    await vi.advanceTimersByTimeAsync(2_000);
    obs.advertise('lb1', 100);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(seen.result).toBeUndefined();
    obs.advertise('lb2', 110);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result?.passed).toBe(true);
    expect(seen.result?.diagnosis.params).toMatchObject({ history: [120, 100], rival: 'lb2', rivalPriority: 110 });
  });

  it("does not count a goodbye (priority 0) as below: a node that only said goodbye sent no adverts", async () => {
    const { lab, facts } = healthCheckLab('solution', { lb1: { keepalived: false } });
    const obs = fakeObserver(lab.nodes);
    await vi.advanceTimersByTimeAsync(1_000);
    const t = timing({ startedAt: T0 });
    const seen = track(advertises.check({ node: 'lb1', below: 'lb2' }).judge({ lab, observer: obs.observer, timing: t, facts }));
    obs.advertise('lb1', 0);
    await vi.advanceTimersByTimeAsync(t.deadline - Date.now());
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: 'lb1 sent no VRRP adverts since the action: keepalived is not running there.',
      codes: ['adverts-none-from-node'],
    });
  });

  it('judges an exact priority, and lists what was advertised when it never came', async () => {
    const { lab, facts } = healthCheckLab('solution', { lb1: { nginx: false } });
    const obs = fakeObserver(lab.nodes);
    await vi.advanceTimersByTimeAsync(1_000);
    const t = timing({ startedAt: T0 });
    const exact = track(advertises.check({ node: 'lb1', priority: 70 }).judge({ lab, observer: obs.observer, timing: t, facts }));
    const never = track(advertises.check({ node: 'lb1', priority: 60 }).judge({ lab, observer: obs.observer, timing: t, facts }));
    obs.advertise('lb1', 100);
    await vi.advanceTimersByTimeAsync(2_000);
    obs.advertise('lb1', 70);
    await vi.advanceTimersByTimeAsync(t.deadline - Date.now());
    expect(pinned(exact.result)).toEqual({ passed: true, message: "lb1's adverts went 100 → 70: priority 70, 2.0 s after the action.", codes: ['advert-priority-seen'] });
    expect(pinned(never.result)).toEqual({ passed: false, message: "lb1's adverts carried 100 → 70 since the action, never 60.", codes: ['advert-priority-not-seen'] });
  });

  it("reads only the VIP's virtual router: master-master's lb1 advertises VRID 51 high and VRID 52 low", async () => {
    const nodes = { lb1: { config: conf('master-master/solution/lb1') }, lb2: { config: conf('master-master/solution/lb2') } };
    const { lab } = fakeLab('10.88.7', nodes);
    const obs = fakeObserver(lab.nodes);
    await vi.advanceTimersByTimeAsync(1_000);
    const t = timing({ startedAt: T0 });
    const seen = track(advertises.check({ node: 'lb1', below: 'lb2', vip: 101 }).judge({ lab, observer: obs.observer, timing: t, facts: lbFacts(nodes) }));
    obs.advertise('lb1', 100, 51);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toBeUndefined(); // VRID 51 is not .101's router
    obs.advertise('lb1', 90, 52);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result?.diagnosis.params).toMatchObject({ history: [90], rival: 'lb2', rivalPriority: 100 });
  });
});

describe('the advert window and history', () => {
  it("starts at the action's start, or a settle window before a learner's action (the takeover it caused)", () => {
    expect(advertWindowStart({ startedAt: 5_000, actionAt: 9_000, settleMs: 6_000 })).toBe(5_000);
    expect(advertWindowStart({ actionAt: 9_000, settleMs: 6_000 })).toBe(3_000);
  });

  it('records each change of priority once', () => {
    expect(priorityHistory([{ priority: 100 }, { priority: 100 }, { priority: 70 }, { priority: 70 }, { priority: 100 }])).toEqual([100, 70, 100]);
  });
});
