/**
 * The workbench's measure of a step it performs (a Freeze button): the client probe runs on until
 * the figures are final, then stops, and the figures are published once, for the timeline; the
 * step's Check finds the same measure.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StepMeasure } from '../../runner/grade/step-measure.ts';
import type { ClientProbe } from '../../runner/observe/client-probe.ts';
import { StepMeasures } from '../../runner/server/step-measures.ts';
import type { FailoverEvent, HttpEvent, LabEvent } from '../../runner/shared/events.ts';
import { fakeLab, fakeObserver, T0 } from './grade-fakes.ts';

const measure: { current?: StepMeasure } = {};
vi.mock('../../runner/grade/step-measure.ts', async (original) => ({
  ...(await original<typeof import('../../runner/grade/step-measure.ts')>()),
  startMeasure: vi.fn(async () => measure.current!),
}));
vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

function fakeProbe() {
  const emitter = new EventEmitter();
  const requests: HttpEvent[] = [];
  const stop = vi.fn(async () => undefined);
  const probe = {
    answers: () => [...requests],
    outstanding: () => 0,
    onEvent(listener: (e: LabEvent) => void) {
      emitter.on('r', listener);
      return () => emitter.off('r', listener);
    },
    stop,
  };
  const answer = (at: number, node: string | null) => {
    const r: HttpEvent = node
      ? { type: 'http', t: T0 + at, end: T0 + at + 2, node: 'client', result: 'ok', status: 200, answeredBy: node }
      : { type: 'http', t: T0 + at, end: T0 + at + 500, node: 'client', result: 'timeout', status: 0 };
    requests.push(r);
    emitter.emit('r', r);
  };
  return { probe: probe as unknown as ClientProbe, answer, stop };
}

describe('StepMeasures', () => {
  it('probes until the VIP has moved and the client is answered again, then publishes the figures once', async () => {
    const { lab } = fakeLab('10.88.10', {});
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const client = fakeProbe();
    client.answer(-50, 'lb1');
    measure.current = { startedAt: T0, before: obs.observer.vip(), probe: client.probe };
    const published: FailoverEvent[] = [];
    const measures = new StepMeasures({ lab, observer: obs.observer }, (e) => published.push(e));

    await measures.perform('crash', async () => obs.freeze('lb1'));
    expect(measures.measureOf('crash')).toBe(measure.current);
    client.answer(0, null);
    await vi.advanceTimersByTimeAsync(330);
    obs.hold('lb1', 'lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(client.stop).not.toHaveBeenCalled(); // the client has not been answered by lb2 yet
    client.answer(350, 'lb2');
    await vi.advanceTimersByTimeAsync(0);

    expect(client.stop).toHaveBeenCalledTimes(1);
    expect(published).toEqual([{ type: 'failover', t: T0 + 330, node: 'lb2', step: 'crash', from: 'lb1', to: 'lb2', failoverMs: 330, outageMs: 400, failedRequests: 1, requests: 2 }]);
    expect(measures.events()).toEqual(published);
  });

  it('stops probing and publishes nothing when the lab goes away first', async () => {
    const { lab } = fakeLab('10.88.10', {});
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const client = fakeProbe();
    measure.current = { startedAt: T0, before: obs.observer.vip(), probe: client.probe };
    const published: FailoverEvent[] = [];
    const measures = new StepMeasures({ lab, observer: obs.observer }, (e) => published.push(e));
    await measures.perform('crash', async () => obs.freeze('lb1'));
    await measures.stop();
    obs.hold('lb1', 'lb2');
    client.answer(350, 'lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(client.stop).toHaveBeenCalled();
    expect(published).toEqual([]);
  });
});
