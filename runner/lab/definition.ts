/**
 * A lab is data: `labs/<id>/lab.yaml`, validated here. The engine knows the cast of nodes
 * (kinds/cast.ts), a handful of actions and a handful of expectation kinds (kinds/registry.ts);
 * a lab composes them into steps.
 */
import { z } from 'zod';
import { isDiagnosisCode } from '../grade/catalogue.ts';
import { NODE_HOSTS, VIP_HOST, nodeNameSchema, type NodeName } from '../kinds/cast.ts';
import * as kinds from '../kinds/registry.ts';

export { NODE_HOSTS, NODE_NAMES, VIP_HOST, nodeNameSchema, roleOf, type NodeName, type NodeRole } from '../kinds/cast.ts';
export type { Action, Expectation } from '../kinds/registry.ts';

// The kinds' schemas are read when a lab is parsed, not when this module loads: the kinds' own
// modules (through the grader) import this one, and may be loaded first.
export const actionSchema = z.lazy(() => kinds.actionSchema());
export const expectationSchema = z.lazy(() => kinds.expectationSchema());

export const stepSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'step ids are lowercase words joined by hyphens'),
    title: z.string().min(1),
    /** The title in Chinese, shown on the zh pages and in `kalab check --lang zh` (the English one otherwise). */
    title_zh: z.string().min(1).optional(),
    /** What the learner types for this step, shown in the browser and sent to a terminal on click. */
    commands: z.array(z.object({ node: nodeNameSchema, command: z.string() }).strict()).default([]),
    do: actionSchema,
    expect: z.array(expectationSchema).min(1),
  })
  .strict();
export type StepDefinition = z.infer<typeof stepSchema>;

export const brokenSolutionSchema = z
  .object({
    dir: z.string().min(1),
    /** What is wrong with it, in a sentence (shown in tests and docs). */
    mistake: z.string().min(1),
    /** The step id it must fail at. */
    failsAt: z.string().min(1),
    /** A diagnosis code (grade/catalogue.ts) that the failed step's diagnosis, or one of its causes, must carry. */
    diagnosis: z.string().min(1),
  })
  .strict();
export type BrokenSolution = z.infer<typeof brokenSolutionSchema>;

/** Another correct solution, written differently: it must pass every step, as the reference does. */
export const variantSolutionSchema = z
  .object({
    dir: z.string().min(1),
    /** How it differs from the reference solution, in a phrase. */
    style: z.string().min(1),
  })
  .strict();
export type VariantSolution = z.infer<typeof variantSolutionSchema>;

export const labSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    title: z.string().min(1),
    /** The lab's title in Chinese (the widget's heading on a zh page, `kalab check --lang zh`). */
    title_zh: z.string().min(1).optional(),
    summary: z.string().min(1),
    /** Canonical subnet, e.g. 10.88.1.0/24 (a /24: node addresses are fixed host numbers). */
    subnet: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.0\/24$/, 'subnet must be a /24 such as 10.88.1.0/24'),
    nodes: z.array(nodeNameSchema).min(1),
    /** The nodes a solution may configure (a folder for any other node is refused): the load balancers unless the lab says otherwise. */
    solutionNodes: z.array(nodeNameSchema).min(1).default(['lb1', 'lb2']),
    /** The VIPs' host numbers on the subnet (master-master has two); the first is the lab's VIP. */
    vips: z.array(z.number().int().min(2).max(254)).min(1).default([VIP_HOST]),
    seeds: z.array(z.string()).default([]),
    solution: z.string().default('solution'),
    broken: z.array(brokenSolutionSchema).default([]),
    variants: z.array(variantSolutionSchema).default([]),
    steps: z.array(stepSchema).min(1),
  })
  .strict()
  .superRefine((lab, ctx) => {
    // A VIP on a node's own address, or listed twice, could never be told apart from it.
    const taken = new Set<number>(Object.values(NODE_HOSTS));
    for (const host of lab.vips) {
      if (taken.has(host)) ctx.addIssue({ code: 'custom', message: `VIP host number ${host} is a node's address or another VIP: pick a free one such as 100 or 101` });
      taken.add(host);
    }
    const ids = new Set<string>();
    for (const step of lab.steps) {
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', message: `step id "${step.id}" is used twice` });
      ids.add(step.id);
      for (const node of nodesNamedBy(step)) {
        if (!lab.nodes.includes(node)) {
          ctx.addIssue({ code: 'custom', message: `step "${step.id}" names node ${node}, which is not in the lab's nodes` });
        }
      }
      for (const host of step.expect.flatMap((e) => kinds.expectationOf(e).vips)) {
        if (!lab.vips.includes(host)) {
          ctx.addIssue({ code: 'custom', message: `step "${step.id}" names VIP .${host}, which is not in the lab's vips (${lab.vips.join(', ')})` });
        }
      }
    }
    for (const broken of lab.broken) {
      if (!ids.has(broken.failsAt)) {
        ctx.addIssue({ code: 'custom', message: `broken solution ${broken.dir} fails at "${broken.failsAt}", which is not a step id` });
      }
      if (!isDiagnosisCode(broken.diagnosis)) {
        ctx.addIssue({ code: 'custom', message: `broken solution ${broken.dir} names the diagnosis "${broken.diagnosis}", which is not a diagnosis code (see runner/grade/catalogue.ts)` });
      }
    }
  });
export type LabDefinition = z.infer<typeof labSchema>;

/** Every node a step's commands, action or expectations refer to. */
export function nodesNamedBy(step: StepDefinition): NodeName[] {
  return [...step.commands.map((c) => c.node), ...kinds.actionOf(step.do).nodes, ...step.expect.flatMap((e) => kinds.expectationOf(e).nodes)];
}
