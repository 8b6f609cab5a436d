/**
 * What a step cost the VIP's users: the client probe's lines, and the failover figures from the
 * observer's events and the probe's requests (a freeze, an unfreeze, a step where nothing moved).
 */
import { describe, expect, it } from 'vitest';
import { failoverFigures, type FailoverInput } from '../../runner/grade/failover-figures.ts';
import { isAnswer, parseProbeLine, parseSentLine } from '../../runner/observe/client-probe.ts';
import type { HttpEvent, LabEvent } from '../../runner/shared/events.ts';
import { describeFigures } from '../../runner/shared/failover-text.ts';

const T0 = 1_800_000_000_000;
const VIP = '10.88.10.100';

describe('parseProbeLine', () => {
  it('reads an answer, naming the node its page names', () => {
    expect(parseProbeLine(`P ${T0} ${T0 + 2} ok 200 lb1`)).toEqual({ type: 'http', t: T0, end: T0 + 2, node: 'client', result: 'ok', status: 200, answeredBy: 'lb1' });
  });
  it('reads a request that got no answer, and an answer that names no node', () => {
    expect(parseProbeLine(`P ${T0} ${T0 + 500} timeout 0 -`)).toEqual({ type: 'http', t: T0, end: T0 + 500, node: 'client', result: 'timeout', status: 0 });
    expect(parseProbeLine(`P ${T0} ${T0 + 1} ok 404 -`)).toMatchObject({ result: 'ok', status: 404 });
    expect(parseProbeLine(`P ${T0} ${T0 + 1} ok 404 -`)).not.toHaveProperty('answeredBy');
  });
  it('reads when a request was sent (the probe says so for each, to tell which are still out)', () => {
    expect(parseSentLine(`S ${T0}`)).toBe(T0);
    expect(parseSentLine(`P ${T0} ${T0 + 2} ok 200 lb1`)).toBeUndefined();
  });
  it('ignores the ticks and anything that is not a request line', () => {
    expect(parseProbeLine(`T ${T0}`)).toBeUndefined();
    expect(parseProbeLine(`P ${T0} ${T0} lost 0 -`)).toBeUndefined();
    expect(parseProbeLine('kalab-pid 42')).toBeUndefined();
  });
  it('counts an HTTP answer below 500 as an answer, and nothing else', () => {
    expect(isAnswer(parseProbeLine(`P ${T0} ${T0 + 1} ok 200 lb1`)!)).toBe(true);
    expect(isAnswer(parseProbeLine(`P ${T0} ${T0 + 1} ok 503 -`)!)).toBe(false);
    expect(isAnswer(parseProbeLine(`P ${T0} ${T0 + 1} refused 0 -`)!)).toBe(false);
  });
});

/** A request every 50 ms from `from` (ms after T0) to `to`, answered by `node` or, when it is null, lost. */
function requests(from: number, to: number, node: string | null): HttpEvent[] {
  const out: HttpEvent[] = [];
  for (let t = from; t < to; t += 50) {
    out.push(
      node
        ? { type: 'http', t: T0 + t, end: T0 + t + 2, node: 'client', result: 'ok', status: 200, answeredBy: node }
        : { type: 'http', t: T0 + t, end: T0 + t + 500, node: 'client', result: 'timeout', status: 0 },
    );
  }
  return out;
}

const vip = (ms: number, node: 'lb1' | 'lb2', held: boolean): LabEvent => ({ type: 'vip', t: T0 + ms, node, held, iface: 'eth0', address: VIP });
const run = (ms: number, node: 'lb1' | 'lb2', state: 'frozen' | 'running'): LabEvent => ({ type: 'node', t: T0 + ms, node, state });

