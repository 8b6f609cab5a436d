/**
 * Terminal flow control, xterm.js's watermark scheme: the server counts what it sent each viewer
 * and the viewer acknowledges what it has written to its screen (term.ack). Once any viewer has
 * TERMINAL_HIGH_WATER unacknowledged, the shell's stream is paused (Docker, the pty and finally the
 * program block: `yes` stops printing); it resumes once every viewer is back under
 * TERMINAL_LOW_WATER. So a flood can neither freeze the page nor grow memory anywhere in between.
 *
 * Units: the length of the `data` strings sent (UTF-16 code units, what the page's `data.length`
 * says). A page that counts UTF-8 bytes instead acknowledges more than was counted here; that only
 * loosens the gate (unacknowledged never goes below zero), it cannot stall it.
 *
 * The slowest attached viewer governs: two tabs on one terminal both see every byte.
 */
import { TERMINAL_HIGH_WATER, TERMINAL_LOW_WATER } from '../shared/protocol.ts';

/** Anything that can be paused: the shell's Docker stream, or a fake in tests. */
export interface PausableSource {
  pause(): void;
  resume(): void;
}

/**
 * Held output is bounded even if a source ignores pause(): beyond this the oldest held text is
 * dropped (the terminal loses some of a flood, the server does not grow).
 */
export const MAX_HELD_CHARS = 256 * 1024;

export class FlowGate<V> {
  private readonly unacked = new Map<V, number>();

  constructor(
    readonly high = TERMINAL_HIGH_WATER,
    readonly low = TERMINAL_LOW_WATER,
  ) {}

  add(viewer: V): void {
    if (!this.unacked.has(viewer)) this.unacked.set(viewer, 0);
  }

  remove(viewer: V): void {
    this.unacked.delete(viewer);
  }

  get viewerCount(): number {
    return this.unacked.size;
  }

  /** The same output went to every viewer. */
  sent(units: number): void {
    for (const [v, n] of this.unacked) this.unacked.set(v, n + units);
  }

  acked(viewer: V, units: number): void {
    const n = this.unacked.get(viewer);
    if (n !== undefined) this.unacked.set(viewer, Math.max(0, n - units));
  }

  unackedBy(viewer: V): number | undefined {
    return this.unacked.get(viewer);
  }

  maxUnacked(): number {
    let max = 0;
    for (const n of this.unacked.values()) max = Math.max(max, n);
    return max;
  }

  /** How much more may be sent now without any viewer passing the high mark. */
  room(): number {
    return this.viewerCount === 0 ? 0 : Math.max(0, this.high - this.maxUnacked());
  }
}

/**
 * Between a shell's output and its viewers: passes output on while the gate has room, holds the
 * rest (at most about one read's worth) and pauses the source, resumes it under the low mark.
 * With no viewer attached the source is paused too: nobody reads, so the shell waits, and a page
 * that reconnects continues where it stopped.
 */
export class OutputPump<V> {
  private held = '';
  private paused = false;
  /** Characters dropped because a source kept writing while paused (should stay 0). */
  dropped = 0;

  constructor(
    private readonly source: PausableSource,
    private readonly deliver: (text: string) => void,
    readonly gate: FlowGate<V> = new FlowGate<V>(),
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  get heldChars(): number {
    return this.held.length;
  }

  /** Output from the source. */
  write(text: string): void {
    if (!text) return;
    this.held += text;
    if (this.held.length > MAX_HELD_CHARS) {
      const cut = this.held.length - MAX_HELD_CHARS;
      this.dropped += cut;
      this.held = this.held.slice(cut);
    }
    this.pump();
  }

  attach(viewer: V): void {
    this.gate.add(viewer);
    this.pump();
  }

  detach(viewer: V): void {
    this.gate.remove(viewer);
    this.pump();
  }

  ack(viewer: V, units: number): void {
    this.gate.acked(viewer, units);
    this.pump();
  }

  private pump(): void {
    if (this.gate.viewerCount === 0) return this.setPaused(true);
    // Hysteresis: once paused for the high mark, wait for the low mark before sending again.
    if (this.paused && this.gate.maxUnacked() > this.gate.low) return;
    while (this.held && this.gate.room() > 0) {
      const chunk = takePrefix(this.held, this.gate.room());
      if (!chunk) break; // only half a surrogate pair would fit: wait for room for the whole character
      this.held = this.held.slice(chunk.length);
      this.gate.sent(chunk.length);
      this.deliver(chunk);
    }
    this.setPaused(this.held.length > 0 || this.gate.room() === 0);
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.source.pause();
    else this.source.resume();
  }
}

/** At most `max` code units of `text`, never ending between the two halves of a surrogate pair (so possibly ''). */
function takePrefix(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
