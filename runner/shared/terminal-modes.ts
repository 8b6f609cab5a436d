/**
 * The DEC private modes a program turns on and off in its terminal output (`ESC [ ? Pm h` sets,
 * `ESC [ ? Pm l` resets; bash's readline prints `ESC[?2004h` with every prompt and `ESC[?2004l`
 * before it runs a command), read from the stream as a terminal reads it, chunk by chunk.
 *
 * For the places that stand in for the terminal's own state:
 * - the runner's replay (../server/terminal-replay.ts) keeps only the last 64 KB of output, which
 *   need not hold the sequence that put the terminal in its current modes;
 * - the lab page's run buttons (docs/.vitepress/theme/lab/paste-mode.ts) need the bracketed-paste
 *   mode the moment output arrives, before xterm.js has parsed it.
 */

/** Bracketed paste: the shell wants a paste wrapped in ESC[200~ … ESC[201~. */
export const BRACKETED_PASTE = 2004;

/**
 * The modes that change what the terminal sends (keys, pastes, mouse, focus) rather than what it
 * shows: cursor keys in application mode (1), mouse reports (9, 1000, 1002, 1003) and their
 * encodings (1005, 1006, 1015), focus events (1004), bracketed paste (2004). Putting them back
 * ahead of replayed output cannot change how that output is drawn.
 */
export const INPUT_MODES: readonly number[] = [1, 9, 1000, 1002, 1003, 1004, 1005, 1006, 1015, BRACKETED_PASTE];

/** One mode turned on or off, or every mode back to its default (a full or soft terminal reset). */
export type ModeChange = { mode: number; on: boolean } | { reset: true };

/** DECSET/DECRST (several modes at once allowed: `ESC[?1049;2004h`), RIS (`ESC c`), DECSTR (`ESC[!p`). */
const MODE_SEQUENCE = /\x1b(?:\[\?([0-9;]*)([hl])|c|\[!p)/g;
/** The start of such a sequence, cut off at the end of a chunk: read once the rest has arrived. */
const UNFINISHED = /\x1b(?:\[(?:\?[0-9;]*|!)?)?$/;
/** A real sequence is short; a longer unfinished tail is not one of these and is not held. */
const MAX_CARRY = 64;

/** Reads mode changes from a terminal's output; a sequence split between two chunks is read whole. */
export class DecModeReader {
  private carry = '';

  /** The mode changes in this chunk of output, in order. */
  read(chunk: string): ModeChange[] {
    let text = this.carry + chunk;
    this.carry = '';
    const cut = UNFINISHED.exec(text);
    if (cut && text.length - cut.index <= MAX_CARRY) {
      this.carry = text.slice(cut.index);
      text = text.slice(0, cut.index);
    }
    const changes: ModeChange[] = [];
    for (const m of text.matchAll(MODE_SEQUENCE)) {
      if (m[2] === undefined) {
        changes.push({ reset: true });
        continue;
      }
      const on = m[2] === 'h';
      for (const param of m[1]!.split(';')) if (param) changes.push({ mode: Number(param), on });
    }
    return changes;
  }

  /** The terminal starts afresh (a new stream): nothing half-read is kept. */
  reset(): void {
    this.carry = '';
  }
}

/**
 * The input modes a terminal is in after the output fed so far, and the sequences that put a
 * freshly reset terminal into them. Only modes a program set or reset are named; each in the order
 * of its last change, so mode families where a later choice overrides an earlier one (the mouse
 * reports) end as they ended on the program's terminal.
 */
export class InputModes {
  private readonly reader = new DecModeReader();
  /** Mode → on, in the order of the last change. */
  private readonly modes = new Map<number, boolean>();

  feed(chunk: string): void {
    for (const change of this.reader.read(chunk)) {
      if ('reset' in change) this.modes.clear();
      else if (INPUT_MODES.includes(change.mode)) {
        this.modes.delete(change.mode);
        this.modes.set(change.mode, change.on);
      }
    }
  }

  /** Whether a program asked for this mode: true or false, or undefined if none said. */
  get(mode: number): boolean | undefined {
    return this.modes.get(mode);
  }

  /** ESC[?…h / ESC[?…l for each mode a program named, in order ('' when none did). */
  sequence(): string {
    let out = '';
    for (const [mode, on] of this.modes) out += `\x1b[?${mode}${on ? 'h' : 'l'}`;
    return out;
  }
}
