/**
 * "Within budget for the VIP's users": the step's VIP moves to another node within `failoverMs`
 * of the action, and the client, asking every 50 ms throughout, goes unanswered for no longer
 * than `outageMs`. Judged from the step's measure (runner/grade/step-measure.ts): the observer's
 * events and the client probe the runner keeps running from just before the action. It waits
 * until the figures are complete (the VIP on its new holder alone, the client answered again) or
 * the step's deadline, so the settle window's margin never hides a slow failover: the budget is
 * held to what was measured, not to when the verdict was due.
 */
import { z } from 'zod';
import { verdict, type CheckContext } from '../../grade/check.ts';
import { defineDiagnoses, type Diagnosis, type NoParams } from '../../grade/diagnosis.ts';
import { instanceFor } from '../../grade/diagnose.ts';
import { measuredFigures, measureEvents, settledFigures } from '../../grade/step-measure.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { masterDownIntervalMs } from '../../keepalived/timing.ts';
import { KEEPALIVED_LOG } from '../../observe/lab-observer.ts';
import type { FailoverFigures } from '../../shared/events.ts';
import { seconds } from '../../shared/failover-text.ts';
import type { NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';

/** What keepalived 2.2.7 logs when VRRPv2 is given a fractional advert_int. */
const ROUNDING = 'must be an integer. rounding';
/** The interval a sub-second failover is built on (seed 000: VRRPv3, centisecond adverts). */
const FAST_ADVERT_S = 0.1;

type Figures = { from: NodeName; to: NodeName; failoverMs: number; outageMs: number | null; failedRequests: number; requests: number };
type Budget = { budgetFailoverMs: number; budgetOutageMs: number };

const lost = (p: Figures) => `${p.failedRequests} of ${p.requests} request${p.requests === 1 ? '' : 's'} failed`;
const outage = (p: Figures, budget: number) =>
  p.outageMs === null ? `the client was not answered again (budget ${seconds(budget)})` : `the client went ${seconds(p.outageMs)} without an answer (budget ${seconds(budget)})`;

const DIAGNOSES = defineDiagnoses({
  'failover-within-budget': (p: Figures & Budget) =>
    `${p.from} → ${p.to} in ${seconds(p.failoverMs)} (budget ${seconds(p.budgetFailoverMs)}); ${outage(p, p.budgetOutageMs)}, ${lost(p)}.`,
  'failover-over-budget': (p: Figures & Budget, causes) =>
    `Too slow for the VIP's users: ${p.from} → ${p.to} took ${seconds(p.failoverMs)} (budget ${seconds(p.budgetFailoverMs)}); ${outage(p, p.budgetOutageMs)}, ${lost(p)}.${causes.length ? ` ${causes.join(' ')}` : ''}`,
  'failover-vip-stayed': (p: { holders: NodeName[]; budgetFailoverMs: number }) =>
    `The VIP did not move to another node (${p.holders.length ? `held by ${p.holders.join(', ')}` : 'no running node holds it'}), so there is no failover to time against the ${seconds(p.budgetFailoverMs)} budget.`,
  'failover-not-measured': (_: NoParams) =>
    "The failover was not measured: the grader times it, and probes the client, only while it performs the step's action itself (the workbench's button for the step, or kalab check).",
  'cause-advert-int-rounded': (p: { node: NodeName; instance: string; logged: string; advertIntS: number; masterDownMs: number }) =>
    `${p.node}'s keepalived logged "${p.logged}": VRRPv2 carries whole seconds, so it runs advert_int ${p.advertIntS} and waits ${seconds(p.masterDownMs)} (its Master_Down_Interval) before it takes over. Add vrrp_version 3 to global_defs (or version 3 to vrrp_instance ${p.instance}) for centisecond adverts.`,
  'cause-master-down-interval': (p: { node: NodeName; version: number; advertIntS: number; priority: number; masterDownMs: number; fastMs: number }) =>
    `${p.node} takes the VIP only once its Master_Down_Interval has passed without an advert: 3 × ${p.advertIntS} s + skew for priority ${p.priority} = ${seconds(p.masterDownMs)} (VRRPv${p.version}, advert_int ${p.advertIntS}), by itself over the budget. With vrrp_version 3 and advert_int ${FAST_ADVERT_S} it is ${seconds(p.fastMs)}.`,
});
const say = DIAGNOSES.say;

const paramsSchema = z.object({ failoverMs: z.number().int().positive(), outageMs: z.number().int().positive() }).strict();

export const failoverWithin = defineExpectation({
  kind: 'failover-within',
  description:
    "The step's VIP moves to another node within `failoverMs` of the action, and the client, asking every 50 ms throughout, goes without an answer no longer than `outageMs`; the message gives both and the requests that failed.",
  params: paramsSchema,
  nodes: () => [],
  diagnoses: [DIAGNOSES],
  check: (budget) => ({
    label: `failover within ${seconds(budget.failoverMs)}, client outage within ${seconds(budget.outageMs)}`,
    async judge(ctx) {
      const { lab, observer, timing, measure, signal } = ctx;
      const budgets = { budgetFailoverMs: budget.failoverMs, budgetOutageMs: budget.outageMs };
      if (!measure?.probe) return verdict(false, say('failover-not-measured', {}));
      const settled = () => settledFigures(observer, lab.addresses.vip, measure) !== undefined;
      await waitFor(until(measureEvents(observer, measure), settled), { deadline: timing.deadline, ...(signal ? { signal } : {}) });
      // Settled, or the deadline: what was measured by then is the verdict's.
      const f = measuredFigures(observer, lab.addresses.vip, measure);
      if (!f) return verdict(false, say('failover-vip-stayed', { holders: observer.vip().runningHolders, budgetFailoverMs: budget.failoverMs }));
      const seen: Figures = { from: f.from, to: f.to, failoverMs: f.failoverMs, outageMs: f.outageMs ?? null, failedRequests: f.failedRequests ?? 0, requests: f.requests ?? 0 };
      const within = seen.failoverMs <= budget.failoverMs && seen.outageMs !== null && seen.outageMs <= budget.outageMs;
      if (within) return verdict(true, say('failover-within-budget', { ...seen, ...budgets }));
      return verdict(false, say('failover-over-budget', { ...seen, ...budgets }, await slowFailoverCauses(ctx, f, budget.failoverMs)));
    },
  }),
});

/**
 * Why the new holder took so long: its own Master_Down_Interval is over the budget (read from its
 * config, as keepalived runs it), and when keepalived rounded a fractional VRRPv2 advert_int, the
 * line it logged about it. None when its timing fits the budget (the outage is the client's).
 */
async function slowFailoverCauses({ lab, facts }: CheckContext, f: FailoverFigures, budgetMs: number): Promise<Diagnosis[]> {
  const config = facts.find((x) => x.node === f.to)?.config;
  const inst = instanceFor(config, lab.addresses.vip);
  if (!inst) return [];
  const masterDownMs = masterDownIntervalMs(inst);
  if (masterDownMs <= budgetMs) return [];
  const logged = await rounding(lab, f.to);
  if (logged && inst.effectiveVersion === 2) {
    return [say('cause-advert-int-rounded', { node: f.to, instance: inst.name, logged, advertIntS: inst.advertIntS, masterDownMs })];
  }
  const fastMs = masterDownIntervalMs({ ...inst, advertIntS: FAST_ADVERT_S, effectiveVersion: 3 });
  return [say('cause-master-down-interval', { node: f.to, version: inst.effectiveVersion, advertIntS: inst.advertIntS, priority: inst.priority, masterDownMs, fastMs })];
}

/**
 * keepalived's own words about a rounded advert_int, since it last started, read by the node's
 * eyes (its log folder, read-only, with the eyes' own tools): the newest start is the first found
 * reading the log backwards.
 */
async function rounding(lab: CheckContext['lab'], node: NodeName): Promise<string | undefined> {
  const r = await lab.execBeside(node, `tac ${KEEPALIVED_LOG} | sed '/Starting Keepalived v/q' | grep -F -m 1 '${ROUNDING}'`, { timeoutS: 5 });
  const line = r.stdout.trim();
  // Without its timestamp: "(VI_1) VRRPv2 advertisement interval 0.100000s must be an integer. rounding".
  return line ? line.replace(/^.*?\d{4}:\s+/, '') : undefined;
}

declare module '../registry.ts' {
  interface ExpectationKinds {
    'failover-within': typeof failoverWithin;
  }
}
