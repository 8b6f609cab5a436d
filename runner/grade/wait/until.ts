/** Wait until a condition on the lab holds: judged at each event, when the wait becomes due, and at the deadline. */
import type { EventSource, WaitStrategy } from './wait-for.ts';

export function until(events: EventSource, condition: () => boolean): WaitStrategy<never> {
  return { events, look: () => ({ done: condition() }) };
}
