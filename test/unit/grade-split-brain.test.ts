/**
 * The `split-brain` expectation against a fake observer on the fake clock: a split that lasts is
 * what the split-brain lab wants; a handover (both nodes for an instant, or not even that) is not,
 * and its failure says why the other node gave way (equal priorities: the higher address wins).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../runner/grade/check.ts';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { confirmMs, splitBrain } from '../../runner/kinds/expectations/split-brain.ts';
import { conf, fakeLab, fakeObserver, lbFacts, T0, timing, track as trackAny } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

const track = (p: Promise<CheckResult>) => trackAny(p);
const pinned = (r: CheckResult | undefined) => r && { passed: r.passed, message: r.message, codes: codesOf(r.diagnosis) };

function splitBrainLab(dir: string) {
  const nodes = { lb1: { config: conf(`split-brain/${dir}/lb1`) }, lb2: { config: conf(`split-brain/${dir}/lb2`) } };
  const { lab } = fakeLab('10.88.8', nodes);
  // The lab's lb nodes and client (fakeLab's cast has web nodes too; they hold no VIP).
  return { lab, facts: lbFacts(nodes), obs: fakeObserver(lab.nodes) };
}

describe('splitBrain', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('has a label', () => {
    expect(splitBrain.check({}).label).toBe('split brain: every lb node holds the VIP');
  });

  it('passes once both nodes have held the VIP for two advert intervals, and says what the learner sees', async () => {
    const { lab, facts, obs } = splitBrainLab('solution');
    obs.hold('lb1');
    const seen = track(splitBrain.check({}).judge({ lab, observer: obs.observer, timing: timing({ startedAt: T0 }), facts }));
    await vi.advanceTimersByTimeAsync(3_400);
    obs.hold('lb1', 'lb2'); // lb2's Master_Down_Interval ran out: it took the VIP too
    await vi.advanceTimersByTimeAsync(1_999);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at).toBe(T0 + 5_400);
    expect(pinned(seen.result)?.codes).toEqual(['split-brain-seen']);
    expect(seen.result?.message).toMatch(/^Split brain, as the cut makes it: lb1 and lb2 both hold the VIP 10\.88\.8\.100 \(from 3\.4 s after the action, still 2\.0 s later\)\. On each node ip -br addr show eth0 lists 10\.88\.8\.100/);
    expect(seen.result?.message).toMatch(/answers flip/);
  });

  it('fails a handover with equal priorities: lb2 took the VIP and lb1 gave it up, the higher address wins', async () => {
    const { lab, facts, obs } = splitBrainLab('broken/equal-priorities');
    obs.hold('lb1');
    obs.advertise('lb1', 100);
    const seen = track(splitBrain.check({}).judge({ lab, observer: obs.observer, timing: timing({ startedAt: T0 }), facts }));
    await vi.advanceTimersByTimeAsync(3_500);
    obs.hold('lb1', 'lb2');
    obs.advertise('lb2', 100);
    await vi.advanceTimersByTimeAsync(5);
    obs.hold('lb2'); // lb1 heard lb2's first advert and stepped down
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at).toBe(T0 + 3_505);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message:
        "No split brain: lb2 took the VIP 10.88.8.100 3.5 s after the action and lb1 gave it up, so lb2 alone holds it. Both have priority 100, and between equal priorities VRRP picks the higher address: lb2 (10.88.8.12) beats lb1 (10.88.8.11), so lb1, which still hears lb2, became BACKUP at its first advert. Give lb1 the higher priority: it then ignores lb2's lower adverts and stays MASTER too.",
      codes: ['split-brain-resolved', 'cause-higher-address-wins'],
    });
  });

  it('tells the same handover when the observer never saw both hold the VIP at once', async () => {
    const { lab, facts, obs } = splitBrainLab('broken/equal-priorities');
    obs.hold('lb1');
    const t = timing({ startedAt: T0 });
    const seen = track(splitBrain.check({}).judge({ lab, observer: obs.observer, timing: t, facts }));
    await vi.advanceTimersByTimeAsync(3_500);
    obs.hold('lb2');
    await vi.advanceTimersByTimeAsync(t.deadline - Date.now());
    expect(pinned(seen.result)?.codes).toEqual(['split-brain-resolved', 'cause-higher-address-wins']);
    expect(seen.result?.diagnosis.params).toMatchObject({ taker: 'lb2', yielder: 'lb1', afterMs: 3_500 });
  });

  it('says the cut node never took the VIP when nothing moved', async () => {
    const { lab, facts, obs } = splitBrainLab('solution');
    obs.hold('lb1');
    const t = timing({ startedAt: T0 });
    const seen = track(splitBrain.check({}).judge({ lab, observer: obs.observer, timing: t, facts }));
    await vi.advanceTimersByTimeAsync(t.deadline - Date.now());
    expect(pinned(seen.result)?.codes).toEqual(['split-brain-not-seen']);
    expect(seen.result?.message).toMatch(/^No split brain within 9\.6 s: only lb1 held the VIP 10\.88\.8\.100, and lb2 never took it\. lb2 still hears a master/);
  });

  it('asks the split to last two of the slowest advert intervals', () => {
    const facts = lbFacts({ lb1: { config: conf('split-brain/solution/lb1') }, lb2: { config: conf('split-brain/solution/lb2').replace('advert_int 1', 'advert_int 3') } });
    expect(confirmMs(facts, '10.88.8.100')).toBe(6_000);
  });
});
