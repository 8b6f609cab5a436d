/**
 * The failover budgets against fakes: a freeze the backup answers within budget, the
 * fast-failover lab's two broken solutions (VRRPv2 at advert_int 1, and 0.1 rounded up) with
 * keepalived's own words quoted, and a check that cannot judge without the runner's measure.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import type { StepMeasure } from '../../runner/grade/step-measure.ts';
import { failoverWithin } from '../../runner/kinds/expectations/failover-within.ts';
import type { ClientProbe } from '../../runner/observe/client-probe.ts';
import type { HttpEvent, LabEvent } from '../../runner/shared/events.ts';
import { conf, fakeLab, fakeObserver, lbFacts, T0, timing, track } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

beforeEach(() => {
  vi.clearAllMocks();
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => vi.useRealTimers());

/** A client probe the test feeds: each request it is given is announced, as the real one does when a request ends. */
function fakeProbe() {
  const emitter = new EventEmitter();
  const requests: HttpEvent[] = [];
  const state = { out: 0 };
  const probe = {
    answers: () => [...requests],
    outstanding: () => state.out,
    onEvent(listener: (e: LabEvent) => void) {
      emitter.on('r', listener);
      return () => emitter.off('r', listener);
    },
  };
  return {
    probe: probe as unknown as ClientProbe,
    /** How many requests the probe has sent that have not ended. */
    state,
    /** A request sent `at` ms after T0, answered by `node` 2 ms later, or lost (given up 500 ms later). */
    request(at: number, node: string | null) {
      const r: HttpEvent = node
        ? { type: 'http', t: T0 + at, end: T0 + at + 2, node: 'client', result: 'ok', status: 200, answeredBy: node }
        : { type: 'http', t: T0 + at, end: T0 + at + 500, node: 'client', result: 'timeout', status: 0 };
      requests.push(r);
      emitter.emit('r', r);
    },
  };
}

const BUDGET = { failoverMs: 1000, outageMs: 1500 };

/** lb1 held the VIP and answered until the freeze at T0; the step's measure from there. */
function frozenMaster(lab: string) {
  const state = { lb1: { config: conf(`fast-failover/${lab}/lb1`) }, lb2: { config: conf(`fast-failover/${lab}/lb2`) } };
  const fake = fakeLab('10.88.10', state);
  const obs = fakeObserver(fake.lab.nodes);
  obs.hold('lb1');
  const client = fakeProbe();
  client.request(-50, 'lb1');
  const measure: StepMeasure = { startedAt: T0, before: obs.observer.vip(), probe: client.probe };
  obs.freeze('lb1');
  return { ...fake, obs, client, measure, facts: lbFacts(state) };
}

describe('failover-within', () => {
  it('passes a failover in 0.35 s that the client saw as a 0.45 s outage, with the figures in its message', async () => {
    const { lab, obs, client, measure, facts } = frozenMaster('solution');
    const seen = track(failoverWithin.check(BUDGET).judge({ lab, observer: obs.observer, timing: timing(), facts, measure }));
    for (let at = 0; at < 400; at += 50) client.request(at, null);
    await vi.advanceTimersByTimeAsync(350);
    obs.hold('lb1', 'lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toBeUndefined(); // the VIP moved, the client has not been answered yet
    client.request(400, 'lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toMatchObject({
      passed: true,
      message: 'lb1 → lb2 in 0.35 s (budget 1.00 s); the client went 0.45 s without an answer (budget 1.50 s), 8 of 9 requests failed.',
    });
  });

  it('waits for the requests still out at the takeover: one given up later is a failure too', async () => {
    const { lab, obs, client, measure, facts } = frozenMaster('solution');
    const seen = track(failoverWithin.check(BUDGET).judge({ lab, observer: obs.observer, timing: timing(), facts, measure }));
    client.state.out = 1; // sent at 300, before lb2 takes over; not ended yet
    await vi.advanceTimersByTimeAsync(350);
    obs.hold('lb1', 'lb2');
    client.request(400, 'lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toBeUndefined();
    client.state.out = 0;
    client.request(300, null); // given up at 800
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toMatchObject({ passed: true, diagnosis: { params: { failedRequests: 1, requests: 2 } } });
  });

  it('fails VRRPv2 at advert_int 1, with the Master_Down_Interval behind it and what VRRPv3 at 0.1 would give', async () => {
    const { lab, obs, client, measure, facts } = frozenMaster('broken/vrrpv2-advert-1');
    const seen = track(failoverWithin.check(BUDGET).judge({ lab, observer: obs.observer, timing: timing(), facts, measure }));
    for (let at = 0; at < 3300; at += 50) client.request(at, null);
    await vi.advanceTimersByTimeAsync(3250);
    obs.hold('lb1', 'lb2');
    client.request(3300, 'lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result!.passed).toBe(false);
    expect(codesOf(seen.result!.diagnosis)).toEqual(['failover-over-budget', 'cause-master-down-interval']);
    expect(seen.result!.message).toBe(
      "Too slow for the VIP's users: lb1 → lb2 took 3.25 s (budget 1.00 s); the client went 3.35 s without an answer (budget 1.50 s), 66 of 67 requests failed. lb2 takes the VIP only once its Master_Down_Interval has passed without an advert: 3 × 1 s + skew for priority 90 = 3.65 s (VRRPv2, advert_int 1), by itself over the budget. With vrrp_version 3 and advert_int 0.1 it is 0.36 s.",
    );
  });

  it('fails advert_int 0.1 without vrrp_version 3, quoting the line keepalived logged when it rounded it', async () => {
    const { lab, obs, client, measure, facts } = frozenMaster('broken/vrrpv2-advert-0.1');
    vi.spyOn(lab, 'execBeside').mockResolvedValue({
      exitCode: 0,
      stderr: '',
      stdout: 'Tue Dec  1 20:01:53 2026: (VI_1) VRRPv2 advertisement interval 0.100000s must be an integer. rounding\n',
    });
    const seen = track(failoverWithin.check(BUDGET).judge({ lab, observer: obs.observer, timing: timing(), facts, measure }));
    await vi.advanceTimersByTimeAsync(3400);
    obs.hold('lb1', 'lb2');
    client.request(3450, 'lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(codesOf(seen.result!.diagnosis)).toEqual(['failover-over-budget', 'cause-advert-int-rounded']);
    expect(seen.result!.diagnosis.causes![0]!.params).toEqual({
      node: 'lb2',
      instance: 'VI_1',
      logged: '(VI_1) VRRPv2 advertisement interval 0.100000s must be an integer. rounding',
      advertIntS: 1,
      masterDownMs: 3648.437,
    });
    // Read from lb2's eyes, which read its log folder: the node's own programs are not used.
    expect(vi.mocked(lab.execBeside).mock.calls[0]![0]).toBe('lb2');
  });

  it('fails at the deadline when the VIP never moves', async () => {
    const { lab, obs, measure, facts } = frozenMaster('solution');
    const t = timing();
    const seen = track(failoverWithin.check(BUDGET).judge({ lab, observer: obs.observer, timing: t, facts, measure }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0);
    expect(codesOf(seen.result!.diagnosis)).toEqual(['failover-vip-stayed']);
  });

  it('cannot judge a step the runner did not measure (the learner did the action)', async () => {
    const { lab, obs, facts } = frozenMaster('solution');
    const result = await failoverWithin.check(BUDGET).judge({ lab, observer: obs.observer, timing: timing(), facts });
    expect(codesOf(result.diagnosis)).toEqual(['failover-not-measured']);
  });
});
