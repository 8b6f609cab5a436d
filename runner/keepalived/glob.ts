/**
 * glob(3) as keepalived 2.2.7 calls it for an include line, run over the paths of the files given
 * instead of over a directory tree. lib/parser.c open_and_check_glob() calls
 * glob(pattern, GLOB_MARK | GLOB_BRACE | GLOB_ALTDIRFUNC), so, as glibc's glob does with them:
 *  - `{a,b}` alternatives expand first, nested ones too, in order; a `{` without its `}` is literal;
 *  - `*`, `?` and `[...]` (`[!...]` or `[^...]` negate, `a-z` ranges) match within one path
 *    component: `*` never crosses `/`; `\` makes the next character literal;
 *  - a name starting with `.` is matched only by a component starting with `.` (no GLOB_PERIOD);
 *  - each alternative's matches are sorted (glibc sorts with strcoll, and keepalived never calls
 *    setlocale, so in the C locale: byte order); alternatives keep their order, duplicates stay;
 *  - a directory that matches comes back with a trailing `/` (GLOB_MARK);
 *  - a pattern that matches nothing yields nothing (no GLOB_NOCHECK);
 *  - a relative pattern is relative to the current directory (`cwd` here).
 * Here a directory exists when some given file lies below it. POSIX character classes
 * (`[[:digit:]]`) are not supported.
 */
import path from 'node:path';

export interface GlobAlternative {
  /** One brace alternative of the pattern, made absolute and normalised (`..`, `//` resolved). */
  pattern: string;
  /** Its matches in glob's order; a directory ends in `/`. */
  matches: string[];
  /**
   * It matched nothing because a name it spells out does not exist: the whole path when it has no
   * wildcard (glob's gl_lstat fails), else the directory its first wildcard is in (gl_opendir
   * fails). keepalived counts these (missing_files, missing_directories) to tell a missing file
   * from a wildcard that matched nothing.
   */
  missing: boolean;
}

export function glob(pattern: string, cwd: string, files: Iterable<string>): GlobAlternative[] {
  const entries = listing(files);
  return expandBraces(pattern).map((alternative) => {
    const absolute = path.posix.normalize(alternative.startsWith('/') ? alternative : `${cwd}/${alternative}`);
    const matches = matchEntries(absolute, entries).sort(byteOrder);
    const directory = literalDirectory(absolute);
    const missing = matches.length === 0 && (!hasWildcard(absolute) || (directory !== '/' && entries.get(directory) !== 'directory'));
    return { pattern: absolute, matches, missing };
  });
}

/** keepalived's have_brace(): an unescaped `{` anywhere, which turns a missing file into a brace_match failure. */
export function hasBrace(pattern: string): boolean {
  return /\{/.test(pattern.replace(/\\./g, ''));
}

/**
 * The deepest directory a pattern names before its first glob character or escape: every file
 * the pattern can match lies below it (`/etc/keepalived/conf.d/*.conf` -> `/etc/keepalived/conf.d`,
 * `/etc/keepalived/extra.conf` -> `/etc/keepalived`).
 */
export function literalDirectory(pattern: string): string {
  const special = pattern.search(/[*?[\\]/);
  const head = special === -1 ? pattern : pattern.slice(0, special);
  return head.slice(0, head.lastIndexOf('/')) || '/';
}

function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern.replace(/\\./g, ''));
}

type EntryKind = 'file' | 'directory';

/** The files and the directories they imply, by absolute path (the root itself left out). */
function listing(files: Iterable<string>): Map<string, EntryKind> {
  const entries = new Map<string, EntryKind>();
  for (const file of files) {
    entries.set(file, 'file');
    for (let dir = path.posix.dirname(file); dir !== '/' && dir !== '.'; dir = path.posix.dirname(dir)) entries.set(dir, 'directory');
  }
  return entries;
}

