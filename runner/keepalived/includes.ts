/**
 * Follows `include` lines as keepalived 2.2.7 does, over files given as a map (absolute path ->
 * text) instead of the node's disk, and hands the parser one stream of items, as keepalived's
 * parser sees one stream of lines. What keepalived does (lib/parser.c):
 *  - Inclusion is textual. read_line() passes every line (and the rest of a line after a brace)
 *    to check_include(); an include line is consumed, and open_glob_file() pushes its matches on
 *    the include stack, so read_line() goes on reading from them, inside whatever block is open,
 *    then from the next match (get_next_file), then from the including file again (end_file). A
 *    block may open in one file and close in another.
 *  - The pattern is the rest of the line as written, double quotes and all (check_include removes
 *    nothing but the blanks before it), globbed by open_and_check_glob() (see glob.ts).
 *  - A relative pattern is relative to the directory of the file that holds the include line:
 *    open_conf_file() chdir()s to the directory of every file it opens and end_file() changes
 *    back. The main file is /etc/keepalived/keepalived.conf, so there it is /etc/keepalived.
 *  - Includes nest to any depth, with no recursion limit: a file that includes itself is opened
 *    again and again until open() fails for want of file descriptors. Here a file that is being
 *    read is not opened again, and a warning says so. A file included twice, not from itself,
 *    is read twice, as keepalived does.
 *  - open_conf_file() skips a match that is a directory (check_glob_file; it is also skipped
 *    when executable, which a map of texts cannot tell).
 *  - Errors: plain `include` never makes one; it only logs when nothing matches. The variants add
 *    include_t checks (check_include): `includer` read (a match is a directory or unreadable),
 *    `includem` read + match (a name written without wildcards, or a directory, is missing),
 *    `includew` read + match + wildcard_match (a wildcard matches nothing), `includeb` read +
 *    brace_match (a brace alternative is missing; then none of it is read), `includea` all. A
 *    failed check sets config_file_error, and keepalived exits without running
 *    (keepalived/core/main.c, KEEPALIVED_EXIT_NO_CONFIG): only those cases get a warning.
 *    (global_defs `include_check` sets such checks for plain includes too; that is not modelled.)
 */
import path from 'node:path';
import { glob, hasBrace, literalDirectory, type GlobAlternative } from './glob.ts';
import { lexFile, type IncludeLine, type IncludeVariant, type Item } from './lexer.ts';
import type { KeepalivedConfig } from './types.ts';
import type { Warning } from './warnings.ts';

/** The include_t checks, by their include_check names (lib/parser.c include_check_set). */
type IncludeCheck = 'read' | 'match' | 'wildcard_match' | 'brace_match';

const CHECKS_OF: Record<IncludeVariant, readonly IncludeCheck[]> = {
  '': [],
  r: ['read'],
  m: ['read', 'match'],
  w: ['read', 'match', 'wildcard_match'],
  b: ['read', 'brace_match'],
  a: ['read', 'match', 'wildcard_match', 'brace_match'],
};

/** The config as keepalived reads it: the items of every file, in reading order. */
export interface ConfigSource {
  items: Item[];
  /** Each file read, in the order first read. */
  files: string[];
  /** Include patterns as written, without surrounding double quotes. */
  includes: string[];
  /** See KeepalivedConfig.unresolvedIncludes. */
  unresolvedIncludes: string[];
  warnings: Warning[];
}

export function readConfigFiles(texts: ReadonlyMap<string, string>, mainPath: string): ConfigSource {
  const follower = new IncludeFollower(texts, mainPath);
  if (texts.has(mainPath)) follower.read(mainPath, []);
  else follower.source.warnings.push({ message: `there is no ${mainPath}, so keepalived has no configuration and does not start.` });
  return follower.source;
}

/**
 * The directories (absolute) the unresolved include patterns live under: read every file below
 * each (a pattern with a wildcard in a directory part needs the sub-directories too) and parse
 * again.
 */
