/**
 * Turns the text of one config file into items (statements, braces and include lines), as
 * keepalived 2.2.7's read_line and alloc_strvec see it:
 *  - `#` and `!` start a comment anywhere outside double quotes (`\#` escapes one);
 *  - every `{` and `}` outside double quotes is a line of its own, so braces may sit on the
 *    keyword's line or the next one, and `authentication { auth_type PASS }` is three lines;
 *  - words are split on blanks, a double-quoted string is one word without its quotes;
 *  - a line, or the rest of a line after a brace, that starts `include` (or `includer`,
 *    `includem`, `includew`, `includeb`, `includea`) and a blank is an include line: the rest of
 *    the line is its pattern, braces and quotes included (includes.ts follows it).
 *
 * Mirrors lib/parser.c: decomment, read_line (its brace split and line_residue, and the
 * check_include call every line and every residue goes through), is_include, alloc_strvec_r,
 * and lib/notify.c alloc_strvec_quoted_escaped for script and notify commands.
 */
import type { Place, Warning } from './warnings.ts';

export interface Word {
  text: string;
  quoted: boolean;
}

export type Item =
  | { kind: 'stmt'; words: Word[]; raw: string; at: Place }
  | { kind: 'open'; at: Place }
  | { kind: 'close'; at: Place };

export type StmtItem = Extract<Item, { kind: 'stmt' }>;

/** `include` and its variants (lib/parser.c check_include); the letter chooses which failures are errors. */
export type IncludeVariant = '' | 'r' | 'm' | 'w' | 'b' | 'a';

export interface IncludeLine {
  kind: 'include';
  variant: IncludeVariant;
  /** As keepalived hands it to glob(3): the rest of the line, double quotes and all. */
  pattern: string;
  at: Place;
}

/** is_include(): `include`, an optional variant letter, a blank; check_include() skips the blanks after it. */
const INCLUDE_LINE = /^include([rmwba]?)\s+(.*)$/;

/** Lexes one file; `file` is unset for the main file, whose places name no file. */
export function lexFile(text: string, file?: string): { items: (Item | IncludeLine)[]; warnings: Warning[] } {
  const items: (Item | IncludeLine)[] = [];
  const warnings: Warning[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let warnedDefinitions = false;
  lines.forEach((physical, index) => {
    const at: Place = file === undefined ? { line: index + 1 } : { line: index + 1, file };
    const { text: content, unterminatedQuote } = stripComment(physical);
    const trimmed = content.trim();
    if (!trimmed) return;
    if (unterminatedQuote) warnings.push({ at, message: `a double quote is not closed; keepalived reads the rest of the line as one string.` });
    if (/^\$[A-Za-z_]\w*\s*=/.test(trimmed) || trimmed.startsWith('@')) {
      if (!warnedDefinitions) {
        warnings.push({ at, message: `parameter definitions ($NAME=...) and @conditional lines are not evaluated by the grader; write the values out.` });
        warnedDefinitions = true;
      }
      return;
    }
    // Every brace outside double quotes is an item of its own: read_line splits the line there and
    // reads the rest as the next line, which check_include may take for an include line.
    let rest = content;
    while (rest.trim()) {
      const include = INCLUDE_LINE.exec(rest.trim());
      if (include) {
        items.push({ kind: 'include', variant: include[1] as IncludeVariant, pattern: include[2]!.trim(), at });
        return;
      }
      const brace = firstBraceOutsideQuotes(rest);
      const raw = (brace === -1 ? rest : rest.slice(0, brace)).trim();
      if (raw) items.push({ kind: 'stmt', words: splitWords(raw), raw, at });
      if (brace === -1) return;
      items.push({ kind: rest[brace] === '{' ? 'open' : 'close', at });
      rest = rest.slice(brace + 1);
    }
  });
  return { items, warnings };
}

function firstBraceOutsideQuotes(text: string): number {
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote && (ch === '{' || ch === '}')) return i;
  }
  return -1;
}

/** keepalived's decomment(): `#` or `!` outside double quotes ends the line; `\#` and `\!` are literal. */
function stripComment(line: string): { text: string; unterminatedQuote: boolean } {
  let out = '';
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') inQuote = !inQuote;
    else if (ch === '\\' && !inQuote && (line[i + 1] === '#' || line[i + 1] === '!')) {
      out += line[i + 1];
      i++;
      continue;
    } else if (!inQuote && (ch === '#' || ch === '!')) break;
    out += ch;
  }
  return { text: out, unterminatedQuote: inQuote };
}

/** keepalived's alloc_strvec_r(): blanks separate words; "a quoted string" is one word without quotes. */
function splitWords(raw: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < raw.length) {
    while (i < raw.length && /\s/.test(raw[i]!)) i++;
    if (i >= raw.length) break;
    if (raw[i] === '"') {
      const end = raw.indexOf('"', i + 1);
      const stop = end === -1 ? raw.length : end;
      words.push({ text: raw.slice(i + 1, stop), quoted: true });
      i = stop + 1;
    } else {
      let j = i;
      while (j < raw.length && !/\s/.test(raw[j]!) && raw[j] !== '"') j++;
      words.push({ text: raw.slice(i, j), quoted: false });
      i = j;
    }
  }
  return words;
}

/**
 * keepalived's alloc_strvec_quoted_escaped(), used for `script` and `notify*` lines: shell-like
 * words, with '...' and "..." quoting (adjacent parts join) and backslash escapes.
 */
export function shellWords(raw: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < raw.length) {
    while (i < raw.length && /\s/.test(raw[i]!)) i++;
    if (i >= raw.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < raw.length; i++) {
      const ch = raw[i]!;
      if (ch === '\\' && i + 1 < raw.length) {
        const next = raw[++i]!;
        word += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
      } else if (quote) {
        if (ch === quote) quote = undefined;
        else word += ch;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (/\s/.test(ch)) break;
      else word += ch;
    }
    words.push(word);
  }
  return words;
}
