/**
 * "lb1 advertises a priority below lb2's" (or exactly 70): the priority a node's VRRP adverts
 * carry on the wire, as `tcpdump -nn vrrp` shows it to a learner (seed 000 watches 100 → 70). The
 * observer records every advert an lb node sends (outbound capture from its eyes); this check
 * waits on those events, for the adverts of the VIP's virtual router, since the step's action.
 *
 * Priority 0 is not a priority: it is the goodbye of a keepalived that stops ("I resign"), and
 * never counts as "below". A backup sends no adverts, so while the node is master its rival's
 * priority is on no packet: until the rival takes over and advertises, the least its own config
 * lets it be stands in (leastPriority).
 */
import { z } from 'zod';
import type { LabEvent } from '../../shared/events.ts';
import { effectivePriority } from '../../keepalived/timing.ts';
import { verdict, type StepTiming } from '../../grade/check.ts';
import { defineDiagnoses } from '../../grade/diagnosis.ts';
import { healthCheckCause, instanceFor, VIP_DIAGNOSES } from '../../grade/diagnose.ts';
import { collectLbFacts, type LbFacts } from '../../grade/facts.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';
import { addressOf, vipHostSchema, vipsNamed, vipWords } from './vip-target.ts';

type Advert = Extract<LabEvent, { type: 'advert' }>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** ", 2.0 s after the action", when the runner did the action and knows when it began. */
const after = (ms: number | null) => (ms === null ? '' : `, ${seconds(ms)} after the action`);
const nginx = (stopped: boolean | null) => (stopped === null ? '' : stopped ? ' with nginx stopped' : ' with nginx running');

const DIAGNOSES = defineDiagnoses({
  'advert-below': (p: { node: NodeName; history: number[]; rival: NodeName; rivalPriority: number; afterMs: number | null }) =>
    `${p.node}'s adverts went ${p.history.join(' → ')}${after(p.afterMs)}: below ${p.rival}'s ${p.rivalPriority}, so ${p.rival} may take over (tcpdump -nn vrrp shows "prio ${p.history[p.history.length - 1]}").`,
  'advert-priority-seen': (p: { node: NodeName; priority: number; history: number[]; afterMs: number | null }) =>
    `${p.node}'s adverts went ${p.history.join(' → ')}: priority ${p.priority}${after(p.afterMs)}.`,
  /** Its causes say why the priority did not drop far enough (a weak weight, a check that never fails). */
  'advert-not-below': (p: { node: NodeName; priority: number; rival: NodeName; rivalPriority: number; nginxStopped: boolean | null }, causes) =>
    `${p.node} advertises ${p.priority}${nginx(p.nginxStopped)}, ${p.priority > p.rivalPriority ? 'still above' : 'not below'} ${p.rival}'s ${p.rivalPriority}.${causes.length ? ` ${causes.join(' ')}` : ''}`,
  'advert-priority-not-seen': (p: { node: NodeName; priority: number; history: number[] }) =>
    `${p.node}'s adverts carried ${p.history.join(' → ')} since the action, never ${p.priority}.`,
  'adverts-none-from-node': (p: { node: NodeName; keepalived: boolean }) =>
    `${p.node} sent no VRRP adverts since the action: ${p.keepalived ? 'only a MASTER advertises, and it is not one (journalctl -u keepalived says its state)' : 'keepalived is not running there'}.`,
});
const say = DIAGNOSES.say;

/** The priorities in order, each change once: [100, 70]. */
export function priorityHistory(adverts: readonly Pick<Advert, 'priority'>[]): number[] {
  const history: number[] = [];
  for (const a of adverts) if (history[history.length - 1] !== a.priority) history.push(a.priority);
  return history;
}

/**
 * The least the rival's config lets its priority be now: its tracked scripts failing if its nginx
 * is stopped, and a script that adds a positive weight counted as failing too (whether it succeeds
 * is on no packet: a check that cannot run at all fails). A node below this is below the rival; a
 * rival that is higher after all shows it on the wire once it takes over.
 */
export function leastPriority(facts: readonly LbFacts[], node: NodeName, vip: string): number | undefined {
  const f = facts.find((x) => x.node === node);
  const inst = instanceFor(f?.config, vip);
  if (!f?.config || !inst) return undefined;
  const scripts = f.config.scripts;
  const adds = (t: (typeof inst.trackScripts)[number]) => (t.weight ?? scripts[t.name]?.weight ?? 0) > 0;
  const failing = new Set(inst.trackScripts.filter((t) => f.nginxRunning === false || adds(t)).map((t) => t.name));
  return effectivePriority(inst, scripts, failing);
}

