/**
 * Start keepalived on each node in order. Two nodes started in the same instant race, so the next
 * node starts once this one holds the VIP, or once its Master_Down_Interval plus a margin has
 * passed if it never does (the lab contract; the tutorials start the master first too).
 */
import { z } from 'zod';
import { DEFAULT_SETTLE_MARGIN_MS } from '../../keepalived/timing.ts';
import { collectLbFacts } from '../../grade/facts.ts';
import type { LabSession } from '../../grade/step-runner.ts';
import { longestMasterDownMs } from '../../grade/step-timing.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineAction } from '../kind.ts';

export const startKeepalived = defineAction({
  kind: 'start-keepalived',
  description: 'Starts keepalived on each node in order, the next once the one before holds the VIP (or its Master_Down_Interval and a margin have passed).',
  params: z.array(nodeNameSchema).min(1),
  performedBy: 'learner',
  effect: 'changes-lab',
  nodes: (nodes) => nodes,
  async perform(session, nodes, signal) {
    for (const [i, node] of nodes.entries()) {
      await session.lab.exec(node, 'systemctl start keepalived', { timeoutS: 30 });
      if (i < nodes.length - 1) await awaitFirstMaster(session, node, signal);
    }
  },
});

async function awaitFirstMaster(session: LabSession, node: NodeName, signal?: AbortSignal): Promise<void> {
  const started = Date.now();
  const facts = (await collectLbFacts(session.lab, session.observer)).find((f) => f.node === node);
  if (!facts?.keepalivedRunning) return; // it did not start: nothing to wait for
  const masterDown = longestMasterDownMs(facts.config?.instances ?? []);
  const holdsVip = () => session.observer.vip().runningHolders.includes(node);
  await waitFor(until(session.observer, holdsVip), { deadline: started + masterDown + DEFAULT_SETTLE_MARGIN_MS, ...(signal ? { signal } : {}) });
}

declare module '../registry.ts' {
  interface ActionKinds {
    'start-keepalived': typeof startKeepalived;
  }
}
