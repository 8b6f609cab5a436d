/**
 * A hot-pool copy's shells (runner/server/preopened-shells.ts): one per node, taken once at the
 * page's size, the rest ended with the copy; a node whose shell could not open or exited in the
 * pool has none (its terminal opens one on demand).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ShellSession } from '../../runner/engine/exec.ts';
import type { NodeName } from '../../runner/lab/definition.ts';
import { PreopenedShells } from '../../runner/server/preopened-shells.ts';

function fakeShell() {
  const sizes: { cols: number; rows: number }[] = [];
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const stream = new PassThrough();
  const session: ShellSession = { stream, exited, resize: (cols, rows) => (sizes.push({ cols, rows }), Promise.resolve()) };
  return { session, sizes, exit, stream };
}

describe('PreopenedShells', () => {
  it('opens one shell per node; each is taken once, at the size the page asks for', async () => {
    const shells = new Map<string, ReturnType<typeof fakeShell>>();
    const opened: { node: string; cols: number }[] = [];
    const pre = await PreopenedShells.open(['lb1', 'lb2'] as NodeName[], (node, size) => {
      opened.push({ node, cols: size.cols });
      const s = fakeShell();
      shells.set(node, s);
      return Promise.resolve(s.session);
    });
    expect(opened).toEqual([{ node: 'lb1', cols: 80 }, { node: 'lb2', cols: 80 }]);
    expect(pre.count).toBe(2);
    const lb1 = await pre.take('lb1' as NodeName, { cols: 132, rows: 40 });
    expect(lb1).toBe(shells.get('lb1')!.session);
    expect(shells.get('lb1')!.sizes).toEqual([{ cols: 132, rows: 40 }]);
    expect(await pre.take('lb1' as NodeName, { cols: 80, rows: 24 })).toBeUndefined();
    pre.close();
    expect(shells.get('lb2')!.stream.destroyed).toBe(true);
    expect(shells.get('lb1')!.stream.destroyed).toBe(false); // taken: the terminal owns it now
  });

  it('a shell that failed to open or exited in the pool is not handed out', async () => {
    const lb2 = fakeShell();
    const pre = await PreopenedShells.open(['lb1', 'lb2'] as NodeName[], (node) =>
      node === 'lb1' ? Promise.reject(new Error('exec refused')) : Promise.resolve(lb2.session),
    );
    expect(pre.count).toBe(1);
    lb2.exit(0);
    await lb2.session.exited;
    await Promise.resolve();
    expect(await pre.take('lb2' as NodeName, { cols: 80, rows: 24 })).toBeUndefined();
    expect(await pre.take('lb1' as NodeName, { cols: 80, rows: 24 })).toBeUndefined();
  });
});
