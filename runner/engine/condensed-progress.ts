/**
 * Long tool output (docker build, debootstrap, apt-get) condensed for a person watching: lines that
 * mark a phase are shown at once, the rest only as a periodic "… latest line", and a quiet stretch
 * still prints "still working" so nobody wonders whether it hangs.
 */
import type { Progress } from '../shared/progress.ts';

export interface CondenseOptions {
  /** Lines worth showing as they come (e.g. "Step 3/7 : RUN ..."); all others are sampled. */
  important?: RegExp;
  /** How often the latest unimportant line (or "still working") is shown. */
  everyMs?: number;
  /** Longest line shown; build steps carry whole shell scripts. */
  maxLength?: number;
  now?: () => number;
}

export class CondensedProgress {
  private readonly important: RegExp | undefined;
  private readonly everyMs: number;
  private readonly maxLength: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastShownAt: number;
  private pending: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly progress: Progress,
    opts: CondenseOptions = {},
  ) {
    this.important = opts.important;
    this.everyMs = opts.everyMs ?? 3000;
    this.maxLength = opts.maxLength ?? 110;
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.lastShownAt = this.startedAt;
  }

  /** Feed output; it may hold several lines. */
  write(text: string): void {
    for (const raw of text.split(/\r?\n|\r/)) {
      const line = raw.trim();
      if (!line) continue;
      if (this.important?.test(line)) {
        this.show(line);
        this.pending = undefined;
      } else {
        this.pending = line;
      }
    }
  }

  /** Called on a timer: show the latest sampled line, or that the work goes on. */
  tick(): void {
    const now = this.now();
    if (now - this.lastShownAt < this.everyMs) return;
    if (this.pending !== undefined) {
      this.show(`  … ${this.pending}`);
      this.pending = undefined;
    } else {
      this.show(`  … still working (${Math.round((now - this.startedAt) / 1000)} s)`);
    }
  }

  start(): this {
    this.timer = setInterval(() => this.tick(), Math.max(250, Math.floor(this.everyMs / 3)));
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private show(line: string): void {
    this.progress(line.length > this.maxLength ? `${line.slice(0, this.maxLength - 1)}…` : line);
    this.lastShownAt = this.now();
  }
}