export function includeRoots(config: KeepalivedConfig): string[] {
  return [...new Set((config.unresolvedIncludes ?? []).map(literalDirectory))];
}

class IncludeFollower {
  readonly source: ConfigSource = { items: [], files: [], includes: [], unresolvedIncludes: [], warnings: [] };

  constructor(
    private readonly texts: ReadonlyMap<string, string>,
    private readonly mainPath: string,
  ) {}

  /** Reads `file` into the stream; `reading` holds the files whose include lines led to it, outermost first. */
  read(file: string, reading: readonly string[]): void {
    if (!this.source.files.includes(file)) this.source.files.push(file);
    const lexed = lexFile(this.texts.get(file)!, file === this.mainPath ? undefined : file);
    this.source.warnings.push(...lexed.warnings);
    for (const item of lexed.items) {
      if (item.kind === 'include') this.include(item, [...reading, file]);
      else this.source.items.push(item);
    }
  }

  private include(line: IncludeLine, reading: readonly string[]): void {
    const written = unquote(line.pattern);
    this.source.includes.push(written);
    const keyword = `include${line.variant}`;
    const checks = CHECKS_OF[line.variant];
    // A quoted pattern is globbed without its quotes, to find the file the learner meant.
    const alternatives = glob(written, path.posix.dirname(reading.at(-1)!), this.texts.keys());
    this.noteUnresolved(alternatives);
    const matches = alternatives.flatMap((a) => a.matches);

    if (written !== line.pattern) {
      // keepalived globs the quotes too, so it looks for a path starting with `"`, which is missing.
      if (matches.length > 0) {
        this.warn(line, `keepalived does not remove the double quotes around an include path: it looks for a file named ${line.pattern} and reads nothing, so ${matches.join(', ')} is not read. Remove the quotes.`);
      }
      this.checkNoMatch(line, keyword, checks, true);
      return;
    }
    if (matches.length === 0) {
      this.checkNoMatch(line, keyword, checks, alternatives.some((a) => a.missing));
      return;
    }
    const missing = alternatives.filter((a) => a.missing).map((a) => a.pattern);
    if (missing.length > 0 && checks.includes('brace_match')) {
      this.configError(line, keyword, `${missing.join(', ')} matches no file`, 'Some config files missing', ' reads none of the files and');
      return;
    }
    for (const match of matches) {
      if (match.endsWith('/')) {
        if (checks.includes('read')) this.configError(line, keyword, `${match} is a directory, which keepalived skips`, 'is a directory - skipping');
      } else if (reading.includes(match)) {
        this.warn(
          line,
          `this include reads ${match} again while it is being read (${[...reading, match].join(' -> ')}): keepalived has no limit on nested includes and reads it inside itself over and over until it runs out of open files. The grader reads it once; remove the include.`,
        );
      } else this.read(match, reading);
    }
  }

  /** An include that matched nothing: an error only if the variant checks what open_and_check_glob() found. */
  private checkNoMatch(line: IncludeLine, keyword: string, checks: readonly IncludeCheck[], missing: boolean): void {
    const failed: IncludeCheck = missing ? (hasBrace(line.pattern) ? 'brace_match' : 'match') : 'wildcard_match';
    if (!checks.includes(failed)) return;
    this.configError(line, keyword, `no file matches ${line.pattern}`, missing ? 'Config files missing' : 'No config files matched');
  }

  private configError(line: IncludeLine, keyword: string, what: string, keepalivedSays: string, consequence = ''): void {
    this.warn(line, `${what}, and ${keyword} makes that a config error (keepalived logs "${keepalivedSays}"), so keepalived${consequence} does not start.`);
  }

  private noteUnresolved(alternatives: readonly GlobAlternative[]): void {
    for (const { pattern, matches } of alternatives) {
      if (matches.length === 0 && !this.source.unresolvedIncludes.includes(pattern)) this.source.unresolvedIncludes.push(pattern);
    }
  }

  private warn(line: IncludeLine, message: string): void {
    this.source.warnings.push({ at: line.at, message });
  }
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
