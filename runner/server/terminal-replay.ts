/**
 * What a page that (re)opens a terminal is sent first (term.replay): the recent output, and ahead
 * of it the input modes the shell's programs put the terminal in (../shared/terminal-modes.ts).
 *
 * Why the modes: the ring keeps the last TERMINAL_SCROLLBACK_BYTES of output, and the sequence
 * that set a mode can be older than that. bash prints ESC[?2004h (bracketed paste) with each
 * prompt, so at a prompt it is normally in the kept tail, but not after more than the ring's worth
 * of output printed while the prompt waits (a job in the background); nor is `less`'s or `vim`'s
 * ESC[?1h (cursor keys) after they redrew the screen that much. A page opening from such a replay
 * would paste without brackets (multi-line commands run line by line, tabs complete) and send the
 * wrong arrow keys. Input modes do not change how the replayed output is drawn, so they are put
 * back as they are now, whether or not the kept output also sets them.
 */
import { InputModes } from '../shared/terminal-modes.ts';
import { Scrollback } from './scrollback.ts';

export class TerminalReplay {
  private readonly kept: Scrollback;
  private readonly modes = new InputModes();

  constructor(capacity: number) {
    this.kept = new Scrollback(capacity);
  }

  /** Output the shell printed (and the pages were sent). */
  push(text: string): void {
    this.kept.push(text);
    this.modes.feed(text);
  }

  /** The replay: the input modes in force, then the kept output. */
  text(): string {
    return this.modes.sequence() + this.kept.text();
  }

  /** Bytes of output kept (at most the capacity; the modes' few bytes not counted). */
  get size(): number {
    return this.kept.size;
  }
}
