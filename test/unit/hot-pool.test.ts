/**
 * The hot pool's filling (runner/server/hot-pool.ts) with the lab start stubbed: it keeps `size`
 * copies per lab, each with its shells open, refills after a take, and fills only into the room
 * the host has (a classroom's --max-sessions less its running copies and the pool's), so a pool as
 * big as the class never doubles it once the learners have taken their copies.
 */
import { describe, expect, it, vi } from 'vitest';

let started = 0;
vi.mock('../../runner/observe/start-observed-lab.ts', () => ({
  startObservedLab: vi.fn(() => {
    started++;
    const lab = { teardown: vi.fn(() => Promise.resolve()), shell: vi.fn(() => Promise.reject(new Error('no shells in this test'))) };
    return Promise.resolve({ lab, observer: { stop: vi.fn(() => Promise.resolve()) }, mapped: [] });
  }),
}));

const { HotPool } = await import('../../runner/server/hot-pool.ts');
const { loadLab } = await import('../../runner/lab/registry.ts');
const definition = loadLab('basic-vip').definition;

/** Until the pool's background filling has done what it will (each start is a resolved promise here). */
async function settled(pool: InstanceType<typeof HotPool>): Promise<void> {
  await (pool as unknown as { filling: Promise<void> }).filling;
}

function poolOf(size: number, room?: () => number) {
  return new HotPool({ engine: () => Promise.resolve({ docker: {} as never, image: 'kalab/node:test' }), log: () => undefined, size, subnetPool: '10.89.0.0/16', ...(room ? { room } : {}) });
}

describe('HotPool', () => {
  it('keeps `size` copies ready and starts another for each one taken', async () => {
    started = 0;
    const pool = poolOf(2);
    pool.keepReady(definition);
    await settled(pool);
    expect(pool.readyCount('basic-vip')).toBe(2);
    expect(pool.take('basic-vip')).toBeDefined();
    await settled(pool);
    expect(pool.readyCount('basic-vip')).toBe(2);
    expect(started).toBe(3);
    await pool.close();
    expect(pool.total).toBe(0);
  });

  it('fills only into the room the host has, and again when room comes free', async () => {
    started = 0;
    let learners = 0;
    const maxSessions = 3;
    const pool: InstanceType<typeof HotPool> = poolOf(3, () => maxSessions - learners - pool.total);
    pool.keepReady(definition);
    await settled(pool);
    expect(pool.readyCount('basic-vip')).toBe(3); // a reserved pool as big as the class

    // Three learners take a copy each: the class is full, the pool stays empty.
    for (let i = 0; i < 3; i++) {
      expect(pool.take('basic-vip')).toBeDefined();
      learners++;
    }
    await settled(pool);
    expect(pool.total).toBe(0);
    expect(started).toBe(3);

    // One learner's copy goes away: the pool fills that room again, and no more.
    learners--;
    pool.roomChanged();
    await settled(pool);
    expect(pool.total).toBe(1);
    expect(started).toBe(4);
    await pool.close();
  });
});