/**
 * Where the step's adverts start: the action's start when the runner did it; for the learner's own
 * action (the browser's Check, timed from the lab's last change, which may be the takeover the
 * drop caused), the settle window before it.
 */
export const advertWindowStart = (timing: Pick<StepTiming, 'startedAt' | 'actionAt' | 'settleMs'>) => timing.startedAt ?? timing.actionAt - timing.settleMs;

const paramsSchema = z
  .object({ node: nodeNameSchema, below: nodeNameSchema.optional(), priority: z.number().int().min(1).max(255).optional(), vip: vipHostSchema.optional() })
  .strict()
  .refine((p) => (p.below === undefined) !== (p.priority === undefined), 'name either `below` (another node) or `priority` (a number), not both');

export const advertises = defineExpectation({
  kind: 'advertises',
  description: "After the action, the node's VRRP adverts for the VIP carry a priority below node `below`'s (its adverts, else its config), or exactly `priority`, as tcpdump shows them.",
  params: paramsSchema,
  nodes: ({ node, below }) => (below ? [node, below] : [node]),
  vips: (p) => vipsNamed(p),
  diagnoses: [DIAGNOSES, VIP_DIAGNOSES],
  check: (target) => ({
    label:
      target.below !== undefined
        ? `${target.node} advertises a priority below ${target.below}'s (${vipWords(target)})`
        : `${target.node} advertises priority ${target.priority} (${vipWords(target)})`,
    async judge({ lab, observer, timing, facts, signal }) {
      const { node, below: rival } = target;
      const vip = addressOf(lab.addresses, target);
      const vridOf = (n: NodeName) => instanceFor(facts.find((f) => f.node === n)?.config, vip)?.virtualRouterId;
      const since = advertWindowStart(timing);
      const sent = (n: NodeName) => {
        const vrid = vridOf(n);
        return observer.timeline(since).filter((e): e is Advert => e.type === 'advert' && e.node === n && (vrid === undefined || e.vrid === vrid));
      };
      const own = () => sent(node).filter((a) => a.priority > 0);
      const rivalPriority = () => (rival ? (sent(rival).filter((a) => a.priority > 0).pop()?.priority ?? leastPriority(facts, rival, vip)) : undefined);
      const wanted = (a: Advert) => {
        if (target.priority !== undefined) return a.priority === target.priority;
        const r = rivalPriority();
        return r !== undefined && a.priority < r;
      };
      const found = () => own().find(wanted);
      await waitFor(until(observer, () => found() !== undefined), { deadline: timing.deadline, ...(signal ? { signal } : {}) });

      const hit = found();
      // The priority it advertised just before the window, so the history reads "100 → 70".
      const before = observer.timeline(since - 10_000).filter((e): e is Advert => e.type === 'advert' && e.node === node && e.t < since && e.priority > 0).pop();
      const history = priorityHistory([...(before ? [before] : []), ...own()]);
      // A learner's own action has no known start (the step is timed from the lab's last change).
      const afterMs = hit && timing.startedAt !== undefined ? hit.t - timing.startedAt : null;
      if (hit && rival) return verdict(true, say('advert-below', { node, history, rival, rivalPriority: rivalPriority()!, afterMs }));
      if (hit) return verdict(true, say('advert-priority-seen', { node, priority: hit.priority, history, afterMs }));

      // Read the nodes again: what they look like now explains the failure best.
      const now = await collectLbFacts(lab, observer);
      const latest = own().pop();
      if (!latest) return verdict(false, say('adverts-none-from-node', { node, keepalived: now.find((f) => f.node === node)?.keepalivedRunning ?? false }));
      if (!rival) return verdict(false, say('advert-priority-not-seen', { node, priority: target.priority!, history }));
      const nodeFacts = now.find((f) => f.node === node);
      const nginxStopped = nodeFacts?.nginxRunning === undefined ? null : !nodeFacts.nginxRunning;
      const rivalNow = rivalPriority() ?? leastPriority(now, rival, vip) ?? 0;
      const cause = healthCheckCause(now, vip, node, rival, latest.priority);
      return verdict(
        false,
        say('advert-not-below', { node, priority: latest.priority, rival, rivalPriority: rivalNow, nginxStopped }, cause ? [cause] : []),
      );
    },
  }),
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    advertises: typeof advertises;
  }
}
