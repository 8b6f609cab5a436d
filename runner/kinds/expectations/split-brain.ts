/**
 * "Split brain", expected on purpose (the split-brain lab cuts the heartbeat): every lb node holds
 * the VIP at once, within the settle window of the step (the longest Master_Down_Interval of the
 * running nodes, the cut node's, plus a margin), and still does a few adverts later. That second
 * part matters: when the cut node wins the election it takes the VIP and the other node gives it
 * up on hearing its first advert, so both hold the address for an instant only; that is a
 * handover, not a split brain, and the failure says why it happened (equal priorities: the higher
 * address wins).
 */
import { z } from 'zod';
import { DEFAULT_SETTLE_MARGIN_MS } from '../../keepalived/timing.ts';
import { verdict } from '../../grade/check.ts';
import { defineDiagnoses, listNodes, type Diagnosis } from '../../grade/diagnosis.ts';
import { instanceFor } from '../../grade/diagnose.ts';
import type { LbFacts } from '../../grade/facts.ts';
import { firstBreak } from '../../grade/wait/first-break.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { roleOf, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';
import { addressOf, vipHostSchema, vipsNamed, vipWords } from './vip-target.ts';

/** A split that lasts this many advert intervals is not a handover: every node has heard the others by then. */
const CONFIRM_ADVERTS = 2;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const DIAGNOSES = defineDiagnoses({
  'split-brain-seen': (p: { holders: NodeName[]; vip: string; afterMs: number; heldMs: number }) =>
    `Split brain, as the cut makes it: ${listNodes(p.holders)} both hold the VIP ${p.vip} (from ${seconds(p.afterMs)} after the action, still ${seconds(p.heldMs)} later). ` +
    `On each node ip -br addr show eth0 lists ${p.vip} and journalctl -u keepalived says "Entering MASTER STATE"; each sends its own adverts as MASTER (tcpdump -nn vrrp on the client shows both). ` +
    `The client follows whichever node's gratuitous ARPs it heard last, so its answers flip: to the node that just took the VIP, and back when the other answers its adverts with a new election (journalctl: "forcing new election") and gratuitous ARPs of its own.`,
  /** The VIP moved to one node: a handover, not a split brain. Its cause says why the other gave up. */
  'split-brain-resolved': (p: { taker: NodeName; yielder: NodeName; vip: string; afterMs: number }, causes) =>
    `No split brain: ${p.taker} took the VIP ${p.vip} ${seconds(p.afterMs)} after the action and ${p.yielder} gave it up, so ${p.taker} alone holds it.${causes.length ? ` ${causes.join(' ')}` : ''}`,
  'cause-higher-address-wins': (p: { winner: NodeName; winnerAddress: string; loser: NodeName; loserAddress: string; priority: number }) =>
    `Both have priority ${p.priority}, and between equal priorities VRRP picks the higher address: ${p.winner} (${p.winnerAddress}) beats ${p.loser} (${p.loserAddress}), so ${p.loser}, which still hears ${p.winner}, became BACKUP at its first advert. Give ${p.loser} the higher priority: it then ignores ${p.winner}'s lower adverts and stays MASTER too.`,
  'cause-higher-priority-wins': (p: { winner: NodeName; winnerPriority: number; loser: NodeName; loserPriority: number }) =>
    `${p.winner} advertises priority ${p.winnerPriority}, above ${p.loser}'s ${p.loserPriority}, so ${p.loser} became BACKUP as soon as it heard ${p.winner}'s first advert.`,
  'split-brain-not-seen': (p: { holders: NodeName[]; silent: NodeName[]; vip: string; withinMs: number; stopped: NodeName[] }) =>
    `No split brain within ${seconds(p.withinMs)}: ${p.holders.length ? `only ${listNodes(p.holders)} held the VIP ${p.vip}` : `no node held the VIP ${p.vip}`}, and ${listNodes(p.silent)} never took it. ${
      p.stopped.length
        ? `keepalived is not running on ${listNodes(p.stopped)}.`
        : `${listNodes(p.silent)} still hears a master: is the heartbeat cut (nft list ruleset on ${listNodes(p.silent)} shows the lab's table kalab_fault)?`
    }`,
});
const say = DIAGNOSES.say;

/** How long the split must last: a few of the slowest advert intervals among the running nodes. */
export function confirmMs(facts: readonly LbFacts[], vip: string): number {
  const intervals = facts.flatMap((f) => (f.keepalivedRunning ? [instanceFor(f.config, vip)?.advertIntS ?? 1] : []));
  return Math.round(CONFIRM_ADVERTS * 1000 * Math.max(1, ...intervals));
}

export const splitBrain = defineExpectation({
  kind: 'split-brain',
  description: 'Every lb node holds the VIP at once within the settle window (the cut node\'s Master_Down_Interval plus a margin), and still does two advert intervals later: a split brain, expected.',
  params: z.object({ vip: vipHostSchema.optional() }).strict(),
  nodes: () => [],
  vips: (p) => vipsNamed(p),
  diagnoses: [DIAGNOSES],
  check: (target) => ({
    label: `split brain: every lb node holds the ${vipWords(target)}`,
    async judge({ lab, observer, timing, facts, signal }) {
      const aborts = signal ? { signal } : {};
      const vip = addressOf(lab.addresses, target);
      // In name order, whatever order the lab's containers came up in.
      const lbNodes = lab.nodes.filter((n) => roleOf(n) === 'lb').sort();
      const holders = () => observer.vip(vip).runningHolders;
      const allHold = () => lbNodes.every((n) => holders().includes(n));
      const from = timing.startedAt ?? timing.actionAt;
      const before = holders();
      /** The VIP went to one node: when it took it, from the timeline. */
      const tookAt = (node: NodeName) =>
        observer.timeline(from).filter((e) => e.type === 'vip' && e.node === node && e.held && (e.address ?? lab.addresses.vip) === vip).pop()?.t ?? Date.now();
      const resolved = (taker: NodeName, yielder: NodeName) =>
        verdict(false, say('split-brain-resolved', { taker, yielder, vip, afterMs: tookAt(taker) - from }, whyYielded(lab.addresses.node, observer, taker, yielder, facts, vip)));

      const split = await waitFor(until(observer, allHold), { deadline: timing.deadline, ...aborts });
      if (split.ended !== 'done') {
        const now = holders();
        // Handed over, with no instant in which the observer saw both hold it.
        if (now.length === 1 && before.length === 1 && now[0] !== before[0]) return resolved(now[0]!, before[0]!);
        const stopped = facts.filter((f) => f.run === 'running' && !f.keepalivedRunning).map((f) => f.node);
        return verdict(false, say('split-brain-not-seen', { holders: now, silent: lbNodes.filter((n) => !now.includes(n)), vip, withinMs: timing.deadline - from, stopped }));
      }
      const confirm = confirmMs(facts, vip);
      const held = await waitFor(firstBreak(observer, allHold), { deadline: split.at + confirm, ...aborts });
      if (held.ended === 'deadline') return verdict(true, say('split-brain-seen', { holders: lbNodes, vip, afterMs: split.at - from, heldMs: confirm }));

      // Both held it for an instant: a handover. Let the VIP land on one node before saying who took it.
      await waitFor(until(observer, () => holders().length === 1), { deadline: held.at + DEFAULT_SETTLE_MARGIN_MS, ...aborts });
      const [taker] = holders();
      const yielder = lbNodes.find((n) => n !== taker);
      if (!taker || !yielder) {
        return verdict(false, say('split-brain-not-seen', { holders: holders(), silent: lbNodes.filter((n) => !holders().includes(n)), vip, withinMs: held.at - from, stopped: [] }));
      }
      return resolved(taker, yielder);
    },
  }),
});

/** Why `yielder` gave the VIP up to `taker`, from the priorities their adverts carried (the wire), else their configs. */
function whyYielded(
  addresses: Record<NodeName, string>,
  observer: { lastAdvert(node: NodeName, vrid?: number): { priority: number } | undefined },
  taker: NodeName,
  yielder: NodeName,
  facts: readonly LbFacts[],
  vip: string,
): Diagnosis[] {
  const priorityOf = (n: NodeName) => {
    const inst = instanceFor(facts.find((f) => f.node === n)?.config, vip);
    return observer.lastAdvert(n, inst?.virtualRouterId)?.priority || inst?.priority;
  };
  const [tp, yp] = [priorityOf(taker), priorityOf(yielder)];
  if (tp === undefined || yp === undefined) return [];
  if (tp > yp) return [say('cause-higher-priority-wins', { winner: taker, winnerPriority: tp, loser: yielder, loserPriority: yp })];
  if (tp === yp) {
    return [say('cause-higher-address-wins', { winner: taker, winnerAddress: addresses[taker], loser: yielder, loserAddress: addresses[yielder], priority: tp })];
  }
  return [];
}

declare module '../registry.ts' {
  interface ExpectationKinds {
    'split-brain': typeof splitBrain;
  }
}
