/**
 * How many lab copies one Docker engine starts at once; the rest wait their turn.
 *
 * Measured on this 2-core host: one copy alone starts in ~1.5 s (its containers, then its eyes);
 * 10 at once took 10.9 s each at the median, and 40 at once 88 s (p95 182 s) with the host at
 * load 124. dockerd and containerd serialise much of the work, so beyond a few starts in flight
 * they only thrash: every copy waits for all of them, and the labs already running (whose
 * keepalived timers and `docker pause` need the CPU) suffer with them. A queue of a few at a time
 * finishes the same class sooner and leaves the running labs alone.
 *
 * KALAB_START_CONCURRENCY overrides the default (a bigger host).
 */
export const DEFAULT_START_CONCURRENCY = 3;

export function startConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KALAB_START_CONCURRENCY;
  if (raw === undefined || raw === '') return DEFAULT_START_CONCURRENCY;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`KALAB_START_CONCURRENCY must be a whole number of starts, at least 1 (got "${raw}").`);
  return n;
}

/** A queue of at most `limit` holders; the others wait in order. */
export class StartSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Run `work` in a slot; `onQueued(ahead)` is told, with the starts before it, when it has to wait. */
  async run<T>(work: () => Promise<T>, onQueued?: (ahead: number) => void): Promise<T> {
    if (this.running >= this.limit) {
      onQueued?.(this.running + this.waiting.length);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes on: `running` stays
      else this.running--;
    }
  }
}

const perEngine = new WeakMap<object, StartSlots>();

/** The start queue of one engine (keyed by its client: each engine of a classroom has its own). */
export function startSlotsOf(engine: object): StartSlots {
  let slots = perEngine.get(engine);
  if (!slots) {
    slots = new StartSlots(startConcurrency());
    perEngine.set(engine, slots);
  }
  return slots;
}
