/**
 * Every action and expectation kind a lab.yaml may use, one line each. The lab definition's schema,
 * the step runner, the workbench's buttons, the diagnosis catalogue and the docs' table all read
 * these two objects, so a kind is one module plus its line here.
 *
 * ActionKinds and ExpectationKinds start empty: each kind module adds itself to one of them
 * (`declare module '../registry.ts'`). The objects below are typed by those interfaces, so a module
 * without its line here does not compile, and neither does a line without its module.
 */
import { z } from 'zod';
import type { Check } from '../grade/check.ts';
import type { LabSession } from '../grade/step-runner.ts';
import type { NodeName } from './cast.ts';
import type { ActionEffect, ActionKind, ExpectationKind, ParamsOf } from './kind.ts';
import { disconnect } from './actions/disconnect.ts';
import { dropVrrp } from './actions/drop-vrrp.ts';
import { freeze } from './actions/freeze.ts';
import { healVrrp } from './actions/heal-vrrp.ts';
import { observe } from './actions/observe.ts';
import { reconnect } from './actions/reconnect.ts';
import { run } from './actions/run.ts';
import { sequence } from './actions/sequence.ts';
import { startKeepalived } from './actions/start-keepalived.ts';
import { stopKeepalived } from './actions/stop-keepalived.ts';
import { stopNginx } from './actions/stop-nginx.ts';
import { unfreeze } from './actions/unfreeze.ts';
import { advertises } from './expectations/advertises.ts';
import { failoverWithin } from './expectations/failover-within.ts';
import { mailAnnouncement } from './expectations/mail-announces.ts';
import { pingable } from './expectations/pingable.ts';
import { servedBy } from './expectations/served-by.ts';
import { splitBrain } from './expectations/split-brain.ts';
import { strictMode } from './expectations/strict-mode.ts';
import { unicastOnly } from './expectations/unicast-only.ts';
import { vipOn } from './expectations/vip-on.ts';
import { vipStays } from './expectations/vip-stays.ts';
import { vipStaysThenMoves } from './expectations/vip-stays-then-moves.ts';

/* eslint-disable @typescript-eslint/no-empty-interface -- filled by the kind modules */
export interface ActionKinds {}
export interface ExpectationKinds {}

/** Each kind under its own key: a module registered under another kind's key does not compile either. */
type Registry<Kinds> = { readonly [K in keyof Kinds]: Kinds[K] & { kind: K } };

/**
 * The registry reads each module when it is used, not when this file loads: the kinds' modules
 * reach the lab definition (through the grader and the observer), which reads this registry, so
 * a kind module may still be loading when this one is.
 */
function live<Kinds>(modules: { readonly [K in keyof Kinds]: () => Kinds[K] & { kind: K } }): Registry<Kinds> {
  const registry = {};
  for (const [kind, module] of Object.entries<() => unknown>(modules)) Object.defineProperty(registry, kind, { get: module, enumerable: true });
  return registry as Registry<Kinds>;
}

export const ACTIONS = live<ActionKinds>({
  'start-keepalived': () => startKeepalived,
  run: () => run,
  freeze: () => freeze,
  unfreeze: () => unfreeze,
  observe: () => observe,
  'stop-keepalived': () => stopKeepalived,
  'stop-nginx': () => stopNginx,
  'drop-vrrp': () => dropVrrp,
  'heal-vrrp': () => healVrrp,
  disconnect: () => disconnect,
  reconnect: () => reconnect,
  sequence: () => sequence,
});

export const EXPECTATIONS = live<ExpectationKinds>({
  'vip-on': () => vipOn,
  'served-by': () => servedBy,
  'vip-stays': () => vipStays,
  'unicast-only': () => unicastOnly,
  'mail-announces': () => mailAnnouncement,
  advertises: () => advertises,
  'split-brain': () => splitBrain,
  'vip-stays-then-moves': () => vipStaysThenMoves,
  'failover-within': () => failoverWithin,
  'strict-mode': () => strictMode,
  pingable: () => pingable,
});

export type ActionName = keyof ActionKinds;
export type ExpectationName = keyof ExpectationKinds;
export type ActionParams = { [K in ActionName]: ParamsOf<ActionKinds[K]> };
export type ExpectationParams = { [K in ExpectationName]: ParamsOf<ExpectationKinds[K]> };

