/**
 * The `vip-stays-then-moves` expectation (delayed preemption) against a fake observer on the fake
 * clock: the hold is the preempting node's preempt_delay from its config (at least minDelayS), the
 * move must come by the deadline, and a move too early names why there was no delay.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../runner/grade/check.ts';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { vipStaysThenMoves } from '../../runner/kinds/expectations/vip-stays-then-moves.ts';
import { conf, fakeLab, fakeObserver, lbFacts, T0, timing, track as trackAny } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

const track = (p: Promise<CheckResult>) => trackAny(p);
const pinned = (r: CheckResult | undefined) => r && { passed: r.passed, message: r.message, codes: codesOf(r.diagnosis) };
const expectation = { from: 'lb2', to: 'lb1', minDelayS: 10 } as const;

function preemptDelayLab(lb1Dir: string, lb1Config?: string) {
  const nodes = { lb1: { config: lb1Config ?? conf(`preempt-delay/${lb1Dir}/lb1`) }, lb2: { config: conf('preempt-delay/solution/lb2') } };
  const { lab } = fakeLab('10.88.9', nodes);
  return { lab, facts: lbFacts(nodes), obs: fakeObserver(lab.nodes) };
}

/** The reference's timing: the settle window stretched by lb1's preempt_delay of 10 s. */
const delayed = () => timing({ settleMs: 14_610, settleEndsAt: T0 + 14_610, deadline: T0 + 21_915 });

describe('vipStaysThenMoves', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('has a label', () => {
    expect(vipStaysThenMoves.check(expectation).label).toBe("VIP stays on lb2 for lb1's preempt_delay, then moves to lb1");
  });

  it("passes when the VIP stays on lb2 for lb1's 10 s and lb1 takes it at 13.1 s", async () => {
    const { lab, facts, obs } = preemptDelayLab('solution');
    obs.hold('lb2');
    const seen = track(vipStaysThenMoves.check(expectation).judge({ lab, observer: obs.observer, timing: delayed(), facts }));
    await vi.advanceTimersByTimeAsync(13_100);
    expect(seen.result).toBeUndefined();
    obs.hold('lb1');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at).toBe(T0 + 13_100);
    expect(pinned(seen.result)).toEqual({
      passed: true,
      message: "lb2 kept the VIP 10.88.9.100 for lb1's preempt_delay of 10 s, then lb1 took it, 13.1 s after the action.",
      codes: ['vip-stayed-then-moved'],
    });
  });

  it('fails at once a move before the delay, naming state MASTER, which clears preempt_delay', async () => {
    const { lab, facts, obs } = preemptDelayLab('broken/master-with-preempt-delay');
    obs.hold('lb2');
    const seen = track(vipStaysThenMoves.check(expectation).judge({ lab, observer: obs.observer, timing: timing(), facts }));
    await vi.advanceTimersByTimeAsync(3_500);
    obs.hold('lb1', 'lb2');
    await vi.advanceTimersByTimeAsync(10);
    obs.hold('lb1');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at).toBe(T0 + 3_510);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message:
        'lb1 took the VIP 10.88.9.100 3.5 s after the action, before the 10 s of preempt_delay were over. lb1 has state MASTER, and keepalived clears preempt_delay for an initial MASTER (its log says "preempt delay will not work with initial state MASTER - clearing"), so its preempt_delay 10 does nothing and it preempts after one Master_Down_Interval. Set state BACKUP on both nodes.',
      codes: ['vip-moved-early', 'cause-preempt-delay-with-master'],
    });
  });

  it('says there is no preempt_delay, or one shorter than the step asks for', async () => {
    for (const [lb1, cause] of [
      [conf('preempt-delay/broken/no-preempt-delay/lb1'), 'cause-no-preempt-delay'],
      [conf('preempt-delay/solution/lb1').replace('preempt_delay 10', 'preempt_delay 4'), 'cause-preempt-delay-short'],
    ] as const) {
      vi.setSystemTime(T0);
      const { lab, facts, obs } = preemptDelayLab('', lb1);
      obs.hold('lb2');
      const seen = track(vipStaysThenMoves.check(expectation).judge({ lab, observer: obs.observer, timing: timing(), facts }));
      await vi.advanceTimersByTimeAsync(7_000);
      obs.hold('lb1');
      await vi.advanceTimersByTimeAsync(0);
      expect(pinned(seen.result)?.codes).toEqual(['vip-moved-early', cause]);
    }
  });

  it('fails at the deadline when lb1 never takes the VIP back, with why (nopreempt beside the delay)', async () => {
    const { lab, facts, obs } = preemptDelayLab('broken/nopreempt-with-delay');
    obs.hold('lb2');
    obs.advertise('lb2', 90);
    // nopreempt resets the delay: the settle window is an ordinary one, shorter than the 10 s hold.
    const t = timing();
    const seen = track(vipStaysThenMoves.check(expectation).judge({ lab, observer: obs.observer, timing: t, facts }));
    await vi.advanceTimersByTimeAsync(10_000 + t.settleMs - 1);
    expect(seen.result).toBeUndefined(); // the move may come a settle window after the hold
    await vi.advanceTimersByTimeAsync(1);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: 'lb2 holds the VIP 10.88.9.100, not lb1: lb1 has nopreempt, so it does not take the VIP back from a running MASTER.',
      codes: ['vip-held-by-other', 'cause-expected-nopreempt'],
    });
  });
});
