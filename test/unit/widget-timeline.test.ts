import { describe, expect, it } from 'vitest';
import { appendTimeline, formatClock, TimelineBuilder, type TimelineEntry } from '../../docs/.vitepress/theme/lab/timeline.ts';

describe('timeline', () => {
  it('formats HH:MM:SS.mmm in local time', () => {
    expect(formatClock(new Date(2025, 0, 2, 3, 4, 5, 6).getTime())).toBe('03:04:05.006');
    expect(formatClock(new Date(2025, 0, 2, 23, 59, 59, 999).getTime())).toBe('23:59:59.999');
  });

  it('keeps vip, node, vrrp and keepalived events and only priority changes of adverts', () => {
    const b = new TimelineBuilder();
    const ad = (t: number, priority: number, node = 'lb1') => ({ type: 'advert' as const, t, node: node as 'lb1', src: 'x', dst: '224.0.0.18', vrid: 51, priority, intervalS: 1, version: 2 });
    const lines = b.add([
      ad(1, 100),
      ad(2, 100),
      ad(2, 90, 'lb2'),
      { type: 'node', t: 3, node: 'lb1', state: 'frozen' },
      ad(4, 100),
      { type: 'node', t: 5, node: 'lb1', state: 'running' },
      ad(6, 0),
    ]);
    expect(lines.map((l) => [l.kind, l.text])).toEqual([
      ['priority', 'lb1 advertises priority 100'],
      ['priority', 'lb2 advertises priority 90'],
      ['node', 'lb1 frozen'],
      ['node', 'lb1 running'],
      ['priority', 'lb1 advertises priority 0 (was 100)'],
    ]);
    // Already seen: nothing new.
    expect(b.add([ad(1, 100), { type: 'node', t: 3, node: 'lb1', state: 'frozen' }])).toEqual([]);
    b.reset();
    expect(b.add([ad(1, 100)])).toHaveLength(1);
  });

  it('appendTimeline keeps order and the limit', () => {
    const e = (t: number): TimelineEntry => ({ key: String(t), t, node: 'lb1', kind: 'vip', text: String(t) });
    const list = [e(1), e(5)];
    appendTimeline(list, [e(3), e(7)], 3);
    expect(list.map((x) => x.t)).toEqual([3, 5, 7]);
  });
});
