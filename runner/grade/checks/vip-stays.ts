/** "stays on X": X alone holds the VIP without a break for a hold of N Master_Down_Intervals. */
import type { NodeName } from '../../lab/definition.ts';
import type { Check, CheckContext, CheckResult } from '../check.ts';
import { collectLbFacts } from '../facts.ts';
import { instanceFor, listNodes } from '../diagnose.ts';
import { awaitHold } from '../wait.ts';

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

      const after = (((result.brokeAt ?? Date.now()) - timing.actionAt) / 1000).toFixed(1);
      const holders = observer.vip().runningHolders;
      const moved = holders.length === 0 ? 'no node held it' : `${listNodes(holders)} held it`;
      const facts = await collectLbFacts(lab, observer);
      const taker = holders.find((h) => h !== node);
      let cause = '';
      if (taker) {
        const inst = instanceFor(facts.find((f) => f.node === taker)?.config, lab.addresses.vip);
        const own = instanceFor(facts.find((f) => f.node === node)?.config, lab.addresses.vip);
        if (inst?.nopreempt && inst.state === 'MASTER') {
          cause = ` ${taker} took the VIP back although nopreempt is set: nopreempt is ignored when the initial state is MASTER; set state BACKUP on both nodes.`;
        } else if (inst && !inst.nopreempt && own && inst.priority > own.priority) {
          cause = ` ${taker} has no nopreempt and a higher priority (${inst.priority} > ${own.priority}), so it preempts ${node} as soon as it can; add nopreempt (with state BACKUP) or give both the same priority.`;
        } else if (inst && own && inst.priority > own.priority) {
          cause = ` ${taker}'s priority (${inst.priority}) is higher than ${node}'s (${own.priority}).`;
        }
      }
      return { passed: false, message: `The VIP did not stay on ${node}: ${after} s after the action ${moved}.${cause}` };
    },
  };
}
