/**
 * How long VRRP takes to act, from a node's keepalived.conf: the graders turn this into the
 * settle window (a verdict is not final before it ends) and into deadlines, instead of sleeping.
 *
 * Master_Down_Interval is computed exactly as keepalived 2.2.7 does (keepalived/include/vrrp.h,
 * VRRP_MS_DOWN_TIMER and VRRP_TIMER_SKEW_CALC), in integer microseconds:
 *
 *     Master_Down_Interval = down_timer_adverts (3) × advert_int + Skew_Time
 *     VRRPv2 (RFC 3768): Skew_Time = (256 − priority) / 256 seconds        — independent of advert_int
 *     VRRPv3 (RFC 5798): Skew_Time = (256 − priority) × advert_int / 256
 *
 * The lab contract writes the VRRPv3 form for both. At advert_int 1 (every lab's default) the two
 * agree: 3 + 156/256 s = 3609.375 ms at priority 100. For VRRPv2 with a longer advert_int they
 * differ, and keepalived uses the RFC 3768 skew: measured with keepalived 2.2.7 at advert_int 2,
 * priority 100, its "Master down timer" is 6609375 µs, not the 7218750 µs of the contract's form.
 * advert_int itself is the value keepalived runs (parseKeepalivedConfig already rounds a
 * fractional VRRPv2 interval to whole seconds, as keepalived does).
 */
import type { KeepalivedConfig, VrrpInstance, VrrpScript } from './config.ts';

/** Added to every settle window: scheduling, the gratuitous ARPs and our own observation lag. */
export const DEFAULT_SETTLE_MARGIN_MS = 1000;

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_CENTISECOND = 10_000;
const PRIORITY_OWNER = 255;

/**
 * Skew_Time in microseconds: the lower a backup's priority, the longer it waits before declaring
 * the master dead, so that the highest-priority backup is the one that takes over.
 */
export function skewTimeUs(instance: Pick<VrrpInstance, 'advertIntS' | 'effectiveVersion'>, priority: number): number {
  const weight = 256 - priority;
  if (instance.effectiveVersion === 3) {
    const centiseconds = Math.round((instance.advertIntS * MICROS_PER_SECOND) / MICROS_PER_CENTISECOND);
    return Math.floor((weight * centiseconds * 625) / 16);
  }
  return Math.floor((weight * MICROS_PER_SECOND) / 256);
}

/**
 * Master_Down_Interval in milliseconds (fractional: 3609.375 at priority 100, advert_int 1).
 *
 * A backup takes the VIP only when this runs out without an advert from a master of at least its
 * own priority: after the master stops or freezes, after a node starts (even `state MASTER`
 * starts as BACKUP and waits this long unless its priority is 255), and after a health check
 * lowers the master's priority (a preempting backup ignores the lower-priority adverts and lets
 * the timer run out).
 *
 * `priority` defaults to the configured one; pass a tracked-script-adjusted one where it matters
 * (a lower priority waits longer).
 */
export function masterDownIntervalMs(instance: VrrpInstance, priority: number = instance.priority): number {
  const advertUs = Math.round(instance.advertIntS * MICROS_PER_SECOND);
  return (instance.downTimerAdverts * advertUs + skewTimeUs(instance, priority)) / 1000;
}

interface ScriptEffect {
  weight: number;
  reverse: boolean;
}

function scriptEffect(tracked: VrrpInstance['trackScripts'][number], script: VrrpScript): ScriptEffect {
  return { weight: tracked.weight ?? script.weight, reverse: tracked.reverse ?? script.weightReverse };
}

/**
 * Effective priority after tracked-script weights when the scripts named in `failing` fail and
 * the others pass (for diagnosis text), following keepalived 2.2.7 (vrrp_track.c):
 *  - a positive weight is added while the script succeeds, a negative one while it fails;
 *    `reverse` turns the adjustment round (a positive weight is subtracted while the script
 *    succeeds, a negative one added while it fails);
 *  - the result is kept within 1..254, and an address owner (priority 255) never changes;
 *  - a script with weight 0 puts the instance in FAULT when it fails: the instance gives up the
 *    VIP and advertises nothing. That is returned as 0, the VRRP priority that means "not master".
 * Tracked names with no matching script are ignored, as keepalived ignores them.
 */
