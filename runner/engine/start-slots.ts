/**
 * How many lab copies one Docker engine starts at once; the rest wait their turn.
 *
 * Measured on this 2-core host with `npm run bench -- --labs 40` (every lab's steps running
 * meanwhile): with no limit the starts took 88 s at the median (p95 182 s) and drove the host to
 * load 124; with 6 at a time 88 s (p95 228 s) at load 80; with 3, 94 s (p95 225 s) at load 48.
 * dockerd and containerd serialise the work, so a limit does not make a class start sooner; what
 * it buys is a host that stays usable while a class starts, for the labs already running, whose
 * keepalived timers and `docker pause` need the CPU.
 * Starts that must be instant come from the hot pool (runner/server/hot-pool.ts).
 *
 * KALAB_START_CONCURRENCY overrides the default (a bigger host).
 */
export const DEFAULT_START_CONCURRENCY = 6;

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
