/** "VIP on X only": X holds the VIP and no other running node does, at the end of the settle window. */
import { defineDiagnoses } from '../../grade/diagnosis.ts';
import { verdict, type CheckContext } from '../../grade/check.ts';
import { diagnoseVip, VIP_DIAGNOSES } from '../../grade/diagnose.ts';
import { collectLbFacts } from '../../grade/facts.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import type { NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';
import { addressOf, nodeAtVipSchema, targetOf, vipsNamed, vipWords } from './vip-target.ts';

const DIAGNOSES = defineDiagnoses({
  'vip-on-node': (p: { node: NodeName; vip: string }) => `${p.node} holds the VIP ${p.vip}, and no other running node does.`,
});

/**
 * X alone among the running nodes holds the VIP (a frozen node may keep it on its interface);
 * vip-stays holds this. `vip`: which of the lab's VIPs (default: the first).
 */
export const holdsAlone = (observer: CheckContext['observer'], node: NodeName, vip?: string) => () => {
  const held = observer.vip(vip).runningHolders;
  return held.length === 1 && held[0] === node;
};

export const vipOn = defineExpectation({
  kind: 'vip-on',
  description: 'The VIP (the lab\'s first, or `vip`) is on this node and on no other running node at the end of the settle window.',
  params: nodeAtVipSchema,
  nodes: (p) => [targetOf(p).node],
  vips: (p) => vipsNamed(p),
  diagnoses: [DIAGNOSES, VIP_DIAGNOSES],
  check: (p) => {
    const target = targetOf(p);
    const { node } = target;
    return {
      label: `${vipWords(target)} on ${node} only`,
      async judge({ lab, observer, timing, signal }) {
        const vip = addressOf(lab.addresses, target);
        const result = await waitFor(until(observer, holdsAlone(observer, node, vip)), { notBefore: timing.settleEndsAt, deadline: timing.deadline, ...(signal ? { signal } : {}) });
        if (result.ended === 'done') return verdict(true, DIAGNOSES.say('vip-on-node', { node, vip }));
        const seen = observer.vip(vip);
        // Read the nodes again: what they look like now explains the failure best.
        const facts = await collectLbFacts(lab, observer);
        return verdict(false, await diagnoseVip({ lab, observer, expected: node, seen, facts, vip }));
      },
    };
  },
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    'vip-on': typeof vipOn;
  }
}
