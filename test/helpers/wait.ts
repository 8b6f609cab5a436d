/**
 * Waiting in tests is a deadline, never a sleep: poll a condition at a short interval until it
 * holds or the deadline passes, and then say what was awaited and what was last seen.
 */
export interface WaitOptions {
  timeoutMs: number;
  /** How often to ask again (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/**
 * Resolves with the first truthy value `fn` returns. A throw counts as "not yet"; the last value or
 * error is in the timeout message.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 100;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what ?? 'a condition'} (last: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
  }
}
