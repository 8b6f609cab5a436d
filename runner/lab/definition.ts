/**
 * A lab is data: `labs/<id>/lab.yaml`, validated here. The engine knows the cast of nodes, a
 * handful of actions and a handful of expectation kinds; a lab composes them into steps.
 */
import { z } from 'zod';

/** The fixed cast of the lab contract, with each node's host number on the lab subnet. */
export const NODE_HOSTS = {
  lb1: 11,
  lb2: 12,
  web1: 21,
  web2: 22,
  mail: 25,
  client: 30,
} as const;
export const VIP_HOST = 100;

export type NodeName = keyof typeof NODE_HOSTS;
export const NODE_NAMES = Object.keys(NODE_HOSTS) as NodeName[];
export const nodeNameSchema = z.enum(NODE_NAMES as [NodeName, ...NodeName[]]);

/** What a node is for; decides which services its image starts. */
export type NodeRole = 'lb' | 'web' | 'mail' | 'client';
export function roleOf(node: NodeName): NodeRole {
  if (node === 'lb1' || node === 'lb2') return 'lb';
  if (node === 'web1' || node === 'web2') return 'web';
  return node;
}

// ---- Actions: what the learner does in a step (and `kalab check` does for them). ----

const one = <K extends string, T extends z.ZodTypeAny>(key: K, value: T) =>
  z.object({ [key]: value } as { [P in K]: T }).strict();

export const actionSchema = z.union([
  /** Start keepalived on each node in order; the next starts once the first holds the VIP. */
  one('start-keepalived', z.array(nodeNameSchema).min(1)),
  /** Run a shell command on a node, e.g. `systemctl stop keepalived`. */
  one('run', z.object({ node: nodeNameSchema, command: z.string().min(1) }).strict()),
  /** Freeze a node (`docker pause`): no adverts, no goodbye, addresses kept. */
  one('freeze', nodeNameSchema),
  one('unfreeze', nodeNameSchema),
  /** Nothing to do: the step only observes. */
  one('observe', z.literal(true)),
]);
export type Action = z.infer<typeof actionSchema>;

// ---- Expectations: what the grader checks after the action. ----

export const expectationSchema = z.union([
  /** The VIP is on this node only (among running nodes) at the end of the settle window. */
  one('vip-on', nodeNameSchema),
  /** `curl http://VIP/` from the client answers with this node's page. */
  one('served-by', nodeNameSchema),
  /** The VIP stays on this node, without a break, for `intervals` Master_Down_Intervals. */
  one('vip-stays', z.object({ node: nodeNameSchema, intervals: z.number().positive().default(3) }).strict()),
  /** Watch VRRP adverts for a while: every one unicast between the lb nodes, none multicast. */
  one('unicast-only', z.object({ watchMs: z.number().int().positive().default(3000) }).strict()),
  /** A mail reaches the mail node, from this node, announcing this state. */
  one(
    'mail-announces',
    z.object({ from: nodeNameSchema, state: z.string().min(1), withinMs: z.number().int().positive().default(15000) }).strict(),
  ),
]);
export type Expectation = z.infer<typeof expectationSchema>;

export const stepSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'step ids are lowercase words joined by hyphens'),
    title: z.string().min(1),
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
    /** A regular expression (case-insensitive) the failure message must match. */
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
    summary: z.string().min(1),
    /** Canonical subnet, e.g. 10.88.1.0/24 (a /24: node addresses are fixed host numbers). */
    subnet: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.0\/24$/, 'subnet must be a /24 such as 10.88.1.0/24'),
    nodes: z.array(nodeNameSchema).min(1),
    seeds: z.array(z.string()).default([]),
    solution: z.string().default('solution'),
    broken: z.array(brokenSolutionSchema).default([]),
    variants: z.array(variantSolutionSchema).default([]),
    steps: z.array(stepSchema).min(1),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const ids = new Set<string>();
    for (const step of lab.steps) {
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', message: `step id "${step.id}" is used twice` });
      ids.add(step.id);
      for (const node of nodesNamedBy(step)) {
        if (!lab.nodes.includes(node)) {
          ctx.addIssue({ code: 'custom', message: `step "${step.id}" names node ${node}, which is not in the lab's nodes` });
        }
      }
    }
    for (const broken of lab.broken) {
      if (!ids.has(broken.failsAt)) {
        ctx.addIssue({ code: 'custom', message: `broken solution ${broken.dir} fails at "${broken.failsAt}", which is not a step id` });
      }
    }
  });
export type LabDefinition = z.infer<typeof labSchema>;

/** Every node a step's action or expectations refer to. */
export function nodesNamedBy(step: StepDefinition): NodeName[] {
  const names: NodeName[] = step.commands.map((c) => c.node);
  const a = step.do;
  if ('start-keepalived' in a) names.push(...a['start-keepalived']);
  if ('run' in a) names.push(a.run.node);
  if ('freeze' in a) names.push(a.freeze);
  if ('unfreeze' in a) names.push(a.unfreeze);
  for (const e of step.expect) {
    if ('vip-on' in e) names.push(e['vip-on']);
    if ('served-by' in e) names.push(e['served-by']);
    if ('vip-stays' in e) names.push(e['vip-stays'].node);
    if ('mail-announces' in e) names.push(e['mail-announces'].from);
  }
  return names;
}
