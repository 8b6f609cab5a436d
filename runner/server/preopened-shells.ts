/**
 * Shells opened ahead of time in a hot-pool copy, one per node, so that a learner's first
 * term.open attaches to a shell whose prompt is already there. Opening one costs a `docker exec`
 * and a login bash (about 450 ms of the 480 ms measured from Start to a working terminal when
 * the pool held the lab but no shell); that is paid while the copy waits in the pool.
 *
 * Until a terminal takes it, nobody reads a shell's stream: it stays paused and keeps the prompt
 * bash printed, which the terminal's first read then delivers (and records for replays).
 */
import type { ShellSession } from '../engine/exec.ts';
import type { NodeName } from '../lab/definition.ts';

export type ShellOpen = (node: NodeName, size: { cols: number; rows: number }) => Promise<ShellSession>;

/** The size a shell is opened at before any page says its own (resized on take). */
const POOL_SIZE = { cols: 80, rows: 24 };

export class PreopenedShells {
  private constructor(private readonly shells: Map<NodeName, ShellSession>) {}

  /**
   * One shell per node; a node whose shell cannot open is left out (its terminal opens one on
   * demand, as without a pool): a missing head start is no reason to lose the copy.
   */
  static async open(nodes: readonly NodeName[], open: ShellOpen): Promise<PreopenedShells> {
    const shells = new Map<NodeName, ShellSession>();
    await Promise.all(
      nodes.map(async (node) => {
        try {
          const shell = await open(node, POOL_SIZE);
          shells.set(node, shell);
          // A shell that exits in the pool is no head start.
          void shell.exited.then(() => {
            if (shells.get(node) === shell) shells.delete(node);
          });
        } catch {
          // opened on demand instead
        }
      }),
    );
    return new PreopenedShells(shells);
  }

  /** The node's shell, once, at the page's size; undefined when there is none (open one then). */
  async take(node: NodeName, size: { cols: number; rows: number }): Promise<ShellSession | undefined> {
    const shell = this.shells.get(node);
    if (!shell) return undefined;
    this.shells.delete(node);
    await shell.resize(size.cols, size.rows);
    return shell;
  }

  get count(): number {
    return this.shells.size;
  }

  /** End the shells no terminal took (the copy goes away). */
  close(): void {
    for (const shell of this.shells.values()) shell.stream.destroy();
    this.shells.clear();
  }
}
