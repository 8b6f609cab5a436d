/**
 * Terminal flow control, client side (xterm.js's watermark scheme, see runner/shared/protocol.ts).
 * Replayed scrollback (term.replay) is not counted by the server and must not be acknowledged.
 * The server stops reading a shell once TERMINAL_HIGH_WATER bytes are unacknowledged, so the page
 * must acknowledge what xterm has actually processed (the write callback), not what it received:
 * otherwise a `cat` of a big file would flood the page faster than xterm can parse it.
 */
import { TERMINAL_ACK_EVERY } from '../../../../runner/shared/protocol.ts';

/**
 * The unit both sides count in: the length of the `data` strings (UTF-16 code units), which is what
 * the server's flow gate adds up (runner/server/flow-control.ts), so the page acknowledges exactly
 * what was counted against it.
 */
export function outputUnits(text: string): number {
  return text.length;
}

/**
 * Counts bytes handed to xterm and bytes it has finished writing; reports an ack every `every`
 * written bytes and at the end of a burst (nothing left pending), so a short reply to a keystroke
 * is acknowledged at once and a long stream in TERMINAL_ACK_EVERY steps.
 */
export interface WriteTicket {
  bytes: number;
  generation: number;
}

export class AckCounter {
  private pendingWrites = 0;
  private unacked = 0;
  /** Bumped by reset(): callbacks of writes queued before it belong to a stream the server forgot. */
  private generation = 0;

  constructor(
    private readonly ack: (bytes: number) => void,
    private readonly every: number = TERMINAL_ACK_EVERY,
  ) {}

  /** Call before term.write(data, cb); pass the ticket to written() from the callback. */
  queued(data: string): WriteTicket {
    this.pendingWrites++;
    return { bytes: outputUnits(data), generation: this.generation };
  }

  /** Call from xterm's write callback with the ticket queued() returned. */
  written(ticket: WriteTicket): void {
    if (ticket.generation !== this.generation) return;
    this.pendingWrites = Math.max(0, this.pendingWrites - 1);
    this.unacked += ticket.bytes;
    if (this.unacked >= this.every || (this.pendingWrites === 0 && this.unacked > 0)) this.flush();
  }

  /** Acknowledge whatever has been written and not yet acknowledged. */
  flush(): void {
    if (this.unacked <= 0) return;
    const bytes = this.unacked;
    this.unacked = 0;
    this.ack(bytes);
  }

  /** Forget the counts (the terminal was re-opened: the server starts its count afresh). */
  reset(): void {
    this.generation++;
    this.pendingWrites = 0;
    this.unacked = 0;
  }

  get pending(): number {
    return this.pendingWrites;
  }
}
