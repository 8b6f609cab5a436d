/**
 * Small pieces of Chinese shared by the zh renderers (diagnoses, failover figures, the CLI's
 * pretty reporter, the page's timeline). Pure TypeScript with no Node imports: the site's theme
 * imports it too.
 */

/** Nodes (or any words) as a Chinese sentence lists them: "lb1", "lb1 和 lb2", "lb1、lb2 和 web1". */
export function listZh(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('、')} 和 ${items[items.length - 1]}`;
}

/** Seconds with one decimal: "1.2 秒". */
export const seconds1 = (ms: number): string => `${(ms / 1000).toFixed(1)} 秒`;

/** Seconds with two decimals (the failover figures): "0.39 秒". */
export const seconds2 = (ms: number): string => `${(ms / 1000).toFixed(2)} 秒`;

/** Local wall-clock time with milliseconds, 19:02:03.120 (as runner/grade/withheld.ts prints it). */
export function clockTime(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A node's run state in words: 已冻结, 已停止, 运行中. */
export function runStateZh(run: string): string {
  return run === 'frozen' ? '已冻结' : run === 'stopped' ? '已停止' : run === 'running' ? '运行中' : run;
}
