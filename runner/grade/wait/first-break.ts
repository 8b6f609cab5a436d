/**
 * A hold ("the VIP stays on lb2"): the wait is done at the first moment the condition no longer
 * holds, so the result's `at` is when it broke; reaching the deadline means it held throughout.
 */
import type { EventSource, WaitStrategy } from './wait-for.ts';

export function firstBreak(events: EventSource, condition: () => boolean): WaitStrategy<never> {
  return { events, look: () => ({ done: !condition() }) };
}
