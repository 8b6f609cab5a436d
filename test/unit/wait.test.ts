import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awaitCondition, awaitHold, type ChangeSource } from '../../runner/grade/wait.ts';

/** A fake change source: tests flip state and announce it, as the observer does on an event. */
function fakeSource() {
  const emitter = new EventEmitter();
  const source: ChangeSource = {
    onEvent(listener) {
      emitter.on('e', listener);
      return () => emitter.off('e', listener);
    },
  };
  return { source, announce: () => emitter.emit('e'), listeners: () => emitter.listenerCount('e') };
}

describe('awaitCondition', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('does not judge before the settle window ends, even if the condition is already true', async () => {
    const { source } = fakeSource();
    const done = vi.fn();
    void awaitCondition(source, () => true, { notBefore: 1_003_000, deadline: 1_005_000 }).then(done);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledWith({ ok: true, at: 1_003_000 });
  });

  it('is woken by an event after the window, without waiting for the deadline', async () => {
    const { source, announce, listeners } = fakeSource();
    let state = false;
    const p = awaitCondition(source, () => state, { notBefore: 1_001_000, deadline: 1_010_000 });
    await vi.advanceTimersByTimeAsync(4_000);
    state = true;
    announce();
    await expect(p).resolves.toEqual({ ok: true, at: 1_004_000 });
    expect(listeners()).toBe(0);
  });

  it('fails at the deadline when the condition never holds', async () => {
    const { source } = fakeSource();
    const p = awaitCondition(source, () => false, { notBefore: 1_000_000, deadline: 1_002_500 });
    await vi.advanceTimersByTimeAsync(2_500);
    await expect(p).resolves.toEqual({ ok: false, at: 1_002_500 });
  });

  it('gives up at once when aborted', async () => {
    const { source } = fakeSource();
    const controller = new AbortController();
    const p = awaitCondition(source, () => false, { notBefore: 0, deadline: 1_100_000, signal: controller.signal });
    controller.abort();
    await expect(p).resolves.toMatchObject({ ok: false });
  });

  it('gives up at once when the signal was aborted before the wait began', async () => {
    const { source, listeners } = fakeSource();
    const controller = new AbortController();
    controller.abort();
    await expect(awaitCondition(source, () => false, { notBefore: 1_000_000, deadline: 1_100_000, signal: controller.signal })).resolves.toEqual({ ok: false, at: 1_000_000 });
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('awaitHold', () => {
  beforeEach(() => vi.useFakeTimers({ now: 2_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('holds when nothing breaks the condition until the end', async () => {
    const { source, announce } = fakeSource();
    const p = awaitHold(source, () => true, { until: 2_010_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    announce();
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(p).resolves.toEqual({ held: true });
  });

  it('fails at the first break, with its time, without waiting out the hold', async () => {
    const { source, announce } = fakeSource();
    let state = true;
    const p = awaitHold(source, () => state, { until: 2_010_000 });
    await vi.advanceTimersByTimeAsync(3_200);
    state = false;
    announce();
    await expect(p).resolves.toEqual({ held: false, brokeAt: 2_003_200 });
  });

  it('fails at once when the condition is false from the start', async () => {
    const { source } = fakeSource();
    await expect(awaitHold(source, () => false, { until: 2_010_000 })).resolves.toEqual({ held: false, brokeAt: 2_000_000 });
  });

  it('ends at once when the signal was aborted before the hold began', async () => {
    const { source, listeners } = fakeSource();
    const controller = new AbortController();
    controller.abort();
    await expect(awaitHold(source, () => true, { until: 2_010_000, signal: controller.signal })).resolves.toEqual({ held: false, brokeAt: 2_000_000 });
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
