/**
 * Which programs run in a node, as the engine sees them (`docker top`: the host's ps over the
 * node's cgroup). A learner's shell and a solution's files cannot hide a process from it or fake
 * one in its place, unlike `pidof` run inside the node, and it runs nothing inside the node.
 */
import type Docker from 'dockerode';

/** The command names (ps `comm`) of every process in the container. */
export async function nodeProcesses(container: Docker.Container): Promise<Set<string>> {
  const top = (await container.top({ ps_args: '-o pid,comm' })) as { Titles?: string[]; Processes?: string[][] };
  const column = Math.max(0, (top.Titles ?? []).findIndex((t) => /^(COMMAND|CMD)$/i.test(t)));
  return new Set((top.Processes ?? []).map((p) => p[column] ?? '').filter(Boolean));
}
