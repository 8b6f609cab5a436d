/**
 * Hot starts, like Instruqt's hot-start pools and Educates' reserved sessions: a few copies of a
 * lab started ahead of time (each on a subnet of the pool, its eyes already seeing), so that a
 * learner's Start takes one at once instead of waiting for Docker. A taken copy is replaced in the
 * background, one start at a time so that refilling never competes much with learners' own
 * starts. Each copy also holds a login shell open on every node, so the first terminal is instant. A copy is fresh: no learner has touched it, no solution is laid over it.
 */
import { randomBytes } from 'node:crypto';
import type { LabDefinition } from '../lab/definition.ts';
import { startObservedLab, type ObservedLab } from '../observe/start-observed-lab.ts';
import type { EngineProvider } from './live-lab.ts';
import { PreopenedShells } from './preopened-shells.ts';

/** A copy in the pool: the lab, its observer, and a shell already open on each node. */
export interface HotCopy extends ObservedLab {
  shells?: PreopenedShells;
}

export interface HotPoolOptions {
  engine: EngineProvider;
  log: (line: string) => void;
  /** Copies kept ready per lab. */
  size: number;
  /** Subnets for the copies (runner/engine/subnet-pool.ts). */
  subnetPool: string;
  /**
   * How many more lab copies the host may hold now (the classroom's --max-sessions less the
   * learners' running copies and this pool's): the pool fills only into that room, so a pool as
   * big as the class (a reserved pool, filled before the lesson) never doubles it once taken.
   */
  room?: () => number;
}

/** Remove a copy nobody will take: its shells, its observer, its containers (errors ignored: it is going anyway). */
export async function discardCopy(copy: HotCopy): Promise<void> {
  copy.shells?.close();
  await copy.observer.stop().catch(() => undefined);
  await copy.lab.teardown().catch(() => undefined);
}

/** Pool copies are named so: a restarted workbench knows them for leftovers. */
export const POOL_INSTANCE_PREFIX = 'pool-';

export class HotPool {
  private readonly ready = new Map<string, HotCopy[]>();
  private readonly labs = new Map<string, LabDefinition>();
  private filling: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: HotPoolOptions) {}

  /** Keep `opts.size` copies of this lab ready from now on (filled in the background). */
  keepReady(lab: LabDefinition): void {
    if (this.labs.has(lab.id) || this.opts.size < 1) return;
    this.labs.set(lab.id, lab);
    this.refill();
  }

  /** A ready copy of the lab, or undefined (the pool is empty: the caller starts one itself). */
  take(labId: string): HotCopy | undefined {
    const copy = this.ready.get(labId)?.shift();
    if (copy) this.refill();
    return copy;
  }

  readyCount(labId: string): number {
    return this.ready.get(labId)?.length ?? 0;
  }

  /** Copies ready, every lab together. */
  get total(): number {
    return [...this.ready.values()].reduce((sum, copies) => sum + copies.length, 0);
  }

  /** Room on the host may have come free (a learner's copy went away): fill up again. */
  roomChanged(): void {
    if (this.labs.size > 0 && !this.closed) this.refill();
  }

  /** Remove every copy not taken; stop refilling. */
  async close(): Promise<void> {
    this.closed = true;
    await this.filling.catch(() => undefined);
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(all.map(discardCopy));
  }

  private refill(): void {
    this.filling = this.filling.then(async () => {
      for (const lab of this.labs.values()) {
        const ready = this.ready.get(lab.id) ?? [];
        this.ready.set(lab.id, ready);
        while (!this.closed && ready.length < this.opts.size && (this.opts.room?.() ?? 1) > 0) {
          try {
            const { docker, image } = await this.opts.engine();
            const instance = `${POOL_INSTANCE_PREFIX}${lab.id}-${randomBytes(3).toString('hex')}`;
            const copy: HotCopy = await startObservedLab(docker, lab, { image, instance, subnet: { pool: this.opts.subnetPool } });
            // The learner's first term.open then finds its prompt waiting (preopened-shells.ts).
            copy.shells = await PreopenedShells.open(lab.nodes, (node, size) => copy.lab.shell(node, size));
            if (this.closed) {
              await discardCopy(copy);
              return;
            }
            ready.push(copy);
          } catch (err) {
            this.opts.log(`hot pool: could not start a copy of ${lab.id}: ${(err as Error).message}`);
            return; // tried again on the next take
          }
        }
      }
    });
  }
}
