/**
 * Which engine holds a learner's lab: the one with the most room left (capacity minus the labs it
 * holds), each whole lab on one engine. A lab taken back after a restart stays where it runs.
 */
import type { EngineSpec } from '../engine/engines.ts';
import { copyImage, dockerFor } from '../engine/engines.ts';
import type { Engine, EngineProvider } from '../server/live-lab.ts';

export interface PlacedEngine extends Engine {
  name: string;
  pool: string;
}

interface Slot {
  spec: EngineSpec;
  ready?: Promise<Engine>;
  provide: () => Promise<Engine>;
}

export class EnginePlacer {
  private readonly slots: Slot[];
  /** Which engine each lab copy (by key) is on. */
  private readonly placed = new Map<string, string>();

  /**
   * `primary` is the engine kalab set up (images built there); `others` get the node image copied
   * from it on first use.
   */
  constructor(primary: { spec: EngineSpec; engine: EngineProvider }, others: readonly EngineSpec[] = []) {
    this.slots = [
      { spec: primary.spec, provide: primary.engine },
      ...others.map((spec) => ({
        spec,
        provide: async () => {
          const { docker: from, image } = await primary.engine();
          const docker = dockerFor(spec);
          await docker.ping();
          const has = await docker.getImage(image).inspect().then(() => true, () => false);
          if (!has) await copyImage(from, docker, image);
          return { docker, image };
        },
      })),
    ];
  }

  /** The engine for a lab copy: where it already is (or was, `preferred`), else where most room is left. */
  async place(key: string, preferred?: string): Promise<PlacedEngine> {
    const name = this.placed.get(key) ?? (preferred && this.slot(preferred) ? preferred : this.roomiest()?.spec.name);
    const slot = name ? this.slot(name) : undefined;
    if (!slot) throw new Error('every engine is full');
    this.placed.set(key, slot.spec.name);
    const engine = await (slot.ready ??= slot.provide().catch((err) => {
      slot.ready = undefined;
      throw err;
    }));
    return { ...engine, name: slot.spec.name, pool: slot.spec.pool };
  }

  release(key: string): void {
    this.placed.delete(key);
  }

  /** Labs held and capacity, per engine (the instructor page's footing). */
  load(): { name: string; labs: number; capacity: number }[] {
    return this.slots.map((s) => ({ name: s.spec.name, labs: this.held(s.spec.name), capacity: s.spec.capacity }));
  }

  get hosts(): string[] {
    return this.slots.map((s) => s.spec.host);
  }

  private held(name: string): number {
    return [...this.placed.values()].filter((n) => n === name).length;
  }

  private slot(name: string): Slot | undefined {
    return this.slots.find((s) => s.spec.name === name);
  }

  private roomiest(): Slot | undefined {
    const free = this.slots.map((s) => ({ s, room: s.spec.capacity - this.held(s.spec.name) })).filter((x) => x.room > 0);
    return free.sort((a, b) => b.room - a.room)[0]?.s;
  }
}
