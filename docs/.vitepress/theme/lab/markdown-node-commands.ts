/**
 * markdown-it plugin (build time): a code block fenced as ```bash [lb1] is a command for node lb1.
 * Its wrapper gets data-node="lb1"; on a lab page the widget adds a "▶ run on lb1" button to it.
 * Without the runner (a static copy of the site) the block is an ordinary code block.
 *
 * Use it after VitePress's own plugins (`markdown: { config(md) { markdownNodeCommands(md) } }`):
 * VitePress strips the [title] from the fence info, so this reads it first.
 */
import { nodeFromFenceInfo } from './terminal-input.ts';

/** The part of markdown-it this plugin touches (typed here to keep the site config free of its types). */
interface FenceToken {
  info: string;
  attrGet?(name: string): string | null;
}
type FenceRule = (tokens: FenceToken[], idx: number, ...rest: any[]) => string;
interface MarkdownItLike {
  renderer: { rules: { fence?: FenceRule } };
}

export function markdownNodeCommands(md: MarkdownItLike): void {
  const previous = md.renderer.rules.fence;
  if (!previous) return;
  md.renderer.rules.fence = (tokens, idx, ...rest) => {
    const node = nodeFromFenceInfo(tokens[idx]?.info ?? '');
    const html = previous(tokens, idx, ...rest);
    if (!node) return html;
    return addNodeAttribute(html, node);
  };
}

/** Put data-node on the block's outer element (VitePress's <div class="language-…">). */
export function addNodeAttribute(html: string, node: string): string {
  const attr = ` data-node="${node}"`;
  const match = /^(\s*(?:<!--[\s\S]*?-->\s*)*)<(div|pre)\b/.exec(html);
  if (!match) return `<div${attr}>${html}</div>`;
  const at = match[0].length;
  return html.slice(0, at) + attr + html.slice(at);
}
