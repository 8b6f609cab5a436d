/**
 * Where a finding is, and how findings reach a learner: in reading order (the files in the order
 * keepalived reads them, then by line), each prefixed with its place.
 *
 * The prefix follows keepalived's own vreport_config_error() (lib/parser.c): it names the line
 * alone while one file is involved ("(Line N)") and the file with it once includes bring in
 * others ("(file: Line N)"). Here the main file keeps the bare `line N:` and every other file is
 * named: `/etc/keepalived/conf.d/vi_1.conf line 3: ...`.
 */

/** A line of the config; `file` is set only when it is not the main file. */
export interface Place {
  line: number;
  file?: string;
}

export interface Warning {
  /** Unset for findings about the config as a whole (no vrrp_instance at all...). */
  at?: Place;
  message: string;
}

/** Just the place of something that has one (a vrrp_script, a vrrp_instance). */
export function placeOf(located: Place): Place {
  return located.file === undefined ? { line: located.line } : { line: located.line, file: located.file };
}

/** `line 12` in the main file, `/etc/keepalived/conf.d/vi_1.conf line 3` in another. */
export function describePlace(at: Place): string {
  return at.file === undefined ? `line ${at.line}` : `${at.file} line ${at.line}`;
}

/**
 * The warnings as text, sorted by the position of their file in `files` (the main file first,
 * as keepalived reads them) and then by line; findings with no place come last, and findings at
 * the same place keep their order.
 */
export function formatWarnings(warnings: readonly Warning[], files: readonly string[]): string[] {
  const fileOrder = (at: Place) => (at.file === undefined ? 0 : files.indexOf(at.file));
  const compare = (a: Warning, b: Warning) => {
    if (!a.at || !b.at) return Number(!a.at) - Number(!b.at);
    return fileOrder(a.at) - fileOrder(b.at) || a.at.line - b.at.line;
  };
  return [...warnings].sort(compare).map((w) => (w.at ? `${describePlace(w.at)}: ${w.message}` : w.message));
}
