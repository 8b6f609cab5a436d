/** "VIP on X only": X holds the VIP and no other running node does, at the end of the settle window. */
import { defineDiagnoses } from '../../grade/diagnosis.ts';
import { verdict, type CheckContext } from '../../grade/check.ts';
import { diagnoseVip, VIP_DIAGNOSES } from '../../grade/diagnose.ts';
import { collectLbFacts } from '../../grade/facts.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';

const DIAGNOSES = defineDiagnoses({
  'vip-on-node': (p: { node: NodeName; vip: string }) => `${p.node} holds the VIP ${p.vip}, and no other running node does.`,
});

/** X alone among the running nodes holds the VIP (a frozen node may keep it on its interface); vip-stays holds this. */
export const holdsAlone = (observer: CheckContext['observer'], node: NodeName) => () => {
  const held = observer.vip().runningHolders;
  return held.length === 1 && held[0] === node;
};

export const vipOn = defineExpectation({
  kind: 'vip-on',
  description: 'The VIP is on this node and on no other running node at the end of the settle window.',
  params: nodeNameSchema,
  nodes: (node) => [node],
  diagnoses: [DIAGNOSES, VIP_DIAGNOSES],
  check: (node) => ({
    label: `VIP on ${node} only`,
    async judge({ lab, observer, timing, signal }) {
      const result = await waitFor(until(observer, holdsAlone(observer, node)), { notBefore: timing.settleEndsAt, deadline: timing.deadline, ...(signal ? { signal } : {}) });
      if (result.ended === 'done') return verdict(true, DIAGNOSES.say('vip-on-node', { node, vip: lab.addresses.vip }));
      const seen = observer.vip();
      // Read the nodes again: what they look like now explains the failure best.
      const facts = await collectLbFacts(lab, observer);
      return verdict(false, await diagnoseVip({ lab, observer, expected: node, seen, facts }));
    },
  }),
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    'vip-on': typeof vipOn;
  }
}
