/** Figures the benchmarks share: percentiles, when the VIP arrived, a lab's memory. */
import type { LabSession } from '../../runner/grade/step-runner.ts';
import { LABEL_INSTANCE } from '../../runner/engine/labels.ts';
import type { NodeName } from '../../runner/lab/definition.ts';

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
export const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/** When the VIP first appeared on `node` after `since`, from the observer's timeline. */
export function vipArrival(session: LabSession, node: NodeName, since: number): number | undefined {
  return session.observer.timeline(since).find((e) => e.type === 'vip' && e.node === node && e.held)?.t;
}

export async function memoryOfLabMiB(session: LabSession): Promise<number> {
  const docker = session.lab.docker;
  const containers = await docker.listContainers({ filters: { label: [`${LABEL_INSTANCE}=${session.lab.instance}`] } });
  let bytes = 0;
  for (const info of containers) {
    const stats = (await docker.getContainer(info.Id).stats({ stream: false })) as { memory_stats: { usage?: number; stats?: { cache?: number; total_inactive_file?: number } } };
    // A container gone between the listing and its stats (a lab tearing down) counts nothing.
    const m = stats.memory_stats ?? {};
    bytes += (m.usage ?? 0) - (m.stats?.total_inactive_file ?? m.stats?.cache ?? 0);
  }
  return bytes / (1024 * 1024);
}

