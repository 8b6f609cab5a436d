/** The one wait primitive and its strategies, against a fake event source and fake timers. */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collect } from '../../runner/grade/wait/collect.ts';
import { firstBreak } from '../../runner/grade/wait/first-break.ts';
import { probe, PROBE_PACE_MS } from '../../runner/grade/wait/probe.ts';
import { until } from '../../runner/grade/wait/until.ts';
import { waitFor, type EventSource, type WaitResult } from '../../runner/grade/wait/wait-for.ts';
import type { LabEvent } from '../../runner/shared/events.ts';

const T0 = 1_000_000;

/** A fake event source: tests flip state and announce it, as the observer does on an event. */
function fakeSource() {
  const emitter = new EventEmitter();
  const source: EventSource = {
    onEvent(listener) {
      emitter.on('e', listener);
      return () => emitter.off('e', listener);
    },
  };
  const vipEvent = (): LabEvent => ({ type: 'vip', t: Date.now(), node: 'lb1', held: true, iface: 'eth0' });
  return { source, announce: (event: LabEvent = vipEvent()) => emitter.emit('e', event), listeners: () => emitter.listenerCount('e') };
}

/** Records when a wait ended, so tests can step the fake clock and look. */
function track<T>(p: Promise<WaitResult<T>>) {
  const state: { result?: WaitResult<T> } = {};
  void p.then((r) => (state.result = r));
  return state;
}

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

