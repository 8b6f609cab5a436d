/** "VIP on X only": X holds the VIP and no other running node does, at the end of the settle window. */
import type { NodeName } from '../../lab/definition.ts';
import type { Check, CheckContext, CheckResult } from '../check.ts';
import { collectLbFacts } from '../facts.ts';
import { diagnoseVip } from '../diagnose.ts';
import { awaitCondition } from '../wait.ts';

export function vipOn(node: NodeName): Check {
  return {
    label: `VIP on ${node} only`,
    async judge({ lab, observer, timing, signal }: CheckContext): Promise<CheckResult> {
      const onlyThere = () => {
        const held = observer.vip().runningHolders;
        return held.length === 1 && held[0] === node;
      };
      const result = await awaitCondition(observer, onlyThere, { notBefore: timing.settleEndsAt, deadline: timing.deadline, signal });
      if (result.ok) return { passed: true, message: `${node} holds the VIP ${lab.addresses.vip}, and no other running node does.` };
      const seen = observer.vip();
      // Read the nodes again: what they look like now explains the failure best.
      const facts = await collectLbFacts(lab, observer);
      return { passed: false, message: await diagnoseVip({ lab, observer, expected: node, seen, facts }) };
    },
  };
}
