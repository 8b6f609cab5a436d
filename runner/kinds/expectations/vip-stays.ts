/** "stays on X": X alone holds the VIP without a break for a hold of N Master_Down_Intervals. */
import { z } from 'zod';
import { DEFAULT_SETTLE_MARGIN_MS } from '../../keepalived/timing.ts';
import { verdict } from '../../grade/check.ts';
import { defineDiagnoses, listNodes } from '../../grade/diagnosis.ts';
import { takeBackCause, VIP_DIAGNOSES } from '../../grade/diagnose.ts';
import { collectLbFacts } from '../../grade/facts.ts';
import { firstBreak } from '../../grade/wait/first-break.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';
import { holdsAlone } from './vip-on.ts';
import { addressOf, vipHostSchema, vipsNamed, vipWords } from './vip-target.ts';

/**
 * How the VIP moved at the break: 'came-back' (`holders` held it for a moment, then the node alone
 * again), 'none' (no node held it), 'taken' (`holders[0]` took it), 'shared' (`holders` held it).
 */
type Move = 'came-back' | 'none' | 'taken' | 'shared';

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const MOVES: Record<Move, (node: NodeName, holders: readonly NodeName[]) => string> = {
  'came-back': (node, holders) => `${holders.length === 0 ? 'no node held it' : `${listNodes(holders)} held it`} for a moment, then ${node} alone again`,
  none: () => 'no node held it',
  taken: (_, holders) => `${holders[0]} took it`,
  shared: (_, holders) => `${listNodes(holders)} held it`,
};

const DIAGNOSES = defineDiagnoses({
  'vip-stayed': (p: { node: NodeName; vip: string; heldMs: number }) => `${p.node} kept the VIP ${p.vip} for ${seconds(p.heldMs)} s.`,
  'vip-moved': (p: { node: NodeName; afterMs: number; move: Move; holders: NodeName[] }, causes) =>
    `The VIP did not stay on ${p.node}: ${seconds(p.afterMs)} s after the action ${MOVES[p.move](p.node, p.holders)}.${causes.length ? ` ${causes.join(' ')}` : ''}`,
});

export const vipStays = defineExpectation({
  kind: 'vip-stays',
  description: 'The VIP (the lab\'s first, or `vip`) stays on this node only, without a break, for `intervals` Master_Down_Intervals (default 3) from the action.',
  params: z.object({ node: nodeNameSchema, intervals: z.number().positive().default(3), vip: vipHostSchema.optional() }).strict(),
  nodes: ({ node }) => [node],
  vips: (p) => vipsNamed(p),
  diagnoses: [DIAGNOSES, VIP_DIAGNOSES],
  check: (target) => ({
    label: `${vipWords(target)} stays on ${target.node} for ${target.intervals} Master_Down_Intervals`,
    async judge({ lab, observer, timing, signal }) {
      const { node, intervals } = target;
      const vip = addressOf(lab.addresses, target);
      const aborts = signal ? { signal } : {};
      const holdMs = Math.round(intervals * timing.masterDownMs);
      const hold = await waitFor(firstBreak(observer, holdsAlone(observer, node, vip)), { deadline: timing.actionAt + holdMs, ...aborts });
      if (hold.ended === 'deadline') return verdict(true, DIAGNOSES.say('vip-stayed', { node, vip, heldMs: holdMs }));

      const brokeAt = hold.at;
      const atBreak = observer.vip(vip).runningHolders;
      // The break is often the handover itself (for a moment both nodes, or neither, hold the
      // address): give the VIP the settle margin to land on one node before saying who took it.
      const landedElsewhere = () => {
        const held = observer.vip(vip).runningHolders;
        return held.length === 1 && held[0] !== node;
      };
      await waitFor(until(observer, landedElsewhere), { notBefore: brokeAt, deadline: brokeAt + DEFAULT_SETTLE_MARGIN_MS, ...aborts });
      const holders = observer.vip(vip).runningHolders;
      // Back on the node alone: the break was a moment when another node held it too (or none did).
      const cameBack = holders.length === 1 && holders[0] === node;
      const taker = (cameBack ? atBreak : holders).find((h) => h !== node);
      const [move, seen]: [Move, NodeName[]] = cameBack
        ? ['came-back', atBreak]
        : holders.length === 0
          ? ['none', []]
          : holders.length === 1 && taker
            ? ['taken', [taker]]
            : ['shared', holders];
      const facts = await collectLbFacts(lab, observer);
      const cause = taker ? takeBackCause(facts, vip, taker, node) : undefined;
      return verdict(false, DIAGNOSES.say('vip-moved', { node, afterMs: brokeAt - timing.actionAt, move, holders: seen }, cause ? [cause] : []));
    },
  }),
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    'vip-stays': typeof vipStays;
  }
}
