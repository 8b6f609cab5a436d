/** Freeze and unfreeze are done when the observer has seen Docker report the pause or unpause. */
import type { LabSession } from '../../grade/step-runner.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import type { NodeName } from '../cast.ts';

/** Docker's event for a pause or an unpause arrives within moments; past this, carry on and let the verdict tell. */
const RUN_STATE_WAIT_MS = 5000;

export async function awaitRunState({ observer }: LabSession, node: NodeName, state: 'frozen' | 'running', signal?: AbortSignal): Promise<void> {
  await waitFor(until(observer, () => observer.view(node).run === state), { deadline: Date.now() + RUN_STATE_WAIT_MS, ...(signal ? { signal } : {}) });
}
