/**
 * The grader's eyes beside one lab node: a container of its own that shares only the node's
 * network namespace (and reads its log folders read-only), running the image's `kalab-eyes`
 * (docker/node). Learners cannot see or kill these watchers and solutions cannot replace their
 * programs, so what they report is what the verdicts rest on.
 *
 * `EyesLineRouter` turns the tagged lines into calls (a pure class, pinned by unit tests);
 * `followEyes` attaches to the container, starts it, and when its output ends while the lab is
 * still observed, reports the loss, starts the eyes again and reports when they see again.
 */
import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { createInterface } from 'node:readline';

export interface EyesHandlers {
  /**
   * A full snapshot of the node's addresses, replacing what was known: `ip -o addr show` lines with,
   * in arrival order, any monitor lines (adds and "Deleted") that came while it was taken.
   */
  onAddressSnapshot(lines: string[]): void;
  /** One `ip -o monitor address` line. */
  onAddressLine(line: string): void;
  onAdvertLine(line: string): void;
  onKeepalivedLogLine(line: string): void;
  onMailLine(line: string): void;
}

/** Routes kalab-eyes' tagged lines; knows when the eyes are ready (started, first snapshot taken). */
export class EyesLineRouter {
  private snapshot?: string[];
  private started = false;
  private snapshotTaken: boolean;

  constructor(
    private readonly handlers: EyesHandlers,
    watchesAddresses: boolean,
  ) {
    this.snapshotTaken = !watchesAddresses;
  }

  /** True once every watcher has started and the address snapshot (if any) is in. */
  get ready(): boolean {
    return this.started && this.snapshotTaken;
  }

  push(line: string): void {
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    switch (tag) {
      case 'A ':
        return this.address(rest);
      case 'V ':
        return this.handlers.onAdvertLine(rest);
      case 'K ':
        return this.handlers.onKeepalivedLogLine(rest);
      case 'M ':
        return this.handlers.onMailLine(rest);
      case 'E ':
        if (rest === 'ready') this.started = true;
        return;
      default:
        return; // not a kalab-eyes line
    }
  }

  private address(line: string): void {
    if (line === 'snapshot-begin') {
      this.snapshot = [];
    } else if (line === 'snapshot-end') {
      this.handlers.onAddressSnapshot(this.snapshot ?? []);
      this.snapshot = undefined;
      this.snapshotTaken = true;
    } else if (this.snapshot) {
      this.snapshot.push(line);
    } else {
      this.handlers.onAddressLine(line);
    }
  }
}

export interface EyesFollower {
  /** Resolves once the eyes see (ready); rejects if they could not be started at all. */
  ready: Promise<void>;
  stop(): void;
}

export interface FollowOptions {
  watchesAddresses: boolean;
  handlers: EyesHandlers;
  /** The eyes stopped seeing at `t` (their output ended). */
  onLost(t: number, why: string): void;
  /** The eyes see again from `t` (restarted, fresh snapshot in). */
  onRestored(t: number): void;
}

/** After this many restarts within RESTART_WINDOW_MS the eyes are left down: the gap stays open and says so. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** Eyes that print nothing for this long are broken, not slow: generous, as a busy engine (40 labs starting at once) is slow. */
const READY_TIMEOUT_MS = 90_000;

/** Attach to a created (or stopped) eyes container, start it, and keep it seeing. */
export function followEyes(container: Docker.Container, opts: FollowOptions): EyesFollower {
  let stopped = false;
  let current: Readable | undefined;
  const restarts: number[] = [];

  const runOnce = async (onReady: () => void): Promise<void> => {
    // Eyes already running (a lab adopted after a restart of the runner) are stopped first: their
    // output so far is gone, and only a fresh start prints the snapshot the observer needs.
    if ((await container.inspect()).State.Running) await container.stop({ t: 0 }).catch(() => undefined);
    const router = new EyesLineRouter(opts.handlers, opts.watchesAddresses);
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true, hijack: true })) as unknown as Readable;
    current = stream;
    const out = new PassThrough();
    const err = new PassThrough();
    err.resume();
    container.modem.demuxStream(stream, out, err);
    let announced = false;
    createInterface({ input: out }).on('line', (line) => {
      router.push(line);
      if (!announced && router.ready) {
        announced = true;
        onReady();
      }
    });
    stream.on('end', () => out.end());
    stream.on('close', () => out.end());
    stream.on('error', () => out.end());
    const ended = new Promise<void>((resolve) => out.on('end', resolve));
    await container.start();
    await ended;
  };

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the grader's observer (${container.id.slice(0, 12)}) did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    const loop = async () => {
      let first = true;
      while (!stopped) {
        try {
          await runOnce(() => {
            if (first) {
              clearTimeout(timer);
              resolve();
            } else {
              opts.onRestored(Date.now());
            }
            first = false;
          });
        } catch (error) {
          if (first) {
            clearTimeout(timer);
            reject(error);
            return;
          }
          // The eyes are gone (the lab is being removed): nothing to restart.
          if ((error as { statusCode?: number }).statusCode === 404) return;
        }
        if (stopped) return;
        const now = Date.now();
        opts.onLost(now, 'its output ended');
        restarts.push(now);
        while (restarts.length && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
        if (restarts.length > MAX_RESTARTS) return; // the gap stays open: never guessed
        first = false;
      }
    };
    void loop();
  });

  return {
    ready,
    stop() {
      stopped = true;
      current?.destroy();
    },
  };
}
