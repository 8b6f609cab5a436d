/**
 * Waiting on the observer's event stream with deadlines: the grader never sleeps, it is woken by
 * the next event or by the moment a verdict becomes due.
 */
/** Anything that announces changes: the lab observer, or a fake in unit tests. */
export interface ChangeSource {
  onEvent(listener: () => void): () => void;
}

export interface AwaitResult {
  ok: boolean;
  /** When the condition was first seen true (ok), or when the deadline passed. */
  at: number;
}

/**
 * Resolves once `condition()` is true at or after `notBefore`, re-checking on every event;
 * resolves not-ok at `deadline`.
 */
export function awaitCondition(
  observer: ChangeSource,
  condition: () => boolean,
  window: { notBefore: number; deadline: number; signal?: AbortSignal },
): Promise<AwaitResult> {
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      timers.forEach(clearTimeout);
      window.signal?.removeEventListener('abort', onAbort);
      resolve({ ok, at: Date.now() });
    };
    const check = () => {
      if (Date.now() >= window.notBefore && condition()) finish(true);
    };
    const onAbort = () => finish(false);
    const unsubscribe = observer.onEvent(check);
    window.signal?.addEventListener('abort', onAbort);
    timers.push(setTimeout(check, Math.max(0, window.notBefore - Date.now())));
    timers.push(setTimeout(() => (condition() && Date.now() >= window.notBefore ? finish(true) : finish(false)), Math.max(0, window.deadline - Date.now())));
    // A signal aborted before the wait began fires no event: give up at once.
    if (window.signal?.aborted) onAbort();
    check();
  });
}

export interface HoldResult {
  held: boolean;
  /** When the condition first broke. */
  brokeAt?: number;
}

/** Resolves held once `condition()` stayed true from now until `until`; resolves at the first break otherwise. */
export function awaitHold(
  observer: ChangeSource,
  condition: () => boolean,
  window: { until: number; signal?: AbortSignal },
): Promise<HoldResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: HoldResult) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearTimeout(timer);
      window.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const check = () => {
      if (!condition()) finish({ held: false, brokeAt: Date.now() });
    };
    const onAbort = () => finish({ held: false, brokeAt: Date.now() });
    const unsubscribe = observer.onEvent(check);
    window.signal?.addEventListener('abort', onAbort);
    const timer = setTimeout(() => finish({ held: condition() }), Math.max(0, window.until - Date.now()));
    if (window.signal?.aborted) onAbort();
    check();
  });
}
