/**
 * Runs a lab's steps against a live lab: perform each step's action (as `kalab check` does for the
 * learner), work out the step's timing window from the nodes' own keepalived configs, and judge its
 * expectations. The browser's Check button uses judgeStep alone: there the learner did the action.
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import type { Action, LabDefinition, NodeName, StepDefinition } from '../lab/definition.ts';
import { masterDownIntervalMs, settleWindowMs, DEFAULT_SETTLE_MARGIN_MS } from '../keepalived/timing.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import type { CheckResult, StepTiming } from './check.ts';
import { checkFor } from './checks/index.ts';
import { collectLbFacts, type LbFacts } from './facts.ts';
import { awaitCondition } from './wait.ts';

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
  /** Set when the step ran: how long its action took (e.g. waiting for lb1 before starting lb2). */
  actionMs?: number;
  /** Set when the step ran: the settle window VRRP imposed after the action (the floor of the verdict time). */
  settleMs?: number;
  /** Set when the step ran: the longest Master_Down_Interval among the running nodes. */
  masterDownMs?: number;
  checks?: CheckOutcome[];
}

export interface LabRunResult {
  lab: string;
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

/** A verdict not reached by the settle window gets this much longer (half the window, at least 2 s). */
export function deadlineGraceMs(settleMs: number): number {
  return Math.max(2000, Math.round(settleMs / 2));
}

const DEFAULT_MASTER_DOWN_MS = 3 * 1000 + 1000 * (256 - 100) / 256;

/** The step's timing window, from the configs of the nodes whose keepalived is running. */
export function timingFrom(actionAt: number, facts: LbFacts[], startedAt?: number): StepTiming {
  const running = facts.filter((f) => f.run === 'running' && f.keepalivedRunning && f.config).map((f) => f.config!);
  const settleMs = settleWindowMs(running);
  const masterDowns = running.flatMap((c) => c.instances.map((i) => masterDownIntervalMs(i)));
  const masterDownMs = masterDowns.length ? Math.max(...masterDowns) : DEFAULT_MASTER_DOWN_MS;
  const settleEndsAt = actionAt + settleMs;
  return { actionAt, ...(startedAt !== undefined ? { startedAt } : {}), settleMs, settleEndsAt, deadline: settleEndsAt + deadlineGraceMs(settleMs), masterDownMs };
}

/**
 * Judge a step's expectations, in order, the first failure ending the step. `startedAt`: when the
 * action began, if the runner did it.
 */
export async function judgeStep(session: LabSession, step: StepDefinition, actionAt: number, signal?: AbortSignal, startedAt?: number): Promise<Omit<StepResult, 'ms'>> {
  const facts = await collectLbFacts(session.lab, session.observer);
  const timing = timingFrom(actionAt, facts, startedAt);
  const checks: CheckOutcome[] = [];
  for (const expectation of step.expect) {
    const check = checkFor(expectation);
    const outcome = await check.judge({ lab: session.lab, observer: session.observer, timing, facts, signal });
    checks.push({ label: check.label, ...outcome });
    if (!outcome.passed) break;
  }
  const failed = checks.find((c) => !c.passed);
  return {
    id: step.id,
    title: step.title,
    passed: !failed,
    message: failed ? failed.message : checks.map((c) => c.message).join(' '),
    settleMs: timing.settleMs,
    masterDownMs: timing.masterDownMs,
    checks,
  };
}

/**
 * Where a step's settle window starts: when its action ended, except for a step that only observes,
 * which changes nothing: VRRP has been settling since the lab last changed.
 */
export function settleFrom(action: Action, actionEnded: number, lastActivityAt: number): number {
  return 'observe' in action ? Math.min(actionEnded, lastActivityAt) : actionEnded;
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
    const started = Date.now();
    await performAction(session, step.do, hooks.signal);
    const actionEnded = Date.now();
    const actionAt = settleFrom(step.do, actionEnded, session.observer.lastActivityAt());
    const verdict = await judgeStep(session, step, actionAt, hooks.signal, started);
    const result: StepResult = { ...verdict, ms: Date.now() - started, actionMs: actionEnded - started };
    steps.push(result);
    hooks.onStepEnd?.(result, index);
    failed = !result.passed;
  }
  return { lab: lab.id, passed: steps.every((s) => s.passed), steps };
}

/** Do what the learner would do for a step. */
export async function performAction(session: LabSession, action: Action, signal?: AbortSignal): Promise<void> {
  const { lab, observer } = session;
  if ('start-keepalived' in action) {
    const nodes = action['start-keepalived'];
    for (const [i, node] of nodes.entries()) {
      await lab.exec(node, 'systemctl start keepalived', { timeoutS: 30 });
      if (i < nodes.length - 1) await awaitFirstMaster(session, node, signal);
    }
  } else if ('run' in action) {
    await lab.exec(action.run.node, action.run.command, { timeoutS: 60 });
    observer.noteActivity();
  } else if ('freeze' in action) {
    await lab.freeze(action.freeze);
    await awaitRunState(session, action.freeze, 'frozen', signal);
  } else if ('unfreeze' in action) {
    await lab.unfreeze(action.unfreeze);
    await awaitRunState(session, action.unfreeze, 'running', signal);
  }
}

/**
 * Two nodes started in the same instant race, so the next node starts once this one holds the VIP,
 * or once its Master_Down_Interval plus a margin has passed if it never does.
 */
async function awaitFirstMaster(session: LabSession, node: NodeName, signal?: AbortSignal): Promise<void> {
  const started = Date.now();
  const facts = (await collectLbFacts(session.lab, session.observer)).find((f) => f.node === node);
  const instances = facts?.config?.instances ?? [];
  const masterDown = instances.length ? Math.max(...instances.map((i) => masterDownIntervalMs(i))) : DEFAULT_MASTER_DOWN_MS;
  if (!facts?.keepalivedRunning) return; // it did not start: nothing to wait for
  await awaitCondition(session.observer, () => session.observer.vip().runningHolders.includes(node), {
    notBefore: started,
    deadline: started + masterDown + DEFAULT_SETTLE_MARGIN_MS,
    signal,
  });
}

/** Docker reports a pause or unpause as an event; wait for the observer to have seen it. */
async function awaitRunState(session: LabSession, node: NodeName, state: 'frozen' | 'running', signal?: AbortSignal): Promise<void> {
  const now = Date.now();
  await awaitCondition(session.observer, () => session.observer.view(node).run === state, { notBefore: now, deadline: now + 5000, signal });
}
