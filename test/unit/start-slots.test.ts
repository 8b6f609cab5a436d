/** The per-engine start queue (runner/engine/start-slots.ts): at most `limit` at once, the rest in order. */
import { describe, expect, it } from 'vitest';
import { startConcurrency, StartSlots, startSlotsOf } from '../../runner/engine/start-slots.ts';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('StartSlots', () => {
  it('runs at most `limit` at once and the rest in the order they asked, each told how many are ahead', async () => {
    const slots = new StartSlots(2);
    const gates = [gate(), gate(), gate(), gate()];
    const began: number[] = [];
    const queued: [number, number][] = [];
    const runs = gates.map((g, i) => slots.run(async () => {
      began.push(i);
      await g.opened;
      return i;
    }, (ahead) => queued.push([i, ahead])));
    await Promise.resolve();
    expect(began).toEqual([0, 1]);
    expect(queued).toEqual([[2, 2], [3, 3]]);
    gates[1]!.open();
    await runs[1];
    await Promise.resolve();
    expect(began).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(began).toEqual([0, 1, 2, 3]);
  });

  it('a start that fails frees its slot', async () => {
    const slots = new StartSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('no such image')))).rejects.toThrow('no such image');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('each engine has a queue of its own; the limit comes from KALAB_START_CONCURRENCY', () => {
    const a = {};
    expect(startSlotsOf(a)).toBe(startSlotsOf(a));
    expect(startSlotsOf(a)).not.toBe(startSlotsOf({}));
    expect(startConcurrency({})).toBe(6);
    expect(startConcurrency({ KALAB_START_CONCURRENCY: '8' })).toBe(8);
    expect(() => startConcurrency({ KALAB_START_CONCURRENCY: 'lots' })).toThrow(/whole number/);
  });
});