/** A step's action as lab.yaml writes it: one key, the kind, and its params (`{ freeze: lb1 }`). */
export type Action = { [K in ActionName]: { [P in K]: ActionParams[K] } }[ActionName];
export type Expectation = { [K in ExpectationName]: { [P in K]: ExpectationParams[K] } }[ExpectationName];

/** The actions the workbench offers as buttons, since a terminal cannot do them. */
export type RunnerActionName = { [K in ActionName]: ActionKinds[K] extends { performedBy: 'runner' } ? K : never }[ActionName];

/** One key, the kind, holding the kind's params; strict, so a second key is refused. */
function keyed(kinds: readonly { kind: string; params: z.ZodTypeAny }[]) {
  const [first, second, ...rest] = kinds.map(({ kind, params }) => z.object({ [kind]: params }).strict());
  return z.union([first!, second!, ...rest]);
}

// Built on first use, for the reason `live` gives. The unions hold exactly the registry's kinds, each
// with its own schema: their output is Action and Expectation.
let schemas: { action: z.ZodType<Action, z.ZodTypeDef, unknown>; expectation: z.ZodType<Expectation, z.ZodTypeDef, unknown> } | undefined;
const builtSchemas = () =>
  (schemas ??= {
    action: keyed(Object.values(ACTIONS)) as unknown as z.ZodType<Action, z.ZodTypeDef, unknown>,
    expectation: keyed(Object.values(EXPECTATIONS)) as unknown as z.ZodType<Expectation, z.ZodTypeDef, unknown>,
  });

/** The schema of a step's `do`: one of the registry's actions. */
export function actionSchema(): z.ZodType<Action, z.ZodTypeDef, unknown> {
  return builtSchemas().action;
}

/** The schema of one of a step's `expect` entries: one of the registry's expectations. */
export function expectationSchema(): z.ZodType<Expectation, z.ZodTypeDef, unknown> {
  return builtSchemas().expectation;
}

// Seen through these, each kind's module and params go together (TypeScript's correlated unions).
const actionKinds: { readonly [K in ActionName]: ActionKind<K, ActionParams[K]> } = ACTIONS;
const expectationKinds: { readonly [K in ExpectationName]: ExpectationKind<K, ExpectationParams[K]> } = EXPECTATIONS;

/** The one key of an action or expectation: its kind. */
const kindOf = <K extends string>(entry: object) => Object.keys(entry)[0] as K;

/** A step's action with its module: what the step runner and the workbench ask of it. */
export interface BoundAction {
  kind: ActionName;
  effect: ActionEffect;
  nodes: NodeName[];
  /** A runner action's button label (the workbench's step button). */
  button?: string;
  perform(session: LabSession, signal?: AbortSignal): Promise<void>;
}

export function actionOf(action: Action): BoundAction {
  const kind = kindOf<ActionName>(action);
  return bindAction(kind, (action as Partial<ActionParams>)[kind]!);
}

function bindAction<K extends ActionName>(kind: K, params: ActionParams[K]): BoundAction {
  const def = actionKinds[kind];
  const button = def.button?.(params);
  return { kind, effect: def.effect, nodes: def.nodes(params), ...(button ? { button } : {}), perform: (session, signal) => def.perform(session, params, signal) };
}

/** One expectation of a step with its module: the nodes it names and its check. */
export interface BoundExpectation {
  kind: ExpectationName;
  nodes: NodeName[];
  /** The VIPs it names, as host numbers (none: the lab's first VIP). */
  vips: number[];
  check: Check;
}

export function expectationOf(expectation: Expectation): BoundExpectation {
  const kind = kindOf<ExpectationName>(expectation);
  return bindExpectation(kind, (expectation as Partial<ExpectationParams>)[kind]!);
}

function bindExpectation<K extends ExpectationName>(kind: K, params: ExpectationParams[K]): BoundExpectation {
  const def = expectationKinds[kind];
  return { kind, nodes: def.nodes(params), vips: def.vips?.(params) ?? [], check: def.check(params) };
}

export function isRunnerAction(kind: ActionName): kind is RunnerActionName {
  return ACTIONS[kind].performedBy === 'runner';
}
