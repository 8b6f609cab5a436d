/**
 * A probe the lab sends no event for (an HTTP request from the client): tried again at a bounded
 * pace that grows, so a slow answer is not hammered and a quick one is not kept waiting.
 */
import type { Look, WaitStrategy } from './wait-for.ts';

/** Milliseconds between the end of one try and the start of the next; the last step repeats. */
export const PROBE_PACE_MS: readonly number[] = [100, 250, 500, 1000];

export function probe<T>(tryOnce: () => Promise<Look<T>>, pace: readonly number[] = PROBE_PACE_MS): WaitStrategy<T> {
  return { pace, look: tryOnce };
}
