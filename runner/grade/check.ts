/**
 * The shape every expectation check has. A check is a small object made from one expectation of
 * a lab's step; it judges the live lab within the step's timing window and explains a failure.
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import type { Diagnosis } from './diagnosis.ts';
import type { LbFacts } from './facts.ts';
import type { StepMeasure } from './step-measure.ts';
import type { WireDisagreement } from './wire-timing.ts';

export interface StepTiming {
  /** When the step's action ended (or, for a learner's own action, the lab's last activity). */
  actionAt: number;
  /**
   * When the step's action began, when the runner did it (`kalab check`); unknown when the learner
   * did it. Checks of things the action causes along the way (a mail sent as lb1 became MASTER,
   * before lb2 was started) look from here.
   */
  startedAt?: number;
  /** How long VRRP may still change who holds the VIP: the longest Master_Down_Interval (+ health checks) + margin. */
  settleMs: number;
  /** actionAt + settleMs: a verdict about the VIP is due from here on. */
  settleEndsAt: number;
  /** The latest moment a verdict may come; past it the check fails. */
  deadline: number;
  /** The longest Master_Down_Interval among the running nodes, for holds measured in intervals. */
  masterDownMs: number;
  /** Where the nodes' adverts disagreed with their configs, and the wire's figures were used. */
  wireDisagreements?: WireDisagreement[];
}

export interface CheckContext {
  lab: LabInstance;
  observer: LabObserver;
  timing: StepTiming;
  /** The lb nodes as they were when the action ended. */
  facts: LbFacts[];
  /** The step's action as the runner measured it (its start, the client probe), when the runner did it. */
  measure?: StepMeasure;
  signal?: AbortSignal;
}

export interface CheckResult {
  passed: boolean;
  /** diagnosis.text: what the reports and the page show. */
  message: string;
  /** What was seen, pass or fail, as a code and its params. */
  diagnosis: Diagnosis;
}

/** The check's verdict, its message the diagnosis' text. */
export function verdict(passed: boolean, diagnosis: Diagnosis): CheckResult {
  return { passed, message: diagnosis.text, diagnosis };
}

export interface Check {
  /** What is expected, in a few words ("VIP on lb1 only"). */
  readonly label: string;
  judge(ctx: CheckContext): Promise<CheckResult>;
}