describe('waitFor, woken by events (until)', () => {
  it('does not judge before notBefore, even if the condition is already true', async () => {
    const { source } = fakeSource();
    const seen = track(waitFor(until(source, () => true), { notBefore: T0 + 3_000, deadline: T0 + 5_000 }));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result).toEqual({ ended: 'done', at: T0 + 3_000 });
  });

  it('ignores events before notBefore', async () => {
    const { source, announce } = fakeSource();
    const condition = vi.fn(() => true);
    const seen = track(waitFor(until(source, condition), { notBefore: T0 + 1_000, deadline: T0 + 5_000 }));
    announce();
    await vi.advanceTimersByTimeAsync(500);
    announce();
    expect(condition).not.toHaveBeenCalled();
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(500);
    expect(seen.result).toEqual({ ended: 'done', at: T0 + 1_000 });
  });

  it('is woken by an event after notBefore, without waiting for the deadline, and unsubscribes', async () => {
    const { source, announce, listeners } = fakeSource();
    let state = false;
    const seen = track(waitFor(until(source, () => state), { notBefore: T0 + 1_000, deadline: T0 + 10_000 }));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(seen.result).toBeUndefined();
    state = true;
    announce();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toEqual({ ended: 'done', at: T0 + 4_000 });
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails at the deadline when the condition never holds, after one last look', async () => {
    const { source } = fakeSource();
    const condition = vi.fn(() => false);
    const seen = track(waitFor(until(source, condition), { notBefore: T0, deadline: T0 + 2_500 }));
    await vi.advanceTimersByTimeAsync(2_499);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result).toEqual({ ended: 'deadline', at: T0 + 2_500 });
    expect(condition).toHaveBeenCalledTimes(2); // at the start and at the deadline: no polling in between
  });

  it('passes on the last look at the deadline when the condition became true without an event', async () => {
    const { source } = fakeSource();
    let state = false;
    const seen = track(waitFor(until(source, () => state), { deadline: T0 + 2_000 }));
    await vi.advanceTimersByTimeAsync(1_000);
    state = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen.result).toEqual({ ended: 'done', at: T0 + 2_000 });
  });

  it('gives up at once when aborted', async () => {
    const { source, listeners } = fakeSource();
    const controller = new AbortController();
    const seen = track(waitFor(until(source, () => false), { deadline: T0 + 100_000, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(700);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toEqual({ ended: 'aborted', at: T0 + 700 });
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up at once when the signal was aborted before the wait began', async () => {
    const { source, listeners } = fakeSource();
    const controller = new AbortController();
    controller.abort();
    await expect(waitFor(until(source, () => true), { deadline: T0 + 100_000, signal: controller.signal })).resolves.toEqual({ ended: 'aborted', at: T0 });
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('waitFor a first break (holds)', () => {
  it('reaches the deadline when nothing breaks the condition: the hold held', async () => {
    const { source, announce } = fakeSource();
    const seen = track(waitFor(firstBreak(source, () => true), { deadline: T0 + 10_000 }));
    await vi.advanceTimersByTimeAsync(5_000);
    announce();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result).toEqual({ ended: 'deadline', at: T0 + 10_000 });
  });

  it('ends at the first change that breaks it, with its time, without waiting out the hold', async () => {
    const { source, announce } = fakeSource();
    let state = true;
    const seen = track(waitFor(firstBreak(source, () => state), { deadline: T0 + 10_000 }));
    await vi.advanceTimersByTimeAsync(3_200);
    state = false;
    announce();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toEqual({ ended: 'done', at: T0 + 3_200 });
    // A change back later does not matter: the first break decided.
    state = true;
    announce();
    expect(seen.result).toEqual({ ended: 'done', at: T0 + 3_200 });
  });

  it('ends at once when the condition is false from the start', async () => {
    const { source } = fakeSource();
    await expect(waitFor(firstBreak(source, () => false), { deadline: T0 + 10_000 })).resolves.toEqual({ ended: 'done', at: T0 });
  });
});

describe('waitFor a collection window', () => {
  const advert = (t: number, dst: string): LabEvent => ({ type: 'advert', t, node: 'lb1', src: '10.88.4.11', dst, vrid: 51, priority: 100, intervalS: 1, version: 2 });
  const dstOf = (e: LabEvent) => (e.type === 'advert' ? e.dst : undefined);

  it('gathers what it picks from every event until the deadline, then ends with it', async () => {
    const { source, announce, listeners } = fakeSource();
    const seen = track(waitFor(collect(source, dstOf), { deadline: T0 + 3_000 }));
    announce(advert(T0, '10.88.4.12'));
    announce({ type: 'vrrp', t: T0, node: 'lb1', instance: 'VI_1', state: 'MASTER' });
    await vi.advanceTimersByTimeAsync(1_500);
    announce(advert(T0 + 1_500, '224.0.0.18'));
    await vi.advanceTimersByTimeAsync(1_499);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result).toEqual({ ended: 'deadline', at: T0 + 3_000, value: ['10.88.4.12', '224.0.0.18'] });
    expect(listeners()).toBe(0);
  });

  it('ends with what it has when aborted', async () => {
    const { source, announce } = fakeSource();
    const controller = new AbortController();
    const seen = track(waitFor(collect(source, dstOf), { deadline: T0 + 3_000, signal: controller.signal }));
    announce(advert(T0, '10.88.4.12'));
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toEqual({ ended: 'aborted', at: T0, value: ['10.88.4.12'] });
  });
});

describe('waitFor a probe, at a bounded pace', () => {
  it('tries at the start, then after 100, 250, 500 and every 1000 ms, and once more at the deadline', async () => {
    const tries: number[] = [];
    const seen = track(
      waitFor(
        probe(async () => {
          tries.push(Date.now() - T0);
          return { done: false, value: tries.length };
        }),
        { deadline: T0 + 3_000 },
      ),
    );
    await vi.advanceTimersByTimeAsync(3_000);
    expect(PROBE_PACE_MS).toEqual([100, 250, 500, 1000]);
    expect(tries).toEqual([0, 100, 350, 850, 1_850, 2_850, 3_000]);
    expect(seen.result).toEqual({ ended: 'deadline', at: T0 + 3_000, value: 7 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('paces from the end of a slow try, and lets a try under way at the deadline be the last', async () => {
    const tries: number[] = [];
    const slowTry = () =>
      new Promise<{ done: boolean; value: number }>((resolve) => {
        tries.push(Date.now() - T0);
        setTimeout(() => resolve({ done: false, value: tries.length }), 2_000);
      });
    const seen = track(waitFor(probe(slowTry), { deadline: T0 + 3_000 }));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(tries).toEqual([0, 2_100]);
    expect(seen.result).toBeUndefined(); // the second try runs past the deadline; its answer decides
    await vi.advanceTimersByTimeAsync(1_100);
    expect(seen.result).toEqual({ ended: 'deadline', at: T0 + 4_100, value: 2 });
    expect(tries).toEqual([0, 2_100]);
  });

  it('ends at the first try that says done, with its value', async () => {
    let n = 0;
    const seen = track(waitFor(probe(async () => ({ done: ++n === 3, value: `answer ${n}` })), { deadline: T0 + 10_000 }));
    await vi.advanceTimersByTimeAsync(350);
    expect(seen.result).toEqual({ ended: 'done', at: T0 + 350, value: 'answer 3' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts trying at notBefore', async () => {
    const tries: number[] = [];
    void waitFor(
      probe(async () => {
        tries.push(Date.now() - T0);
        return { done: true };
      }),
      { notBefore: T0 + 1_000, deadline: T0 + 5_000 },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(tries).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(tries).toEqual([1_000]);
  });

  it('tries once when the deadline has already passed', async () => {
    const probeOnce = vi.fn(async () => ({ done: false, value: 'timed out' }));
    const seen = track(waitFor(probe(probeOnce), { deadline: T0 - 5_000 }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(probeOnce).toHaveBeenCalledTimes(1);
    expect(seen.result).toEqual({ ended: 'deadline', at: T0, value: 'timed out' });
  });

  it('stops trying when aborted, and ignores the answer of the try under way', async () => {
    const controller = new AbortController();
    const probeOnce = vi.fn(() => new Promise<{ done: boolean }>((resolve) => setTimeout(() => resolve({ done: true }), 500)));
    const seen = track(waitFor(probe(probeOnce), { deadline: T0 + 5_000, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(200);
    controller.abort();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen.result).toEqual({ ended: 'aborted', at: T0 + 200 });
    expect(probeOnce).toHaveBeenCalledTimes(1);
  });

  it('rejects when a try throws', async () => {
    const p = waitFor(probe(async () => Promise.reject(new Error('no engine'))), { deadline: T0 + 5_000 });
    await expect(p).rejects.toThrow('no engine');
    expect(vi.getTimerCount()).toBe(0);
  });
});