/**
 * GLOB_BRACE as glibc expands it: the first unescaped `{` with its matching `}`, split at the
 * commas outside nested braces; each alternative, with what precedes and follows the braces, is
 * expanded again.
 */
function expandBraces(pattern: string): string[] {
  const open = firstUnescaped(pattern, '{');
  if (open === -1) return [pattern];
  const alternatives: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === ',' && depth === 0) {
      alternatives.push(pattern.slice(start, i));
      start = i + 1;
    } else if (ch === '}' && depth-- === 0) {
      alternatives.push(pattern.slice(start, i));
      const before = pattern.slice(0, open);
      const after = pattern.slice(i + 1);
      return alternatives.flatMap((alternative) => expandBraces(before + alternative + after));
    }
  }
  return [pattern]; // no matching `}`: glibc globs the pattern with its braces as literal characters
}

function firstUnescaped(pattern: string, wanted: string): number {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === wanted) return i;
  }
  return -1;
}

/** The entries an absolute pattern matches, component by component; a trailing `/` matches directories only. */
function matchEntries(pattern: string, entries: Map<string, EntryKind>): string[] {
  const directoriesOnly = pattern.length > 1 && pattern.endsWith('/');
  const components = pattern.replace(/\/+$/, '').split('/');
  const matchers = components.map(componentMatcher);
  const found: string[] = [];
  for (const [entry, kind] of entries) {
    if (directoriesOnly && kind !== 'directory') continue;
    const names = entry.split('/');
    if (names.length === matchers.length && names.every((name, i) => matchers[i]!(name))) found.push(kind === 'directory' ? `${entry}/` : entry);
  }
  return found;
}

/** fnmatch(3) of one component, with FNM_PERIOD: a leading `.` must be matched by a `.`. */
function componentMatcher(component: string): (name: string) => boolean {
  const regexp = new RegExp(`^${componentSource([...component])}$`, 'u');
  const explicitPeriod = component.startsWith('.') || component.startsWith('\\.');
  return (name) => (explicitPeriod || !name.startsWith('.')) && regexp.test(name);
}

function componentSource(chars: string[]): string {
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\' && i + 1 < chars.length) source += escapeLiteral(chars[++i]!);
    else if (ch === '*') source += '[^]*';
    else if (ch === '?') source += '[^]';
    else if (ch === '[') {
      const bracket = bracketSource(chars, i);
      if (bracket) {
        source += bracket.source;
        i = bracket.end;
      } else source += '\\[';
    } else source += escapeLiteral(ch);
  }
  return source;
}

/**
 * The bracket expression starting at chars[start] as a regexp class, and the index of its `]`;
 * undefined when no `]` closes it (fnmatch then reads the `[` literally). A `]` right after the
 * opening (or after `!`/`^`) is a member; a reversed range matches nothing.
 */
function bracketSource(chars: string[], start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  const members: string[] = [];
  for (let first = true; i < chars.length; i++, first = false) {
    if (chars[i] === ']' && !first) return { source: `[${negated ? '^' : ''}${members.join('')}]`, end: i };
    const low = memberAt(chars, i);
    i = low.end;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      const high = memberAt(chars, i + 2);
      i = high.end;
      if (low.char.codePointAt(0)! <= high.char.codePointAt(0)!) members.push(`${escapeMember(low.char)}-${escapeMember(high.char)}`);
    } else members.push(escapeMember(low.char));
  }
  return undefined;
}

/** The (possibly backslash-escaped) character at chars[i], and the index of its last character. */
function memberAt(chars: string[], i: number): { char: string; end: number } {
  return chars[i] === '\\' && i + 1 < chars.length ? { char: chars[i + 1]!, end: i + 1 } : { char: chars[i]!, end: i };
}

function escapeLiteral(ch: string): string {
  return ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function escapeMember(ch: string): string {
  return ch.replace(/[\\\]\[^-]/g, '\\$&');
}

/** strcmp() order, which is glob's in the C locale. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
