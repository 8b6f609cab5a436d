/**
 * A step's timing window, from the configs of the nodes whose keepalived is running: when a
 * verdict about the VIP is due (the settle window) and when it is too late (the deadline).
 */
import type { KeepalivedConfig, VrrpInstance } from '../keepalived/config.ts';
import { masterDownIntervalMs, settleWindowMs } from '../keepalived/timing.ts';
import type { StepTiming } from './check.ts';
import type { LbFacts } from './facts.ts';
import { correctByWire, type WireAdvert } from './wire-timing.ts';

/** Master_Down_Interval at keepalived's defaults (advert_int 1, priority 100), when no config says otherwise. */
export const DEFAULT_MASTER_DOWN_MS = 3 * 1000 + (1000 * (256 - 100)) / 256;

/** The longest Master_Down_Interval among these instances, or the default when there are none. */
export function longestMasterDownMs(instances: readonly VrrpInstance[]): number {
  return instances.length ? Math.max(...instances.map((i) => masterDownIntervalMs(i))) : DEFAULT_MASTER_DOWN_MS;
}

/** A verdict not reached by the settle window gets this much longer (half the window, at least 2 s). */
export function deadlineGraceMs(settleMs: number): number {
  return Math.max(2000, Math.round(settleMs / 2));
}

/**
 * The step's timing window, from the configs of the nodes whose keepalived is running, corrected
 * by the adverts seen on the wire where the two disagree (wire-timing.ts).
 */
export function timingFrom(actionAt: number, facts: LbFacts[], startedAt?: number, adverts: readonly WireAdvert[] = []): StepTiming {
  const { configs, disagreements } = correctByWire(facts, adverts);
  const running: KeepalivedConfig[] = [...configs.values()];
  const settleMs = settleWindowMs(running);
  const masterDownMs = longestMasterDownMs(running.flatMap((c) => c.instances));
  const settleEndsAt = actionAt + settleMs;
  return {
    actionAt,
    ...(startedAt !== undefined ? { startedAt } : {}),
    settleMs,
    settleEndsAt,
    deadline: settleEndsAt + deadlineGraceMs(settleMs),
    masterDownMs,
    ...(disagreements.length ? { wireDisagreements: disagreements } : {}),
  };
}
