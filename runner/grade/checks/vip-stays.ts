/** "stays on X": X alone holds the VIP without a break for a hold of N Master_Down_Intervals. */
import type { NodeName } from '../../lab/definition.ts';
import { DEFAULT_SETTLE_MARGIN_MS } from '../../keepalived/timing.ts';
import type { Check, CheckContext, CheckResult } from '../check.ts';
import { collectLbFacts } from '../facts.ts';
import { listNodes, takeBackCause } from '../diagnose.ts';
import { awaitCondition, awaitHold } from '../wait.ts';

export function vipStays(node: NodeName, intervals: number): Check {
  return {
    label: `VIP stays on ${node} for ${intervals} Master_Down_Intervals`,
    async judge({ lab, observer, timing, signal }: CheckContext): Promise<CheckResult> {
      const holdMs = Math.round(intervals * timing.masterDownMs);
      const onlyThere = () => {
        const held = observer.vip().runningHolders;
        return held.length === 1 && held[0] === node;
      };
      const result = await awaitHold(observer, onlyThere, { until: timing.actionAt + holdMs, signal });
      if (result.held) return { passed: true, message: `${node} kept the VIP for ${(holdMs / 1000).toFixed(1)} s.` };

      const brokeAt = result.brokeAt ?? Date.now();
      const atBreak = observer.vip().runningHolders;
      const after = ((brokeAt - timing.actionAt) / 1000).toFixed(1);
      // The break is often the handover itself (for a moment both nodes, or neither, hold the
      // address): give the VIP the settle margin to land on one node before saying who took it.
      const landedElsewhere = () => {
        const held = observer.vip().runningHolders;
        return held.length === 1 && held[0] !== node;
      };
      await awaitCondition(observer, landedElsewhere, { notBefore: brokeAt, deadline: brokeAt + DEFAULT_SETTLE_MARGIN_MS, signal });
      const holders = observer.vip().runningHolders;
      // Back on the node alone: the break was a moment when another node held it too (or none did).
      const cameBack = holders.length === 1 && holders[0] === node;
      const taker = (cameBack ? atBreak : holders).find((h) => h !== node);
      const moved = cameBack
        ? `${atBreak.length === 0 ? 'no node held it' : `${listNodes(atBreak)} held it`} for a moment, then ${node} alone again`
        : holders.length === 0
          ? 'no node held it'
          : holders.length === 1 && taker
            ? `${taker} took it`
            : `${listNodes(holders)} held it`;
      const facts = await collectLbFacts(lab, observer);
      const cause = taker ? takeBackCause(facts, lab.addresses.vip, taker, node) : '';
      return { passed: false, message: `The VIP did not stay on ${node}: ${after} s after the action ${moved}.${cause ? ` ${cause}` : ''}` };
    },
  };
}
