/**
 * A collection window ("every advert for 3 s"): gathers what `pick` takes from each event and is
 * never done, so the wait ends at the deadline (or on abort) with what it gathered.
 */
import type { LabEvent } from '../../shared/events.ts';
import type { EventSource, WaitStrategy } from './wait-for.ts';

export function collect<T>(events: EventSource, pick: (event: LabEvent) => T | undefined): WaitStrategy<T[]> {
  const gathered: T[] = [];
  return {
    events,
    look(event) {
      const item = event && pick(event);
      if (item !== undefined) gathered.push(item);
      return { done: false, value: gathered };
    },
  };
}
