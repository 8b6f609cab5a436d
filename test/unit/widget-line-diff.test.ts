/** The editor's "Show solution" diff (docs/.vitepress/theme/lab/line-diff.ts). */
import { describe, expect, it } from 'vitest';
import { diffLines, diffStats, foldDiff, splitLines, type DiffLine } from '../../docs/.vitepress/theme/lab/line-diff.ts';

/** A diff as the page shows it: "  same", "- mine", "+ reference". */
const show = (lines: readonly DiffLine[]) => lines.map((l) => `${l.op === 'same' ? ' ' : l.op === 'del' ? '-' : '+'} ${l.text}`);

describe('diffLines', () => {
  it('equal texts are all the same lines, numbered in both', () => {
    const d = diffLines('a\nb\n', 'a\nb\n');
    expect(d).toEqual([
      { op: 'same', text: 'a', mine: 1, ref: 1 },
      { op: 'same', text: 'b', mine: 2, ref: 2 },
    ]);
    expect(diffStats(d)).toEqual({ added: 0, removed: 0 });
  });

  it('a changed line is removed then added, in place', () => {
    const mine = ['vrrp_instance VI_1 {', '    state MASTER', '    virtual_router_id 52', '    priority 100', '}'].join('\n');
    const ref = ['vrrp_instance VI_1 {', '    state MASTER', '    virtual_router_id 51', '    priority 100', '}'].join('\n');
    expect(show(diffLines(mine, ref))).toEqual([
      '  vrrp_instance VI_1 {',
      '      state MASTER',
      '-     virtual_router_id 52',
      '+     virtual_router_id 51',
      '      priority 100',
      '  }',
    ]);
  });

  it('lines only the reference has are added, lines only mine has are removed, with their numbers', () => {
    const d = diffLines('global_defs {\n}\nvrrp_strict\nx\n', 'global_defs {\n   router_id lb1\n}\nx\n');
    expect(show(d)).toEqual(['  global_defs {', '+    router_id lb1', '  }', '- vrrp_strict', '  x']);
    expect(d.find((l) => l.op === 'add')).toEqual({ op: 'add', text: '   router_id lb1', ref: 2 });
    expect(d.find((l) => l.op === 'del')).toEqual({ op: 'del', text: 'vrrp_strict', mine: 3 });
    expect(diffStats(d)).toEqual({ added: 1, removed: 1 });
  });

  it('whitespace differences are no difference by default (tabs, indentation, trailing blanks), unless asked', () => {
    const mine = 'vrrp_instance VI_1 {\n\tstate  BACKUP \n}';
    const ref = 'vrrp_instance VI_1 {\n    state BACKUP\n}\n';
    expect(diffStats(diffLines(mine, ref))).toEqual({ added: 0, removed: 0 });
    // The learner's own text is what a same line shows.
    expect(diffLines(mine, ref)[1]!.text).toBe('\tstate  BACKUP ');
    expect(diffStats(diffLines(mine, ref, { ignoreWhitespace: false }))).toEqual({ added: 1, removed: 1 });
  });

  it('an empty or missing file of the learner: every reference line is added', () => {
    expect(show(diffLines('', 'a\nb'))).toEqual(['+ a', '+ b']);
    expect(show(diffLines('a\r\nb\r\n', ''))).toEqual(['- a', '- b']);
  });

  it('finds the longest common run, not just the common ends', () => {
    expect(show(diffLines('x\na\nb\nc\ny', 'a\nq\nb\nc'))).toEqual(['- x', '  a', '+ q', '  b', '  c', '- y']);
  });

  it('splitLines: a final newline ends the last line', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a')).toEqual(['a']);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
  });
});

describe('foldDiff', () => {
  const text = (n: number, changeAt: number) => Array.from({ length: n }, (_, i) => (i === changeAt ? 'changed' : `line ${i}`)).join('\n');

  it('folds long unchanged runs, keeping three lines of context around each change', () => {
    const folded = foldDiff(diffLines(text(20, 10), text(20, -1)));
    expect(folded.map((l) => (l.op === 'skip' ? `… ${l.count}` : `${l.op} ${l.text}`))).toEqual([
      '… 7',
      'same line 7',
      'same line 8',
      'same line 9',
      'del changed',
      'add line 10',
      'same line 11',
      'same line 12',
      'same line 13',
      '… 6',
    ]);
  });

  it('a short unchanged run between changes stays whole; no change at all folds to one skip', () => {
    const folded = foldDiff(diffLines('a\nb\nc\nd', 'A\nb\nc\nD'));
    expect(folded.every((l) => l.op !== 'skip')).toBe(true);
    expect(foldDiff(diffLines(text(10, -1), text(10, -1)))).toEqual([{ op: 'skip', count: 10 }]);
  });
});
