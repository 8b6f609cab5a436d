/**
 * Whether a "run on lb1" button sends its command as a bracketed paste (./terminal-input.ts), read
 * from the output the page gives the node's terminal, live and replayed.
 *
 * Not from xterm.js's own `modes.bracketedPasteMode`, which was the cause of unbracketed first
 * pastes: xterm parses what it is given on a later task, and a replay starts with `reset()`,
 * which clears its modes at once, before the replayed ESC[?2004h is parsed; and a fresh shell
 * has not printed its first prompt (and with it ESC[?2004h) for a moment after the lab runs. A
 * command sent in either gap went as plain typing: bash ran a heredoc line by line and took its
 * tabs for completion.
 *
 * So: bracket unless the shell has said it does not want it (ESC[?2004l: a command is running, and
 * it gets plain input). Until the shell has said anything, bracket too: the workbench's shell is
 * bash, which asks at every prompt, and readline takes a bracketed paste typed ahead of its first
 * prompt as one paste (bash 5.2: the heredoc keeps its tabs), where plain typing ahead loses them.
 */
import { BRACKETED_PASTE, DecModeReader } from '../../../../runner/shared/terminal-modes.ts';

export class PasteModeTracker {
  private readonly reader = new DecModeReader();
  /** What the shell last said: on, off, or nothing yet (undefined). */
  private said: boolean | undefined;

  /** Output given to the terminal, in order. */
  output(text: string): void {
    for (const change of this.reader.read(text)) {
      // A terminal reset (RIS, DECSTR) turns the mode off, as it does in xterm.
      if ('reset' in change) this.said = false;
      else if (change.mode === BRACKETED_PASTE) this.said = change.on;
    }
  }

  /** The terminal starts over (a replay follows): the shell has said nothing to it yet. */
  reset(): void {
    this.reader.reset();
    this.said = undefined;
  }

  /** Whether a command from the page goes as a bracketed paste. */
  get bracketed(): boolean {
    return this.said !== false;
  }
}
