/**
 * Measuring a step for its failover figures: the client probe runs from just before the step's
 * action until its verdict, and the figures are read from it and from the observer's events
 * (failover-figures.ts) whenever asked: by the budgets while they judge, by the step runner at the
 * verdict.
 */
import { ClientProbe, isAnswer } from '../observe/client-probe.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import type { FailoverFigures, VipSnapshot } from '../shared/events.ts';
import { failoverFigures } from './failover-figures.ts';
import type { LabSession } from './step-runner.ts';
import type { EventSource } from './wait/wait-for.ts';

/** One step under measurement: when its action began, who had the VIP then, and the client probe. */
export interface StepMeasure {
  startedAt: number;
  before: VipSnapshot;
  /** Absent in a lab without a client. */
  probe?: ClientProbe;
}

/**
 * Start measuring a step, just before its action. When a node serves the VIP the probe's first
 * answer is awaited, so that the client's last answer before the action is known.
 */
export async function startMeasure({ lab, observer }: LabSession, signal?: AbortSignal): Promise<StepMeasure> {
  const probe = lab.watchedNodes.includes('client') ? await ClientProbe.start(lab, `http://${lab.addresses.vip}/`) : undefined;
  if (probe && observer.vip().runningHolders.length === 1) await probe.firstAnswer(signal);
  return { startedAt: Date.now(), before: observer.vip(), ...(probe ? { probe } : {}) };
}

/** The step's figures as they stand: undefined while (or if) the VIP has not moved to another node. */
export function measuredFigures(observer: LabObserver, vip: string, m: StepMeasure): FailoverFigures | undefined {
  return failoverFigures({ vip, startedAt: m.startedAt, before: m.before, events: observer.timeline(m.startedAt), ...(m.probe ? { requests: m.probe.answers() } : {}) });
}

/**
 * The step's figures once they are final: the VIP on its new holder, the client answered by it (an
 * answer that names no node counts: it cannot be told apart) and again since its last failed
 * request, and no request still out (one sent before the takeover may yet be given up, a failure
 * to count). Undefined until then.
 */
export function settledFigures(observer: LabObserver, vip: string, m: StepMeasure): FailoverFigures | undefined {
  const f = measuredFigures(observer, vip, m);
  if (!f) return undefined;
  if (!m.probe) return f;
  const servedByNew = m.probe.answers().some((r) => r.t >= m.startedAt && isAnswer(r) && (r.answeredBy ?? f.to) === f.to);
  return servedByNew && f.outageMs !== null && m.probe.outstanding() === 0 ? f : undefined;
}

/** The observer's events and the probe's requests as one source: a wait on the figures wakes at either. */
export function measureEvents(observer: LabObserver, m: StepMeasure): EventSource {
  return {
    onEvent(listener) {
      const offObserver = observer.onEvent(listener);
      const offProbe = m.probe?.onEvent(listener);
      return () => {
        offObserver();
        offProbe?.();
      };
    },
  };
}
