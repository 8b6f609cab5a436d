/**
 * "Delayed preemption": after the action (keepalived started on the preempting node `to`), the VIP
 * stays on `from` alone for at least `to`'s preempt_delay (read from `to`'s config, as keepalived
 * runs it; at least `minDelayS`), then moves to `to` by the step's deadline, which the settle
 * window already stretches by that preempt_delay (runner/keepalived/timing.ts): preempt_delay plus
 * `to`'s Master_Down_Interval plus a margin. keepalived counts the delay from its start and only
 * then lets the master-down timer run out, so the move comes a Master_Down_Interval or so after.
 */
import { z } from 'zod';
import { DEFAULT_SETTLE_MARGIN_MS } from '../../keepalived/timing.ts';
import { verdict } from '../../grade/check.ts';
import { defineDiagnoses, listNodes, type Diagnosis } from '../../grade/diagnosis.ts';
import { diagnoseVip, instanceFor, VIP_DIAGNOSES } from '../../grade/diagnose.ts';
import { collectLbFacts, type LbFacts } from '../../grade/facts.ts';
import { firstBreak } from '../../grade/wait/first-break.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';
import { holdsAlone } from './vip-on.ts';
import { addressOf, vipHostSchema, vipsNamed, vipWords } from './vip-target.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const DIAGNOSES = defineDiagnoses({
  'vip-stayed-then-moved': (p: { from: NodeName; to: NodeName; vip: string; delayS: number; movedAfterMs: number }) =>
    `${p.from} kept the VIP ${p.vip} for ${p.to}'s preempt_delay of ${p.delayS} s, then ${p.to} took it, ${seconds(p.movedAfterMs)} after the action.`,
  /** The VIP left `from` before the delay was over; a cause says why there was no delay. */
  'vip-moved-early': (p: { from: NodeName; to: NodeName; vip: string; afterMs: number; holdS: number; holders: NodeName[] }, causes) =>
    `${p.holders.length === 1 && p.holders[0] === p.to ? `${p.to} took the VIP ${p.vip}` : p.holders.length ? `${listNodes(p.holders)} held the VIP ${p.vip}` : `${p.from} lost the VIP ${p.vip}`} ${seconds(p.afterMs)} after the action, before the ${p.holdS} s of preempt_delay were over.${causes.length ? ` ${causes.join(' ')}` : ''}`,
  'cause-preempt-delay-with-master': (p: { node: NodeName; delayS: number }) =>
    `${p.node} has state MASTER, and keepalived clears preempt_delay for an initial MASTER (its log says "preempt delay will not work with initial state MASTER - clearing"), so its preempt_delay ${p.delayS} does nothing and it preempts after one Master_Down_Interval. Set state BACKUP on both nodes.`,
  'cause-preempt-delay-cleared': (p: { node: NodeName; delayS: number; why: 'nopreempt' | 'strict mode' }) =>
    `${p.node}'s preempt_delay ${p.delayS} has no effect with ${p.why}: keepalived resets it to 0.`,
  'cause-no-preempt-delay': (p: { node: NodeName }) =>
    `${p.node}'s vrrp_instance has no preempt_delay, so it preempts as soon as its Master_Down_Interval runs out. Add preempt_delay 10 (with state BACKUP).`,
  'cause-preempt-delay-short': (p: { node: NodeName; delayS: number; minDelayS: number }) =>
    `${p.node}'s preempt_delay is ${p.delayS} s; this step waits for at least ${p.minDelayS} s.`,
});
const say = DIAGNOSES.say;

/** Why `node` did not wait: its preempt_delay cleared, missing or short. */
export function preemptDelayCause(facts: readonly LbFacts[], node: NodeName, vip: string, minDelayS: number): Diagnosis | undefined {
  const inst = instanceFor(facts.find((f) => f.node === node)?.config, vip);
  if (!inst) return undefined;
  const written = inst.preemptDelayWrittenS;
  if (written > 0 && inst.preemptDelayS === 0) {
    if (inst.state === 'MASTER') return say('cause-preempt-delay-with-master', { node, delayS: written });
    return say('cause-preempt-delay-cleared', { node, delayS: written, why: inst.strictMode ? 'strict mode' : 'nopreempt' });
  }
  if (written === 0) return say('cause-no-preempt-delay', { node });
  if (inst.preemptDelayS < minDelayS) return say('cause-preempt-delay-short', { node, delayS: inst.preemptDelayS, minDelayS });
  return undefined;
}

export const vipStaysThenMoves = defineExpectation({
  kind: 'vip-stays-then-moves',
  description:
    "The VIP stays on node `from` alone for at least node `to`'s preempt_delay (from its config; at least `minDelayS`) after the action, then moves to `to` by the deadline (preempt_delay + Master_Down_Interval + a margin).",
  params: z.object({ from: nodeNameSchema, to: nodeNameSchema, minDelayS: z.number().min(0).default(0), vip: vipHostSchema.optional() }).strict(),
  nodes: ({ from, to }) => [from, to],
  vips: (p) => vipsNamed(p),
  diagnoses: [DIAGNOSES, VIP_DIAGNOSES],
  check: (target) => ({
    label: `${vipWords(target)} stays on ${target.from} for ${target.to}'s preempt_delay, then moves to ${target.to}`,
    async judge({ lab, observer, timing, facts, signal }) {
      const { from, to, minDelayS } = target;
      const aborts = signal ? { signal } : {};
      const vip = addressOf(lab.addresses, target);
      const delayS = instanceFor(facts.find((f) => f.node === to)?.config, vip)?.preemptDelayS ?? 0;
      const holdS = Math.max(delayS, minDelayS);
      const start = timing.actionAt;

      const hold = await waitFor(firstBreak(observer, holdsAlone(observer, from, vip)), { deadline: start + holdS * 1000, ...aborts });
      if (hold.ended === 'done') {
        // The break is often the handover itself: let the VIP land before saying who took it.
        await waitFor(until(observer, () => observer.vip(vip).runningHolders.length === 1), { notBefore: hold.at, deadline: hold.at + DEFAULT_SETTLE_MARGIN_MS, ...aborts });
        const holders = observer.vip(vip).runningHolders;
        const now = await collectLbFacts(lab, observer);
        const cause = holders.includes(to) ? preemptDelayCause(now, to, vip, minDelayS) : undefined;
        return verdict(false, say('vip-moved-early', { from, to, vip, afterMs: hold.at - start, holdS, holders }, cause ? [cause] : []));
      }

      // The step's deadline, which the settle window stretches by the config's preempt_delay; when
      // minDelayS held longer than that, a settle window from the end of the hold.
      const moveBy = Math.max(timing.deadline, start + holdS * 1000 + timing.settleMs);
      const moved = await waitFor(until(observer, holdsAlone(observer, to, vip)), { deadline: moveBy, ...aborts });
      if (moved.ended === 'done') return verdict(true, say('vip-stayed-then-moved', { from, to, vip, delayS: holdS, movedAfterMs: moved.at - start }));
      const now = await collectLbFacts(lab, observer);
      return verdict(false, await diagnoseVip({ lab, observer, expected: to, seen: observer.vip(vip), facts: now, vip }));
    },
  }),
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    'vip-stays-then-moves': typeof vipStaysThenMoves;
  }
}
