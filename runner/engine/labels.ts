import { currentOwner } from './reaper.ts';
/**
 * Labels on everything kalab creates, so a later run (or `kalab down`) finds and removes leftovers
 * without touching anything else on the engine.
 */
export const LABEL_MANAGED = 'io.kalab.managed';
export const LABEL_LAB = 'io.kalab.lab';
export const LABEL_INSTANCE = 'io.kalab.instance';
export const LABEL_NODE = 'io.kalab.node';
/** The runner process that created it (runner/engine/reaper.ts): its watchdog removes it when that process dies. */
export const LABEL_OWNER = 'io.kalab.owner';
/** What a container is for: a lab node, or the grader's eyes beside one (runner/observe/eyes.ts). */
export const LABEL_PART = 'io.kalab.part';
export type ContainerPart = 'node' | 'eyes';

export function labelsFor(lab: string, instance: string, node?: string, part: ContainerPart = 'node'): Record<string, string> {
  const labels: Record<string, string> = { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab, [LABEL_INSTANCE]: instance, [LABEL_OWNER]: currentOwner() };
  if (node) Object.assign(labels, { [LABEL_NODE]: node, [LABEL_PART]: part });
  return labels;
}

/** Docker API label filters for everything one runner process made. */
export function ownerFilter(owner: string): { label: string[] } {
  return { label: [`${LABEL_MANAGED}=true`, `${LABEL_OWNER}=${owner}`] };
}

/** Docker API label filters: everything kalab made, or one lab copy. */
export function managedFilter(instance?: string): { label: string[] } {
  return { label: instance ? [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${instance}`] : [`${LABEL_MANAGED}=true`] };
}
