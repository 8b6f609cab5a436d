/**
 * The VIP checks when a lab has two VIPs (master-master): each judges the VIP it names, and a
 * failure's diagnosis compares the priorities of that VIP's virtual router, read from the adverts
 * of its VRID (a node of master-master sends two streams).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../runner/grade/check.ts';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { servedBy } from '../../runner/kinds/expectations/served-by.ts';
import { vipOn } from '../../runner/kinds/expectations/vip-on.ts';
import { vipStays } from '../../runner/kinds/expectations/vip-stays.ts';
import { conf, fakeLab, fakeObserver, T0, timing, track as trackAny } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

const track = (p: Promise<CheckResult>) => trackAny(p);
const pinned = (r: CheckResult | undefined) => r && { passed: r.passed, message: r.message, codes: codesOf(r.diagnosis) };

function masterMaster(dir: string) {
  const { lab, probes } = fakeLab('10.88.7', { lb1: { config: conf(`master-master/${dir}/lb1`) }, lb2: { config: conf(`master-master/${dir}/lb2`) } }, [
    { ok: true, status: 200, body: 'kalab-node: lb2' },
  ]);
  return { lab, probes, obs: fakeObserver(lab.nodes) };
}

describe('checks that name a VIP', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('vip-on judges .101 alone: lb2 holds it while lb1 holds .100', async () => {
    const { lab, obs } = masterMaster('solution');
    obs.hold('lb1');
    obs.holdVip('10.88.7.101', 'lb2');
    const first = track(vipOn.check({ node: 'lb1', vip: 100 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    const second = track(vipOn.check({ node: 'lb2', vip: 101 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(timing().settleMs);
    expect(pinned(first.result)).toEqual({ passed: true, message: 'lb1 holds the VIP 10.88.7.100, and no other running node does.', codes: ['vip-on-node'] });
    expect(pinned(second.result)).toEqual({ passed: true, message: 'lb2 holds the VIP 10.88.7.101, and no other running node does.', codes: ['vip-on-node'] });
  });

  it("names the priorities of .101's virtual router when lb1 holds both (lb2's VI_2 below lb1's)", async () => {
    const { lab, obs } = masterMaster('broken/lb2-priority-low');
    obs.hold('lb1');
    obs.holdVip('10.88.7.101', 'lb1');
    obs.advertise('lb1', 90, 52);
    obs.advertise('lb1', 100, 51); // the newer advert is VI_1's: not the one to compare
    const t = timing();
    const seen = track(vipOn.check({ node: 'lb2', vip: 101 }).judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: "lb1 holds the VIP 10.88.7.101, not lb2: lb1's priority (90) is higher than lb2's (80). The node meant to be MASTER needs the higher priority.",
      codes: ['vip-held-by-other', 'cause-priority-higher'],
    });
  });

  it('served-by asks the VIP it names', async () => {
    const { lab, obs, probes } = masterMaster('solution');
    const seen = track(servedBy.check({ node: 'lb2', vip: 101 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(0);
    expect(probes.map((p) => p.url)).toEqual(['http://10.88.7.101/']);
    expect(seen.result?.message).toBe("client got lb2's page from http://10.88.7.101/.");
  });

  it('vip-stays holds .101 on lb2 while .100 moves to lb1', async () => {
    const { lab, obs } = masterMaster('solution');
    obs.hold('lb2');
    obs.holdVip('10.88.7.101', 'lb2');
    const seen = track(vipStays.check({ node: 'lb2', intervals: 2, vip: 101 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(3_600);
    obs.hold('lb1'); // lb1 preempts VI_1
    await vi.advanceTimersByTimeAsync(7_219 - 3_600);
    expect(pinned(seen.result)).toEqual({ passed: true, message: 'lb2 kept the VIP 10.88.7.101 for 7.2 s.', codes: ['vip-stayed'] });
  });
});
