/**
 * What a step cost the users of the VIP, from what the grader saw: the observer's events say when
 * the VIP reached its new holder, the client probe's requests say what the client lost. A pure
 * function over both, pinned by unit tests; the step runner calls it for every step, the budgets
 * (kinds/expectations/failover-within.ts) judge its result.
 *
 *  - failover: from the start of the action to the moment the new holder became the only running
 *    node with the VIP (a frozen node keeps the address, as a hung machine does, but serves nothing);
 *    the last such moment, should the VIP have come and gone in between. On a busy host the
 *    observer hears of it late, while the probe's times are taken where the requests are sent: an
 *    answer from the new holder proves it had the VIP, so the first one caps the figure;
 *  - outage: the longest stretch the client went unanswered, from its last answer before a failed
 *    request to its first answer after the run of failures; 0 when no request failed;
 *  - failed requests: the requests sent since the action began that got no answer.
 */
import type { NodeName } from '../kinds/cast.ts';
import { isAnswer } from '../observe/client-probe.ts';
import type { FailoverFigures, HttpEvent, LabEvent, VipSnapshot } from '../shared/events.ts';

export interface FailoverInput {
  /** The VIP measured: vip events of another of the lab's VIPs do not count. */
  vip: string;
  /** When the step's action began. */
  startedAt: number;
  /** Who had the VIP then. */
  before: Pick<VipSnapshot, 'holders' | 'runningHolders'>;
  /** The observer's events since `startedAt` (the VIP's and the nodes' own count). */
  events: readonly LabEvent[];
  /** The client probe's requests, when it ran (those sent before the action give the last answer before). */
  requests?: readonly HttpEvent[];
}

/** The figures of a step whose VIP moved from one running holder to another; undefined for any other step. */
export function failoverFigures(input: FailoverInput): FailoverFigures | undefined {
  const moved = vipMove(input);
  if (!moved) return undefined;
  if (!input.requests) return { from: moved.from, to: moved.to, failoverMs: moved.at - input.startedAt };
  const answered = input.requests.filter((r) => r.t >= input.startedAt && r.answeredBy === moved.to && isAnswer(r)).map((r) => r.end);
  const at = Math.min(moved.at, ...answered);
  return { from: moved.from, to: moved.to, failoverMs: at - input.startedAt, ...clientLoss(input.requests, input.startedAt) };
}

/** The only running holder at the start and at the end, and when the end's began; undefined when they are one node (or none). */
function vipMove({ vip, startedAt, before, events }: FailoverInput): { from: NodeName; to: NodeName; at: number } | undefined {
  const holders = new Set(before.holders);
  const down = new Set(before.holders.filter((h) => !before.runningHolders.includes(h)));
  const sole = () => {
    const running = [...holders].filter((h) => !down.has(h));
    return running.length === 1 ? running[0] : undefined;
  };
  const from = sole();
  if (!from) return undefined;
  let current: NodeName | undefined = from;
  let at = startedAt;
  for (const e of [...events].filter((e) => e.t >= startedAt).sort((a, b) => a.t - b.t)) {
    if (e.type === 'vip' && (e.address ?? vip) === vip) {
      if (e.held) holders.add(e.node);
      else holders.delete(e.node);
    } else if (e.type === 'node') {
      if (e.state === 'running') down.delete(e.node);
      else down.add(e.node);
    } else {
      continue;
    }
    const now = sole();
    if (now !== current) {
      current = now;
      at = e.t;
    }
  }
  return current && current !== from ? { from, to: current, at } : undefined;
}

/** The client's side: requests sent since the action, how many went unanswered, and the longest time without an answer. */
function clientLoss(requests: readonly HttpEvent[], startedAt: number): Pick<FailoverFigures, 'outageMs' | 'failedRequests' | 'requests'> {
  let sent = 0;
  let failed = 0;
  let outageMs: number | null = 0;
  let lastAnswerAt: number | undefined;
  let gapFrom: number | undefined;
  for (const r of [...requests].sort((a, b) => a.t - b.t)) {
    if (r.t >= startedAt) sent++;
    if (isAnswer(r)) {
      if (gapFrom !== undefined) {
        outageMs = Math.max(outageMs ?? 0, r.end - gapFrom);
        gapFrom = undefined;
      }
      lastAnswerAt = Math.max(lastAnswerAt ?? r.end, r.end);
    } else if (r.t >= startedAt) {
      failed++;
      // Without an answer before it (the probe began with a failure), the outage began no later than this request.
      gapFrom ??= lastAnswerAt ?? r.t;
    }
  }
  if (gapFrom !== undefined) outageMs = null;
  return { outageMs, failedRequests: failed, requests: sent };
}
