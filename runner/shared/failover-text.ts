/**
 * A step's failover figures in one line of English, the same in the CLI's reports and in the
 * page's timeline (which imports this file): "lb1 → lb2 in 0.39 s; outage 0.45 s, 9 of 40
 * requests failed".
 */
import type { FailoverFigures } from './events.ts';

/** Seconds with two decimals: the figures are tenths of a second apart at advert_int 0.1. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function describeFigures(f: FailoverFigures): string {
  const moved = `${f.from} → ${f.to} in ${seconds(f.failoverMs)}`;
  if (f.requests === undefined) return `${moved}; the client was not probed`;
  const outage = f.outageMs === null ? `the client was not answered again` : f.outageMs === 0 ? 'no outage' : `outage ${seconds(f.outageMs!)}`;
  const failed = `${f.failedRequests} of ${f.requests} request${f.requests === 1 ? '' : 's'} failed`;
  return `${moved}; ${outage}, ${failed}`;
}
