/**
 * A classroom learner's lab runs on a subnet of its own (10.89.3.0/24) while the tutorial names the
 * lab's canonical one (10.88.1.0/24). The page shows the learner's own addresses: the text, the code
 * blocks (so a "run on lb1" click and the copy button carry them too) and the step commands. The
 * mapping is runner/lab/address-map.ts's, the one the server applies to solutions and diagnoses, so
 * page and server never disagree about what is an address.
 *
 * Two layers: `mapTextRun`, a pure function over the texts of one run of inline text (an address
 * may be split over several text nodes by syntax highlighting), and `PageAddresses`, a thin walker
 * over the page's nodes that keeps each text node's original so that mapping again (a second
 * lab.state, another subnet) starts from the tutorial's text, and leaving the page restores it.
 */
import { addressMap, type AddressMap } from '../../../../runner/lab/address-map.ts';

/** The part of a lab's view state that says which subnet the page should show. */
export interface SubnetPair {
  subnet: string;
  canonicalSubnet: string;
}

/** The map from the tutorial's addresses to the learner's, or null when they are the same (single-learner mode). */
export function pageAddressMap({ subnet, canonicalSubnet }: SubnetPair): AddressMap | null {
  if (!subnet || !canonicalSubnet || subnet === canonicalSubnet) return null;
  return addressMap(canonicalSubnet, subnet);
}

/** A command from the tutorial or the lab's steps, with the learner's own addresses. */
export function ownAddressText(pair: SubnetPair, text: string): string {
  return pageAddressMap(pair)?.apply(text).text ?? text;
}

/**
 * The texts of one run (consecutive text nodes of one block: "10.88" + ".1.100" in two highlighted
 * spans is one address), mapped. Each mapped address's new prefix goes to the node where the
 * address starts; the rest of every node keeps its characters, so highlighting stays as it was.
 */
export function mapTextRun(texts: readonly string[], map: AddressMap): { texts: string[]; replaced: number } {
  const joined = texts.join('');
  const { text: mapped, replaced } = map.apply(joined);
  if (replaced === 0) return { texts: [...texts], replaced };
  const owner: number[] = [];
  texts.forEach((text, k) => {
    for (let c = 0; c < text.length; c++) owner.push(k);
  });
  // Walk the original and the mapped text side by side. Outside a replacement they are equal; a
  // replacement is where the original has the canonical prefix and the mapped text the learner's.
  // Both are "a.b.c." forms and differ, so neither is a prefix of the other: no ambiguity.
  const fromDot = `${map.from}.`;
  const toDot = `${map.to}.`;
  const out: string[][] = texts.map(() => []);
  let i = 0;
  let j = 0;
  while (i < joined.length) {
    const into = out[owner[i]!]!;
    if (joined.startsWith(fromDot, i) && mapped.startsWith(toDot, j)) {
      into.push(map.to);
      i += map.from.length;
      j += map.to.length;
    } else {
      into.push(joined.charAt(i));
      i++;
      j++;
    }
  }
  return { texts: out.map((parts) => parts.join('')), replaced };
}

// ---- the DOM side: only what the walker needs, so a unit test can pass plain objects ----

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

export interface PageNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<PageNode>;
  getAttribute?(name: string): string | null;
}

/** Elements inside which text flows on: an address may span them. Any other element ends a run. */
const INLINE = new Set(['A', 'ABBR', 'B', 'CODE', 'EM', 'I', 'KBD', 'MARK', 'S', 'SAMP', 'SMALL', 'SPAN', 'STRONG', 'SUB', 'SUP', 'U', 'VAR']);
/** Never mapped: the lab widget itself (it shows the runner's own words), scripts, styles. */
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'TEXTAREA', 'INPUT']);
const WIDGET_CLASS = 'kalab-workbench';

function skipped(node: PageNode): boolean {
  if (SKIPPED.has(node.nodeName)) return true;
  const classes = node.getAttribute?.('class') ?? '';
  return classes.split(/\s+/).includes(WIDGET_CLASS);
}

/** The text nodes under `root` in document order, grouped into runs of inline text. */
export function textRuns(root: PageNode): PageNode[][] {
  const runs: PageNode[][] = [];
  let run: PageNode[] = [];
  const breakRun = () => {
    if (run.length) runs.push(run);
    run = [];
  };
  const visit = (node: PageNode) => {
    if (node.nodeType === TEXT_NODE) {
      run.push(node);
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    if (skipped(node)) return breakRun();
    const inline = INLINE.has(node.nodeName);
    if (!inline) breakRun();
    for (const child of Array.from(node.childNodes)) visit(child);
    if (!inline) breakRun();
  };
  for (const child of Array.from(root.childNodes)) visit(child);
  breakRun();
  return runs;
}

/** The learner's addresses in one part of the page (the lab page's `.vp-doc`), reversibly. */
export class PageAddresses {
  /** Each changed text node's text as the tutorial has it. */
  private readonly originals = new Map<PageNode, string>();

  constructor(private readonly root: PageNode) {}

  /** Show `map`'s addresses (null: the tutorial's own); returns how many addresses were mapped. */
  show(map: AddressMap | null): number {
    let replaced = 0;
    for (const run of textRuns(this.root)) {
      const texts = run.map((node) => this.originals.get(node) ?? node.nodeValue ?? '');
      const mapped = map ? mapTextRun(texts, map) : { texts, replaced: 0 };
      const shown = mapped.texts;
      replaced += mapped.replaced;
      run.forEach((node, k) => {
        const original = texts[k]!;
        if (shown[k] !== original) this.originals.set(node, original);
        else this.originals.delete(node);
        if (node.nodeValue !== shown[k]) node.nodeValue = shown[k]!;
      });
    }
    return replaced;
  }

  /** Put the tutorial's text back (the widget is leaving; VitePress may reuse these nodes). */
  restore(): void {
    for (const [node, text] of this.originals) node.nodeValue = text;
    this.originals.clear();
  }
}
