/**
 * The one way the grader waits: never a sleep, always a deadline. A wait looks at the lab when
 * something may have changed and ends as soon as a look says it is done, at the deadline, or when
 * its signal aborts. What wakes it is the strategy's: the observer's events (a VIP that moves, an
 * advert), or, for a probe that has no event to wait for (an HTTP request), a bounded pace that
 * grows between tries (after Playwright's pollAgainstDeadline). The strategies (until, first-break,
 * collect, probe) each sit in a file of their own beside this one.
 */
import type { LabEvent } from '../../shared/events.ts';

/** Anything that hands out the lab's events: the observer, or a fake in unit tests. */
export interface EventSource {
  onEvent(listener: (event: LabEvent) => void): () => void;
}

/** One look at the lab: done ends the wait; the value is kept either way, for the verdict. */
export interface Look<T> {
  done: boolean;
  value?: T;
}

export type WaitStrategy<T> =
  /** Looks once at the start, at each event, and at the deadline; a look is synchronous. */
  | { readonly events: EventSource; look(event?: LabEvent): Look<T> }
  /** Tries at the start, again `pace[i]` ms after each try ends (the last step repeated), and once more at the deadline. */
  | { readonly pace: readonly number[]; look(): Promise<Look<T>> };

export interface WaitWindow {
  /** No look before this moment (a verdict is not due yet); the first look comes when it is reached. */
  notBefore?: number;
  /** The latest moment: one last look, then the wait ends undone. */
  deadline: number;
  signal?: AbortSignal;
}

export interface WaitResult<T> {
  /** 'done': a look said so; 'deadline': the deadline passed first; 'aborted': the signal fired first. */
  ended: 'done' | 'deadline' | 'aborted';
  at: number;
  /** The last look's value: what a collection gathered, what a probe last saw. */
  value?: T;
}

export function waitFor<T>(strategy: WaitStrategy<T>, window: WaitWindow): Promise<WaitResult<T>> {
  const { signal } = window;
  // A signal aborted before the wait began fires no event: end at once, subscribing to nothing.
  if (signal?.aborted) return Promise.resolve({ ended: 'aborted', at: Date.now() });
  return new Promise<WaitResult<T>>((resolve, reject) => {
    const timers = new Set<NodeJS.Timeout>();
    let unsubscribe = () => {};
    let last: T | undefined;
    let finished = false;

    const stop = () => {
      finished = true;
      unsubscribe();
      timers.forEach(clearTimeout);
      timers.clear();
      signal?.removeEventListener('abort', onAbort);
    };
    const finish = (ended: WaitResult<T>['ended']) => {
      if (finished) return;
      stop();
      resolve({ ended, at: Date.now(), ...(last !== undefined ? { value: last } : {}) });
    };
    const onAbort = () => finish('aborted');
    const at = (time: number, run: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, Math.max(0, time - Date.now()));
      timers.add(timer);
    };
    const due = () => Date.now() >= (window.notBefore ?? -Infinity);
    /** Records a look; ends the wait when it is done, or when it was the last one. */
    const took = (look: Look<T>, final: boolean) => {
      if (look.value !== undefined) last = look.value;
      if (look.done) finish('done');
      else if (final) finish('deadline');
    };

    signal?.addEventListener('abort', onAbort);

    if ('events' in strategy) {
      const look = (event?: LabEvent, final = false) => {
        if (finished) return;
        if (due()) took(strategy.look(event), final);
        else if (final) finish('deadline');
      };
      unsubscribe = strategy.events.onEvent((event) => look(event));
      if (!due()) at(window.notBefore!, () => look());
      at(window.deadline, () => look(undefined, true));
      look();
      return;
    }

    const { pace } = strategy;
    let tries = 0;
    let trying = false;
    const tryOnce = () => {
      trying = true;
      tries++;
      strategy.look().then(
        (look) => {
          trying = false;
          if (finished) return;
          // A try that ends at or past the deadline is the last one.
          took(look, Date.now() >= window.deadline);
          if (!finished) at(Date.now() + (pace[Math.min(tries - 1, pace.length - 1)] ?? 0), tryOnce);
        },
        (err: unknown) => {
          if (finished) return;
          stop();
          reject(err);
        },
      );
    };
    at(window.deadline, () => {
      if (trying) return; // the try under way is the last one
      if (!due()) return finish('deadline');
      timers.forEach(clearTimeout); // the next paced try, if one was waiting, is this one
      timers.clear();
      tryOnce();
    });
    if (due()) tryOnce();
    else at(window.notBefore!, tryOnce);
  });
}
