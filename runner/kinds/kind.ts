/**
 * What an action kind and an expectation kind are made of. Each kind is one module under
 * actions/ or expectations/ that declares itself with defineAction or defineExpectation, and one
 * line in registry.ts; everything else (the lab.yaml schema, the step runner, the workbench's
 * buttons, the diagnosis catalogue, the docs' table) is read from the registry.
 */
import type { z } from 'zod';
import type { Check } from '../grade/check.ts';
import type { DiagnosisSection, Diagnoses } from '../grade/diagnosis.ts';
import type { LabSession } from '../grade/step-runner.ts';
import type { NodeName } from './cast.ts';
import type { ActionKinds, ExpectationKinds } from './registry.ts';

/** The schema of the value under the kind's key in lab.yaml (`freeze: lb1` → a node name). */
type ParamsSchema<P> = z.ZodType<P, z.ZodTypeDef, unknown>;

/**
 * Who performs the action: 'runner' for what a terminal cannot do (freeze a container), which the
 * workbench offers as a button for the node the action names; 'learner' for what the learner types.
 */
export type PerformedBy = 'runner' | 'learner';

/**
 * 'changes-lab': VRRP settles from the end of the action. 'observes': the action changes nothing,
 * so VRRP has been settling since the lab last changed (see settleFrom in grade/step-runner.ts).
 */
export type ActionEffect = 'changes-lab' | 'observes';

export interface ActionKind<K extends string, P, By extends PerformedBy = PerformedBy> {
  readonly kind: K;
  /** One line for the docs' table of actions (docs/guide/how-labs-work.md). */
  readonly description: string;
  readonly params: ParamsSchema<P>;
  readonly performedBy: By;
  readonly effect: ActionEffect;
  /** The nodes the params name: a lab that lacks one of them is refused when it loads. */
  nodes(params: P): NodeName[];
  /**
   * For a runner action: the label of its button beside the step ("❄ Freeze lb1", "✂ Cut the
   * heartbeat to lb2"). A unit test holds every runner action to having one.
   */
  button?(params: P): string;
  /** Do it, as `kalab check` does for the learner; resolves once the observer has seen its effect. */
  perform(session: LabSession, params: P, signal?: AbortSignal): Promise<void>;
}

export interface ExpectationKind<K extends string, P> {
  readonly kind: K;
  /** When it passes, in one line, for the docs' table of expectations. */
  readonly description: string;
  readonly params: ParamsSchema<P>;
  nodes(params: P): NodeName[];
  /** The VIPs the params name, as host numbers (`vip: 101`): a lab that lacks one is refused when it loads. */
  vips?(params: P): number[];
  /** The check for one expectation of a step: what the grader judges and how it explains a failure. */
  check(params: P): Check;
  /** The sections of diagnosis codes its checks return; a section shared by kinds is listed by each. */
  readonly diagnoses: readonly Diagnoses<DiagnosisSection>[];
}

/** The params type of a kind, as its schema outputs it. */
export type ParamsOf<T> = T extends { readonly params: ParamsSchema<infer P> } ? P : never;

/**
 * Declares an action kind. `K` must be a key of ActionKinds, which the module itself fills in
 * (`declare module '../registry.ts'`), so the registry, typed by that interface, does not compile
 * until it lists the module.
 */
export function defineAction<K extends keyof ActionKinds & string, P, By extends PerformedBy>(kind: ActionKind<K, P, By>): ActionKind<K, P, By> {
  return kind;
}

/** Declares an expectation kind; see defineAction for why K is a key of ExpectationKinds. */
export function defineExpectation<K extends keyof ExpectationKinds & string, P>(kind: ExpectationKind<K, P>): ExpectationKind<K, P> {
  return kind;
}