export function effectivePriority(instance: VrrpInstance, scripts: Record<string, VrrpScript>, failing: Set<string>): number {
  let total = instance.priority;
  for (const tracked of instance.trackScripts) {
    const script = scripts[tracked.name];
    if (!script) continue;
    const { weight, reverse } = scriptEffect(tracked, script);
    const ok = !failing.has(tracked.name);
    if (weight === 0) {
      if (ok === reverse) return 0; // FAULT
      continue;
    }
    if (instance.priority === PRIORITY_OWNER) continue;
    const applies = weight > 0 ? ok : !ok;
    if (applies) total += reverse ? -weight : weight;
  }
  if (instance.priority === PRIORITY_OWNER) return PRIORITY_OWNER;
  return Math.min(PRIORITY_OWNER - 1, Math.max(1, total));
}

/** The lowest priority the instance can fall to through its tracked scripts (at least 1). */
function lowestPriority(instance: VrrpInstance, scripts: Record<string, VrrpScript>): number {
  if (instance.priority === PRIORITY_OWNER) return PRIORITY_OWNER;
  let lowest = instance.priority;
  for (const tracked of instance.trackScripts) {
    const script = scripts[tracked.name];
    if (!script) continue;
    const { weight, reverse } = scriptEffect(tracked, script);
    // Only a negative weight (applied on failure) or a reversed positive one (subtracted on success) lowers it.
    if ((weight < 0 && !reverse) || (weight > 0 && reverse)) lowest -= Math.abs(weight);
  }
  return Math.max(1, lowest);
}

/**
 * How long after an action VRRP may still change who holds the VIP, for one node's config: the
 * largest, over its vrrp_instances, of
 *  - the instance's Master_Down_Interval, at the lowest priority its scripts can drive it to: a
 *    backup with a higher priority takes the VIP only when its Master_Down_Interval runs out;
 *  - plus, where the instance tracks scripts, the longest script interval × max(fall, rise): a
 *    health check changes the priority only after `fall` failed runs (or `rise` good ones) spaced
 *    `interval` apart, and only then does the Master_Down_Interval above start to matter;
 *  - plus preempt_delay where set: a backup that sees a lower-priority master waits this much
 *    longer before it preempts.
 * A config with no instances settles at once (0). Script timeouts are not added: a check that
 * hangs is killed at its timeout, which the `interval` spacing of the runs already bounds in the
 * labs' checks (killall -0, curl to a local port).
 */
export function settleMsForConfig(config: KeepalivedConfig): number {
  let longest = 0;
  for (const instance of config.instances) {
    const masterDown = masterDownIntervalMs(instance, lowestPriority(instance, config.scripts));
    let scriptMs = 0;
    for (const tracked of instance.trackScripts) {
      const script = config.scripts[tracked.name];
      if (script) scriptMs = Math.max(scriptMs, script.intervalS * 1000 * Math.max(script.fall, script.rise));
    }
    longest = Math.max(longest, masterDown + scriptMs + instance.preemptDelayS * 1000);
  }
  return longest;
}

/**
 * The settle window for a step, in whole milliseconds (rounded up): the largest
 * settleMsForConfig over the lb nodes whose keepalived is running, plus a margin. With no
 * configs (nothing running, so nothing can still move the VIP) it is the margin alone.
 */
export function settleWindowMs(configs: KeepalivedConfig[], opts: { marginMs?: number } = {}): number {
  const marginMs = opts.marginMs ?? DEFAULT_SETTLE_MARGIN_MS;
  if (!Number.isFinite(marginMs) || marginMs < 0) {
    throw new RangeError(`settleWindowMs: marginMs must be a finite number of milliseconds >= 0, got ${marginMs}.`);
  }
  const vrrpMs = configs.reduce((longest, config) => Math.max(longest, settleMsForConfig(config)), 0);
  return Math.ceil(vrrpMs + marginMs);
}
