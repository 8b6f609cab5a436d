/**
 * The side-by-side lab page (docs/.vitepress/theme/lab/split-layout.ts): when the page is a split
 * and the learner's choice of layout, and the divider's bounds, keys and storage.
 */
import { describe, expect, it } from 'vitest';
import type { KeyValueStorage } from '../../docs/.vitepress/theme/lab/progress-storage.ts';
import {
  DEFAULT_LAYOUT,
  DEFAULT_SPLIT,
  LAYOUT_STORAGE_KEY,
  MIN_TUTORIAL_PX,
  MIN_WORKBENCH_PX,
  SPLIT_STORAGE_KEY,
  canSplit,
  clampSplit,
  isSplit,
  loadLayout,
  loadSplit,
  saveLayout,
  saveSplit,
  splitBounds,
  splitFromKey,
  splitFromPointer,
  splitPercent,
  splitWidthPx,
} from '../../docs/.vitepress/theme/lab/split-layout.ts';

class MapStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

describe('side by side or stacked', () => {
  it('a wide window with a runner is a split until the learner chooses the stacked page', () => {
    expect(DEFAULT_LAYOUT).toBe('split');
    expect(isSplit({ wide: true, reachable: true, choice: 'split' })).toBe(true);
    expect(isSplit({ wide: true, reachable: true, choice: 'stacked' })).toBe(false);
  });

  it('a narrow window, or a page whose runner never answered, stacks whatever was chosen, and offers no choice', () => {
    for (const choice of ['split', 'stacked'] as const) {
      expect(isSplit({ wide: false, reachable: true, choice })).toBe(false);
      expect(isSplit({ wide: true, reachable: false, choice })).toBe(false);
    }
    expect(canSplit({ wide: false, reachable: true })).toBe(false);
    expect(canSplit({ wide: true, reachable: false })).toBe(false);
    // Where the split is possible the choice is offered, also while the stacked page is shown (to come back).
    expect(canSplit({ wide: true, reachable: true })).toBe(true);
  });

  it('the choice is remembered per browser, beside the divider; a garbled or unreadable entry is the default', () => {
    const storage = new MapStorage();
    expect(loadLayout(storage)).toBe('split');
    saveLayout(storage, 'stacked');
    expect(storage.map.get(LAYOUT_STORAGE_KEY)).toBe('stacked');
    expect(loadLayout(storage)).toBe('stacked');
    saveLayout(storage, 'split');
    expect(loadLayout(storage)).toBe('split');
    for (const raw of ['', 'Stacked', 'side-by-side', '1']) {
      storage.map.set(LAYOUT_STORAGE_KEY, raw);
      expect(loadLayout(storage), raw).toBe('split');
    }
    // The divider's share is a key of its own: choosing a layout leaves it alone.
    storage.map.set(SPLIT_STORAGE_KEY, '0.5');
    saveLayout(storage, 'stacked');
    expect(loadSplit(storage)).toBe(0.5);
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(loadLayout(broken)).toBe('split');
    expect(() => saveLayout(broken, 'stacked')).not.toThrow();
    expect(loadLayout(null)).toBe('split');
  });
});

describe('the divider is remembered per browser', () => {
  it('saves and loads the tutorial share', () => {
    const storage = new MapStorage();
    expect(loadSplit(storage)).toBeNull();
    saveSplit(storage, 0.5512345);
    expect(storage.map.get(SPLIT_STORAGE_KEY)).toBe('0.5512');
    expect(loadSplit(storage)).toBe(0.5512);
  });

  it('a garbled, out-of-range or unreadable entry is as if none were stored; a failing store is ignored', () => {
    const storage = new MapStorage();
    for (const raw of ['', 'wide', '0', '1', '-0.3', '7', 'NaN']) {
      storage.map.set(SPLIT_STORAGE_KEY, raw);
      expect(loadSplit(storage), raw).toBeNull();
    }
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(loadSplit(broken)).toBeNull();
    expect(() => saveSplit(broken, 0.4)).not.toThrow();
    expect(loadSplit(null)).toBeNull();
  });
});

describe('the divider stays where both panes can be used', () => {
  it('keeps the tutorial and the workbench above their minimum widths', () => {
    for (const width of [1200, 1366, 1920, 2560]) {
      const { min, max } = splitBounds(width);
      expect(Math.round(min * width)).toBe(MIN_TUTORIAL_PX);
      expect(Math.round((1 - max) * width)).toBe(MIN_WORKBENCH_PX);
      expect(clampSplit(0.01, width)).toBe(min);
      expect(clampSplit(0.99, width)).toBe(max);
      expect(clampSplit(DEFAULT_SPLIT, width)).toBe(DEFAULT_SPLIT);
    }
    expect(clampSplit(Number.NaN, 1366)).toBe(DEFAULT_SPLIT);
    // A share chosen on a wide screen is kept within bounds on a narrower one.
    expect(splitWidthPx(0.7, 1366)).toBe(1366 - MIN_WORKBENCH_PX);
    expect(splitWidthPx(0.5, 1920)).toBe(960);
  });

  it('follows the pointer', () => {
    expect(splitFromPointer(683, 1366)).toBe(0.5);
    expect(splitFromPointer(10, 1366)).toBe(splitBounds(1366).min);
    expect(splitFromPointer(1360, 1366)).toBe(splitBounds(1366).max);
  });

  it('moves with the arrow keys (Shift: five steps), Home and End; other keys do nothing', () => {
    expect(splitFromKey(0.5, 'ArrowLeft', false, 1920)).toBeCloseTo(0.48);
    expect(splitFromKey(0.5, 'ArrowRight', false, 1920)).toBeCloseTo(0.52);
    expect(splitFromKey(0.5, 'ArrowRight', true, 1920)).toBeCloseTo(0.6);
    expect(splitFromKey(0.5, 'PageDown', false, 1920)).toBeCloseTo(0.4);
    expect(splitFromKey(0.5, 'Home', false, 1920)).toBe(splitBounds(1920).min);
    expect(splitFromKey(0.5, 'End', false, 1920)).toBe(splitBounds(1920).max);
    expect(splitFromKey(splitBounds(1366).max, 'ArrowRight', false, 1366)).toBe(splitBounds(1366).max);
    expect(splitFromKey(0.5, 'Enter', false, 1920)).toBeNull();
    expect(splitPercent(0.4249)).toBe(42);
  });
});
