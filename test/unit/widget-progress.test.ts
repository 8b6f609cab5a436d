import { describe, expect, it } from 'vitest';
import { clearProgress, clientId, loadProgress, mergeVerdicts, saveProgress, type KeyValueStorage } from '../../docs/.vitepress/theme/lab/progress-storage.ts';

class MapStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const v = (step: string, passed: boolean, checkedAt: number) => ({ step, passed, message: passed ? 'ok' : 'not yet', checkedAt, ms: 5 });

describe('progress storage', () => {
  it('round-trips verdicts per lab', () => {
    const s = new MapStorage();
    saveProgress(s, 'basic-vip', { start: v('start', true, 1) });
    saveProgress(s, 'nopreempt', { start: v('start', false, 2) });
    expect(loadProgress(s, 'basic-vip')).toEqual({ start: v('start', true, 1) });
    expect(loadProgress(s, 'nopreempt').start?.passed).toBe(false);
    clearProgress(s, 'basic-vip');
    expect(loadProgress(s, 'basic-vip')).toEqual({});
  });

  it('drops corrupt or foreign entries instead of breaking the page', () => {
    const s = new MapStorage();
    s.setItem('kalab:progress:basic-vip', '{not json');
    expect(loadProgress(s, 'basic-vip')).toEqual({});
    s.setItem('kalab:progress:basic-vip', JSON.stringify({ verdicts: { start: { step: 'start', passed: 'yes' }, failover: v('other', true, 1), preempt: v('preempt', true, 3) } }));
    expect(loadProgress(s, 'basic-vip')).toEqual({ preempt: v('preempt', true, 3) });
  });

  it('works without storage (private mode) and when storage throws', () => {
    expect(loadProgress(null, 'basic-vip')).toEqual({});
    const throwing: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(loadProgress(throwing, 'basic-vip')).toEqual({});
    expect(() => saveProgress(throwing, 'basic-vip', {})).not.toThrow();
    expect(clientId(throwing, () => 'abcdefghij')).toBe('abcdefghij');
  });

  it('keeps one client id per browser', () => {
    const s = new MapStorage();
    const first = clientId(s, () => 'client0001');
    expect(first).toBe('client0001');
    expect(clientId(s, () => 'client0002')).toBe('client0001');
    s.setItem('kalab:client', 'bad id!');
    expect(clientId(s, () => 'client0003')).toBe('client0003');
    expect(clientId(s)).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  it('mergeVerdicts keeps the latest verdict per step', () => {
    expect(mergeVerdicts({ a: v('a', true, 5) }, [v('a', false, 4), v('b', true, 1)])).toEqual({ a: v('a', true, 5), b: v('b', true, 1) });
    expect(mergeVerdicts({ a: v('a', true, 5) }, [v('a', false, 6)]).a?.passed).toBe(false);
  });
});