describe('failoverFigures', () => {
  // lb1 holds the VIP and freezes at T0 + 10; lb2 adds the VIP at T0 + 380; the client asked every 50 ms.
  const crash: FailoverInput = {
    vip: VIP,
    startedAt: T0,
    before: { holders: ['lb1'], runningHolders: ['lb1'] },
    events: [run(10, 'lb1', 'frozen'), vip(380, 'lb2', true)],
    requests: [...requests(-100, 0, 'lb1'), ...requests(0, 400, null), ...requests(400, 1000, 'lb2')],
  };

  it('times a freeze: the VIP on the backup alone, the client from its last answer to its first answer after', () => {
    expect(failoverFigures(crash)).toEqual({
      from: 'lb1',
      to: 'lb2',
      failoverMs: 380,
      // last answer before: sent at -50, ended at -48; first after: sent at 400, ended at 402.
      outageMs: 450,
      failedRequests: 8,
      requests: 20,
    });
  });

  it("takes the backup's first answer for the takeover when the observer heard of it later (a busy host)", () => {
    const late = { ...crash, events: [run(10, 'lb1', 'frozen'), vip(900, 'lb2', true)] };
    // lb2 answered the request sent at 400 at 402: it had the VIP by then.
    expect(failoverFigures(late)).toMatchObject({ failoverMs: 402, outageMs: 450 });
  });

  it('counts the frozen node as gone the moment it froze, whatever its interface still holds', () => {
    // lb2 had the VIP early, before lb1 froze: lb1 still answered, so lb2 is alone only from the freeze.
    const early = { ...crash, events: [vip(5, 'lb2', true), run(10, 'lb1', 'frozen')] };
    expect(failoverFigures(early)).toMatchObject({ failoverMs: 10 });
  });

  it('times an unfreeze: the old master is back, and the VIP is its alone once the other lets it go', () => {
    const recover: FailoverInput = {
      vip: VIP,
      startedAt: T0,
      before: { holders: ['lb1', 'lb2'], runningHolders: ['lb2'] },
      events: [run(20, 'lb1', 'running'), vip(25, 'lb2', false)],
      requests: [...requests(-100, 1000, 'lb2')],
    };
    expect(failoverFigures(recover)).toEqual({ from: 'lb2', to: 'lb1', failoverMs: 25, outageMs: 0, failedRequests: 0, requests: 20 });
  });

  it('says the client was not answered again when the failures run to the end', () => {
    const stillDown = { ...crash, requests: [...requests(-100, 0, 'lb1'), ...requests(0, 1000, null)] };
    expect(failoverFigures(stillDown)).toMatchObject({ outageMs: null, failedRequests: 20, requests: 20 });
  });

  it('gives only the failover time when the client was not probed', () => {
    const { requests: _, ...unprobed } = crash;
    expect(failoverFigures(unprobed)).toEqual({ from: 'lb1', to: 'lb2', failoverMs: 380 });
  });

  it('gives nothing for a step whose VIP did not move, or had no holder to move from', () => {
    expect(failoverFigures({ ...crash, events: [] })).toBeUndefined();
    expect(failoverFigures({ ...crash, before: { holders: [], runningHolders: [] }, events: [vip(3600, 'lb1', true)] })).toBeUndefined();
    // Back on the node it started on: no failover either.
    expect(failoverFigures({ ...crash, events: [vip(100, 'lb2', true), vip(100, 'lb1', false), vip(200, 'lb1', true), vip(200, 'lb2', false)] })).toBeUndefined();
  });

  it("ignores another VIP's events", () => {
    const other: LabEvent = { type: 'vip', t: T0 + 50, node: 'lb2', held: true, iface: 'eth0', address: '10.88.10.101' };
    expect(failoverFigures({ ...crash, events: [other] })).toBeUndefined();
  });
});

describe('describeFigures', () => {
  it('words the figures in one line, as the reports and the timeline show them', () => {
    expect(describeFigures({ from: 'lb1', to: 'lb2', failoverMs: 380, outageMs: 450, failedRequests: 8, requests: 20 })).toBe('lb1 → lb2 in 0.38 s; outage 0.45 s, 8 of 20 requests failed');
    expect(describeFigures({ from: 'lb2', to: 'lb1', failoverMs: 25, outageMs: 0, failedRequests: 0, requests: 1 })).toBe('lb2 → lb1 in 0.03 s; no outage, 0 of 1 request failed');
    expect(describeFigures({ from: 'lb1', to: 'lb2', failoverMs: 3650, outageMs: null, failedRequests: 9, requests: 9 })).toBe('lb1 → lb2 in 3.65 s; the client was not answered again, 9 of 9 requests failed');
    expect(describeFigures({ from: 'lb1', to: 'lb2', failoverMs: 700 })).toBe('lb1 → lb2 in 0.70 s; the client was not probed');
  });
});
