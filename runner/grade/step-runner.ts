/**
 * Runs a lab's steps against a live lab: perform each step's action (as `kalab check` does for the
 * learner), work out the step's timing window from the nodes' own keepalived configs, and judge its
 * expectations. The browser's Check button uses judgeStep alone: there the learner did the action.
 * What each action does and how each expectation is judged is the kind's (runner/kinds).
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import type { LabDefinition, StepDefinition } from '../lab/definition.ts';
import { actionOf, expectationOf, type Action } from '../kinds/registry.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import type { FailoverFigures } from '../shared/events.ts';
import type { CheckResult } from './check.ts';
import type { Diagnosis } from './diagnosis.ts';
import { collectLbFacts } from './facts.ts';
import { measuredFigures, startMeasure, type StepMeasure } from './step-measure.ts';
import { timingFrom } from './step-timing.ts';
import { latestAdverts, WIRE_MEMORY_MS, withWireTiming } from './wire-timing.ts';
import { actionFailed, observationLost } from './withheld.ts';

export interface CheckOutcome extends CheckResult {
  label: string;
}

export interface StepResult {
  id: string;
  title: string;
  passed: boolean;
  /** From the start of the action to the verdict. */
  ms: number;
  message: string;
  /** Why it failed, as a code with params (message is its text); undefined when the step passed or did not run. */
  diagnosis?: Diagnosis;
  /** Set when the step ran: how long its action took (e.g. waiting for lb1 before starting lb2). */
  actionMs?: number;
  /** Set when the step ran: the settle window VRRP imposed after the action (the floor of the verdict time). */
  settleMs?: number;
  /** Set when the step ran: the longest Master_Down_Interval among the running nodes. */
  masterDownMs?: number;
  checks?: CheckOutcome[];
  /** Set when the VIP moved from one node to another during the step: what its users lost (failover-figures.ts). */
  failover?: FailoverFigures;
}

export interface LabRunResult {
  lab: string;
  /** Which solution, when one check grades several (its folder's name). */
  solution?: string;
  passed: boolean;
  steps: StepResult[];
}

export interface LabSession {
  lab: LabInstance;
  observer: LabObserver;
}

export interface RunHooks {
  onStepStart?(step: StepDefinition, index: number): void;
  onStepEnd?(result: StepResult, index: number): void;
  signal?: AbortSignal;
}

/**
 * Judge a step's expectations, in order, the first failure ending the step. `startedAt`: when the
 * action began, if the runner did it; `measure`: the runner's measure of it (the client probe), if
 * it took one, whose figures the verdict carries. A failure that rests on time the observer could
 * not see (lostDuring) is withheld: the step fails with observation-lost, not with a guess.
 */
export async function judgeStep(
  session: LabSession,
  step: StepDefinition,
  actionAt: number,
  signal?: AbortSignal,
  startedAt?: number,
  measure?: StepMeasure,
): Promise<Omit<StepResult, 'ms'>> {
  const facts = await collectLbFacts(session.lab, session.observer);
  const adverts = latestAdverts(session.observer.timeline(Date.now() - WIRE_MEMORY_MS), Date.now() - WIRE_MEMORY_MS);
  const timing = timingFrom(actionAt, facts, startedAt, adverts);
  const checks: CheckOutcome[] = [];
  for (const expectation of step.expect) {
    const { check } = expectationOf(expectation);
    const outcome = await check.judge({ lab: session.lab, observer: session.observer, timing, facts, ...(measure ? { measure } : {}), ...(signal ? { signal } : {}) });
    checks.push({ label: check.label, ...outcome });
    if (!outcome.passed) break;
  }
  const failed = checks.find((c) => !c.passed);
  const failover = measure && measuredFigures(session.observer, session.lab.addresses.vip, measure);
  const timings = { settleMs: timing.settleMs, masterDownMs: timing.masterDownMs, checks, ...(failover ? { failover } : {}) };
  if (!failed) return { id: step.id, title: step.title, passed: true, message: checks.map((c) => c.message).join(' '), ...timings };
  const lost = session.observer.lostDuring(Math.min(timing.actionAt, timing.startedAt ?? timing.actionAt), Date.now());
  const diagnosis = lost.length > 0 ? observationLost(lost) : withWireTiming(failed.diagnosis, timing.wireDisagreements);
  return { id: step.id, title: step.title, passed: false, message: diagnosis.text, diagnosis, ...timings };
}

/**
 * Where a step's settle window starts: when its action ended, except for an action that only
 * observes, which changes nothing: VRRP has been settling since the lab last changed.
 */
export function settleFrom(action: Action, actionEnded: number, lastActivityAt: number): number {
  return actionOf(action).effect === 'observes' ? Math.min(actionEnded, lastActivityAt) : actionEnded;
}

/** Run every step in order; after the first failure the rest are reported as not run. */
export async function runSteps(session: LabSession, lab: LabDefinition, hooks: RunHooks = {}): Promise<LabRunResult> {
  const steps: StepResult[] = [];
  let failed = false;
  for (const [index, step] of lab.steps.entries()) {
    if (failed || hooks.signal?.aborted) {
      steps.push({ id: step.id, title: step.title, passed: false, ms: 0, message: 'not run' });
      continue;
    }
    hooks.onStepStart?.(step, index);
    // The client probe runs from just before the action to the verdict: what the VIP's users lose.
    const measure = await startMeasure(session, hooks.signal);
    const started = measure.startedAt;
    let result: StepResult;
    try {
      try {
        await performAction(session, step.do, hooks.signal);
      } catch (err) {
        // The engine refused the action (a pause under a host's heavy load, a node gone): the step
        // fails saying so; the lab goes on to its teardown like any failed step.
        if (hooks.signal?.aborted) throw err;
        result = { id: step.id, title: step.title, passed: false, ms: Date.now() - started, message: '', diagnosis: actionFailed(step.id, err) };
        result.message = result.diagnosis!.text;
        steps.push(result);
        hooks.onStepEnd?.(result, index);
        failed = true;
        continue;
      }
      const actionEnded = Date.now();
      const actionAt = settleFrom(step.do, actionEnded, session.observer.lastActivityAt());
      const verdict = await judgeStep(session, step, actionAt, hooks.signal, started, measure);
      result = { ...verdict, ms: Date.now() - started, actionMs: actionEnded - started };
    } finally {
      await measure.probe?.stop();
    }
    steps.push(result);
    hooks.onStepEnd?.(result, index);
    failed = !result.passed;
  }
  return { lab: lab.id, passed: steps.every((s) => s.passed), steps };
}

/** Do what the learner would do for a step. */
export function performAction(session: LabSession, action: Action, signal?: AbortSignal): Promise<void> {
  return actionOf(action).perform(session, signal);
}
