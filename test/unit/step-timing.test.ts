/** The step runner's timing window: where it starts, how long VRRP may still act, when it gives up. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settleFrom } from '../../runner/grade/step-runner.ts';
import { deadlineGraceMs, timingFrom } from '../../runner/grade/step-timing.ts';
import type { LbFacts } from '../../runner/grade/facts.ts';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';

const conf = (path: string) => parseKeepalivedConfig(readFileSync(new URL(`../../labs/${path}/etc/keepalived/keepalived.conf`, import.meta.url), 'utf8'));

describe('settleFrom', () => {
  it('starts the window when an action that changes something ended', () => {
    expect(settleFrom({ run: { node: 'lb1', command: 'systemctl stop keepalived' } }, 10_000, 4_000)).toBe(10_000);
    expect(settleFrom({ freeze: 'lb1' }, 10_000, 9_000)).toBe(10_000);
  });

  it('starts an observe step at the lab\'s last change, which may be long settled', () => {
    expect(settleFrom({ observe: true }, 10_000, 4_000)).toBe(4_000);
    // Never later than the moment the step began judging.
    expect(settleFrom({ observe: true }, 10_000, 12_000)).toBe(10_000);
  });
});

describe('timingFrom', () => {
  const running = (node: 'lb1' | 'lb2', path: string): LbFacts => ({ node, run: 'running', keepalivedRunning: true, config: conf(path) });

  it('settles after the longest Master_Down_Interval of the running nodes plus the margin', () => {
    // basic-vip: lb1 priority 100 (3609.375 ms), lb2 priority 90 (3648.437 ms: keepalived counts whole microseconds).
    const t = timingFrom(1_000, [running('lb1', 'basic-vip/solution/lb1'), running('lb2', 'basic-vip/solution/lb2')]);
    expect(t).toMatchObject({ actionAt: 1_000, settleMs: 4_649, settleEndsAt: 5_649, masterDownMs: 3_648.437 });
    expect(t.deadline).toBe(5_649 + deadlineGraceMs(4_649));
  });

  it('counts only nodes whose keepalived runs: a stopped or frozen node cannot move the VIP', () => {
    const stopped: LbFacts = { node: 'lb2', run: 'running', keepalivedRunning: false, config: conf('basic-vip/solution/lb2') };
    const frozen: LbFacts = { node: 'lb2', run: 'frozen', keepalivedRunning: true, config: conf('basic-vip/solution/lb2') };
    expect(timingFrom(0, [running('lb1', 'basic-vip/solution/lb1'), stopped]).settleMs).toBe(4_610);
    expect(timingFrom(0, [running('lb1', 'basic-vip/solution/lb1'), frozen]).settleMs).toBe(4_610);
  });

  it('adds the health check time where a tracked vrrp_script drives the change', () => {
    const plain = timingFrom(0, [running('lb1', 'basic-vip/solution/lb1')]).settleMs;
    const checked = timingFrom(0, [running('lb1', 'equal-priority/solution/lb1')]).settleMs;
    expect(checked).toBeGreaterThan(plain);
  });

  it('with nothing running, waits the margin only and keeps the default interval for holds', () => {
    const t = timingFrom(0, [], 0);
    expect(t).toMatchObject({ settleMs: 1_000, startedAt: 0 });
    expect(t.masterDownMs).toBeCloseTo(3_609.375, 3);
  });
});

describe('deadlineGraceMs', () => {
  it('is half the settle window, at least 2 s', () => {
    expect(deadlineGraceMs(1_000)).toBe(2_000);
    expect(deadlineGraceMs(9_000)).toBe(4_500);
  });
});
