/**
 * Walks the item stream block by block with keepalived 2.2.7's rules, for the keyword handlers
 * (parser.ts, parse-*.ts) to call: a missing `{` is reported but the lines after it still belong
 * to the block; the first `}` ends it; a keyword keepalived does not know is ignored, and so is a
 * `{` after it, whose contents are then read as keywords of the enclosing block and whose `}`
 * closes the enclosing block. That is how a typo such as `vitual_ipaddress {` silently ends a
 * vrrp_instance early, and the warnings say so.
 *
 * Mirrors lib/parser.c: process_stream (keyword lookup, unknown keywords, sublevels), skip_block,
 * alloc_value_block (value blocks such as virtual_ipaddress), null_strvec ("missing a parameter").
 */
import { BLOCK_LABEL, GLOBAL_KEYWORDS, INSTANCE_KEYWORDS, KEYWORDS_OF, NEEDS_VALUE, ROOT_KEYWORDS, homeOf, type BlockKind } from './keywords.ts';
import type { Item, StmtItem } from './lexer.ts';
import { closest } from './suggest.ts';
import type { Place, Warning } from './warnings.ts';

export class BlockWalker {
  private pos = 0;

  constructor(
    private readonly items: readonly Item[],
    private readonly warnings: Warning[],
  ) {}

  warn(at: Place, message: string): void {
    this.warnings.push({ at, message });
  }

  next(): Item | undefined {
    return this.items[this.pos++];
  }

  private nextIsOpen(): boolean {
    return this.items[this.pos]?.kind === 'open';
  }

  /** Whether a statement after the current position passes `test` (for "it is defined further down"). */
  laterStatement(test: (stmt: StmtItem) => boolean): boolean {
    return this.items.slice(this.pos).some((i) => i.kind === 'stmt' && test(i));
  }

  /**
   * Reads a `{ ... }` sub-block with keepalived's rules: a missing `{` is reported but the lines
   * still belong to the block; the first `}` ends it; an unknown keyword's `{` is ignored.
   */
  block(opener: StmtItem, kind: BlockKind, onStatement: (stmt: StmtItem) => void, label = BLOCK_LABEL[kind]): void {
    if (this.nextIsOpen()) this.next();
    else this.warn(opener.at, `'{' missing after ${label}; keepalived reads the following lines as its contents anyway.`);
    let quiet = false; // inside the contents of a mistyped block: one warning already explains them
    for (let item = this.next(); item; item = this.next()) {
      if (item.kind === 'close') return;
      if (item.kind === 'open') {
        if (!quiet) this.warn(item.at, `unexpected '{' in ${label}; keepalived ignores it, so the next '}' closes ${label}.`);
        quiet = true;
        continue;
      }
      const keyword = item.words[0]!.text;
      if (KEYWORDS_OF[kind].has(keyword)) {
        if (item.words.length < 2 && NEEDS_VALUE[kind]?.has(keyword)) {
          this.warn(item.at, `'${keyword}' in ${label} needs a value; without one keepalived stops with "missing a parameter" and does not start.`);
          this.skipBlock();
          continue;
        }
        onStatement(item);
        continue;
      }
      if (!quiet) {
        const opensBlock = this.nextIsOpen();
        this.unknownKeyword(item, kind, label);
        if (opensBlock) {
          // (A top-level keyword here was already explained as a missing '}' above it.)
          if (homeOf(keyword, kind) !== 'root') {
            this.warn(
              item.at,
              `keepalived ignores the '{' after '${keyword}', so the '}' that was meant to close it closes ${label} instead; settings after it fall outside ${label}.`,
            );
          }
          this.next();
          quiet = true;
        }
      }
    }
    this.warn(opener.at, `${label} is not closed: a '}' is missing before the end of the file.`);
  }

  unknownKeyword(stmt: StmtItem, kind: BlockKind, label = BLOCK_LABEL[kind]): void {
    const keyword = stmt.words[0]!.text;
    const home = homeOf(keyword, kind);
    if (home === 'root') {
      this.warn(stmt.at, `'${keyword}' starts a top-level block, but ${label} is still open: a '}' is missing above this line. keepalived ignores this line and reads what follows as part of ${label}.`);
      return;
    }
    if (home) {
      this.warn(stmt.at, `'${keyword}' is not valid in ${label}; it belongs in ${BLOCK_LABEL[home]}. keepalived ignores it here.`);
      return;
    }
    const suggestion = closest(keyword, KEYWORDS_OF[kind]) ?? closest(keyword, [...INSTANCE_KEYWORDS, ...GLOBAL_KEYWORDS, ...ROOT_KEYWORDS]);
    const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';
    this.warn(stmt.at, `unknown keyword '${keyword}' in ${label}; keepalived ignores it.${hint}`);
  }

  /** Skips an optional `{ ... }` after a keyword, braces balanced. */
  skipBlock(): void {
    if (!this.nextIsOpen()) return;
    const start = this.next()!;
    let depth = 1;
    for (let item = this.next(); item; item = this.next()) {
      if (item.kind === 'open') depth++;
      else if (item.kind === 'close' && --depth === 0) return;
    }
    this.warn(start.at, `the block opened here is not closed: a '}' is missing before the end of the file.`);
  }

  /** The statements of a value block (`virtual_ipaddress { ... }`): one entry per line. */
  valueLines(opener: StmtItem): StmtItem[] {
    const keyword = opener.words[0]!.text;
    if (opener.words.length > 1) this.warn(opener.at, `'${keyword}' takes its values inside { }, one per line; '${opener.words.slice(1).map((w) => w.text).join(' ')}' is ignored.`);
    if (this.nextIsOpen()) this.next();
    else this.warn(opener.at, `'{' missing after ${keyword}; keepalived reads the following lines as its values until the next '}'.`);
    const lines: StmtItem[] = [];
    for (let item = this.next(); item; item = this.next()) {
      if (item.kind === 'close') return lines;
      if (item.kind === 'open') continue;
      lines.push(item);
    }
    this.warn(opener.at, `${keyword} is not closed: a '}' is missing before the end of the file.`);
    return lines;
  }

  /** keepalived ignores words beyond those a keyword takes; often a sign of two settings on one line. */
  extraWords(stmt: StmtItem, takes: number): void {
    if (stmt.words.length <= takes) return;
    const extra = stmt.words.slice(takes).map((w) => w.text).join(' ');
    this.warn(stmt.at, `'${stmt.words[0]!.text}' takes ${takes === 1 ? 'no value' : takes === 2 ? 'one value' : `${takes - 1} values`}; keepalived ignores '${extra}'. Put each setting on its own line.`);
  }

  /** The keyword's first value; a warning when there is none. */
  value(stmt: StmtItem, what: string): string | undefined {
    const v = stmt.words[1]?.text;
    if (v === undefined) this.warn(stmt.at, `'${stmt.words[0]!.text}' needs ${what}; keepalived ignores it.`);
    return v;
  }
}
