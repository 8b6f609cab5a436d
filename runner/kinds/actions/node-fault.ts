/**
 * The runner's faults on one node: freeze and unfreeze it, stop keepalived or nginx, disconnect it
 * from the lab network and connect it again (drop-vrrp and heal-vrrp, which name two nodes, are
 * their own modules). Each is a step's action in lab.yaml (`freeze: lb1`) and a button beside the
 * step in the workbench, labelled by the kind. A fault needs no undoing at the end: the lab's
 * teardown and the workbench's Reset remove the whole copy (containers, network, nftables tables
 * inside the nodes' namespaces), so every fault goes with it.
 */
import type { ExecResult } from '../../engine/exec.ts';
import type { LabSession } from '../../grade/step-runner.ts';
import { KalabError } from '../../shared/errors.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineAction, type ActionKind } from '../kind.ts';
import type { ActionKinds } from '../registry.ts';

interface NodeFault<K extends string> {
  kind: K;
  description: string;
  /** The button's label, for the node the step names. */
  button(node: NodeName): string;
  /** Resolves once the fault is in place (as far as the runner can tell). */
  perform(session: LabSession, node: NodeName, signal?: AbortSignal): Promise<void>;
}

export function nodeFault<K extends keyof ActionKinds & string>(fault: NodeFault<K>): ActionKind<K, NodeName, 'runner'> {
  return defineAction({
    ...fault,
    params: nodeNameSchema,
    // A button in the page (for most of these a terminal cannot do it at all).
    performedBy: 'runner',
    effect: 'changes-lab',
    nodes: (node) => [node],
  });
}

/** A fault that did not take: the command's own words, in one sentence. */
export function requireDone(result: ExecResult, what: string): void {
  if (result.exitCode === 0) return;
  const why = (result.stderr.trim() || result.stdout.trim() || `exit ${result.exitCode}`).split('\n')[0];
  throw new KalabError(`Could not ${what}: ${why}.`);
}

/**
 * Stop a service through the node's systemctl (a protected program: no solution shadows it), which
 * returns once the daemon has exited. The observer sees keepalived go, but not nginx: either way
 * the lab changed, and VRRP (or a health check) now reacts.
 */
export async function stopService({ lab, observer }: LabSession, node: NodeName, service: 'keepalived' | 'nginx'): Promise<void> {
  requireDone(await lab.exec(node, `systemctl stop ${service}`, { timeoutS: 30 }), `stop ${service} on ${node}`);
  observer.noteActivity();
}
