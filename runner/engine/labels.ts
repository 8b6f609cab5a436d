/**
 * Labels on everything kalab creates, so a later run (or `kalab down`) finds and removes leftovers
 * without touching anything else on the engine.
 */
export const LABEL_MANAGED = 'io.kalab.managed';
export const LABEL_LAB = 'io.kalab.lab';
export const LABEL_INSTANCE = 'io.kalab.instance';
export const LABEL_NODE = 'io.kalab.node';

export function labelsFor(lab: string, instance: string, node?: string): Record<string, string> {
  const labels: Record<string, string> = { [LABEL_MANAGED]: 'true', [LABEL_LAB]: lab, [LABEL_INSTANCE]: instance };
  if (node) labels[LABEL_NODE] = node;
  return labels;
}

/** Docker API label filters: everything kalab made, or one lab copy. */
export function managedFilter(instance?: string): { label: string[] } {
  return { label: instance ? [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${instance}`] : [`${LABEL_MANAGED}=true`] };
}
