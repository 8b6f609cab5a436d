/**
 * A step's failover figures in one line of Chinese, the twin of runner/shared/failover-text.ts:
 * "lb1 → lb2 用时 0.39 秒；中断 0.45 秒，40 个请求中有 9 个失败". Pure: the page's timeline imports it.
 */
import type { FailoverFigures } from '../../shared/events.ts';
import { seconds2 } from './words.ts';

export function describeFiguresZh(f: FailoverFigures): string {
  const moved = `${f.from} → ${f.to} 用时 ${seconds2(f.failoverMs)}`;
  if (f.requests === undefined) return `${moved}；未探测 client`;
  const outage = f.outageMs === null ? 'client 一直没有再得到应答' : f.outageMs === 0 ? '服务没有中断' : `中断 ${seconds2(f.outageMs!)}`;
  const failed = `${f.requests} 个请求中有 ${f.failedRequests} 个失败`;
  return `${moved}；${outage}，${failed}`;
}
