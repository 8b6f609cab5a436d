/**
 * A line diff of the learner's file against the lab's reference solution, for "Show solution" in
 * the editor tab: the longest common subsequence of lines (keepalived configs and notify scripts
 * are tens of lines, so the quadratic table is small), removed lines before added ones in each
 * change, and long unchanged runs folded to a few lines of context. By default lines that differ
 * only in whitespace (tabs for spaces, indentation, trailing blanks) are the same: keepalived reads
 * them the same way.
 */

export type DiffOp = 'same' | 'del' | 'add';

export interface DiffLine {
  op: DiffOp;
  /** The line's text: the learner's for `same` and `del`, the reference's for `add`. */
  text: string;
  /** Its number in the learner's file (same, del), from 1. */
  mine?: number;
  /** Its number in the reference (same, add), from 1. */
  ref?: number;
}

/** A folded run of unchanged lines. */
export interface DiffSkip {
  op: 'skip';
  count: number;
}

export interface DiffOptions {
  /** Lines equal but for whitespace count as the same (default true). */
  ignoreWhitespace?: boolean;
}

/** Above this many table cells (lines × lines, after the common ends), the middle is shown as replaced. */
const MAX_CELLS = 4_000_000;

/** A text's lines; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const squeeze = (line: string) => line.trim().replace(/\s+/g, ' ');

export function diffLines(mine: string, reference: string, options: DiffOptions = {}): DiffLine[] {
  const a = splitLines(mine);
  const b = splitLines(reference);
  const key = options.ignoreWhitespace === false ? (l: string) => l : squeeze;
  const ka = a.map(key);
  const kb = b.map(key);
  const out: DiffLine[] = [];
  const same = (i: number, j: number) => out.push({ op: 'same', text: a[i]!, mine: i + 1, ref: j + 1 });
  const del = (i: number) => out.push({ op: 'del', text: a[i]!, mine: i + 1 });
  const add = (j: number) => out.push({ op: 'add', text: b[j]!, ref: j + 1 });

  // The common beginning and end need no table.
  let start = 0;
  while (start < a.length && start < b.length && ka[start] === kb[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && ka[endA - 1] === kb[endB - 1]) {
    endA--;
    endB--;
  }
  for (let i = 0; i < start; i++) same(i, i);

  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) del(i);
    for (let j = start; j < endB; j++) add(j);
  } else {
    // lcs[i][j]: the longest common subsequence of a[start+i..endA) and b[start+j..endB).
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] = ka[start + i] === kb[start + j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    // Within a change, removed lines come before added ones: collect both, flush at each common line.
    let dels: number[] = [];
    let adds: number[] = [];
    const flush = () => {
      for (const d of dels) del(d);
      for (const x of adds) add(x);
      dels = [];
      adds = [];
    };
    while (i < n || j < m) {
      if (i < n && j < m && ka[start + i] === kb[start + j]) {
        flush();
        same(start + i, start + j);
        i++;
        j++;
      } else if (j >= m || (i < n && lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        dels.push(start + i);
        i++;
      } else {
        adds.push(start + j);
        j++;
      }
    }
    flush();
  }
  for (let k = 0; k < a.length - endA; k++) same(endA + k, endB + k);
  return out;
}

/** How many lines the reference adds and the learner's file has that the reference does not. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.op === 'add') added++;
    else if (l.op === 'del') removed++;
  }
  return { added, removed };
}

/** Fold unchanged runs longer than twice the context: `context` lines stay on each side of a change. */
export function foldDiff(lines: readonly DiffLine[], context = 3): (DiffLine | DiffSkip)[] {
  const out: (DiffLine | DiffSkip)[] = [];
  let k = 0;
  while (k < lines.length) {
    if (lines[k]!.op !== 'same') {
      out.push(lines[k]!);
      k++;
      continue;
    }
    let end = k;
    while (end < lines.length && lines[end]!.op === 'same') end++;
    const keepBefore = k === 0 ? 0 : context;
    const keepAfter = end === lines.length ? 0 : context;
    const run = end - k;
    if (run > keepBefore + keepAfter + 1) {
      out.push(...lines.slice(k, k + keepBefore));
      out.push({ op: 'skip', count: run - keepBefore - keepAfter });
      out.push(...lines.slice(end - keepAfter, end));
    } else {
      out.push(...lines.slice(k, end));
    }
    k = end;
  }
  return out;
}
