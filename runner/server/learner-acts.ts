/**
 * When the learner last did something to the lab from the workbench, as the runner sees it
 * without looking inside a node: a line sent to a shell (Enter runs a command), a signal key
 * (Ctrl-C, Ctrl-D, Ctrl-\, Ctrl-Z stop one), or a file saved from the editor.
 *
 * A step the learner does in a terminal is judged from the later of this moment and the lab's
 * last observed change: pressing Check right after `systemctl start keepalived`, before
 * keepalived's first event reaches the observer, must not time a hold ("the VIP stays on lb2 for
 * three Master_Down_Intervals") from a change minutes old, which would pass at once.
 * Keystrokes that only edit a command line change nothing and do not count.
 */
const RUNS_OR_STOPS = /[\r\n\x03\x04\x1a\x1c]/;

export function inputActsOnLab(data: string): boolean {
  return RUNS_OR_STOPS.test(data);
}

export class LearnerActs {
  private last = 0;

  /** Terminal input: counts when it can run or stop a command. */
  typed(data: string, now = Date.now()): void {
    if (inputActsOnLab(data)) this.last = now;
  }

  /** A file saved from the editor (a script keepalived runs, or a config a restart reads). */
  saved(now = Date.now()): void {
    this.last = now;
  }

  /** The latest act, or 0 when there was none. */
  lastAt(): number {
    return this.last;
  }

  /** When a step done by the learner took place, at the latest: their act or the lab's change. */
  actionAt(lastObservedChange: number): number {
    return Math.max(lastObservedChange, this.last);
  }
}
