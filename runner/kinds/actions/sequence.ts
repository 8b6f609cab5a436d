/**
 * Several actions one after the other, each once the one before has finished: a step whose learner
 * does more than one thing before the grader looks, such as the haproxy lab's start (nginx stopped
 * and haproxy started on both nodes, then keepalived on lb1, then on lb2). Only actions a learner
 * types may be in it: a button cannot stand for half a step.
 */
import { z } from 'zod';
import { actionOf, actionSchema, isRunnerAction, type BoundAction } from '../registry.ts';
import { defineAction } from '../kind.ts';

// The inner actions' schema is the registry's, read when a lab is parsed (this module is one of the
// registry's own, loaded before the registry has its schemas); typed loosely here so that the
// registry's Action type, which lists this kind, does not refer to itself.
const inner = z.lazy(() => actionSchema() as z.ZodType<Parameters<typeof actionOf>[0], z.ZodTypeDef, unknown>) as unknown as z.ZodType<object, z.ZodTypeDef, unknown>;

const steps = z
  .array(inner)
  .min(2, 'a sequence has at least two actions')
  .transform((actions): BoundAction[] => actions.map((a) => actionOf(a as Parameters<typeof actionOf>[0])))
  .refine((bound) => bound.every((b) => !isRunnerAction(b.kind)), 'a sequence holds only actions the learner types (freeze and unfreeze are steps of their own)');

export const sequence = defineAction({
  kind: 'sequence',
  description: 'Does several actions one after the other, each once the one before has finished (each as it would be on its own).',
  params: steps,
  performedBy: 'learner',
  effect: 'changes-lab',
  nodes: (actions) => [...new Set(actions.flatMap((a) => a.nodes))],
  async perform(session, actions, signal) {
    for (const action of actions) {
      if (signal?.aborted) return;
      await action.perform(session, signal);
    }
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    sequence: typeof sequence;
  }
}
