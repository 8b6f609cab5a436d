/**
 * A lab page side by side, on a wide screen: the tutorial in a left pane that scrolls on its own,
 * the workbench (terminals, VIP panel, steps) fixed in the right pane at full height, and a
 * divider between them that the learner drags (or moves with the arrow keys), remembered in this
 * browser. Narrow screens keep the page as it was: the widget in the text, "dock to bottom". A
 * learner who prefers that page on a wide screen too chooses it in the widget's bar ("Stacked"),
 * also remembered in this browser.
 *
 * This file is the arithmetic and the storage, so a unit test can hold them; the widget applies it
 * (a class on <html>, the pane's width as a CSS variable, ../components/LabSplitDivider.vue).
 */
import type { KeyValueStorage } from './progress-storage.ts';

/** From this viewport width on, a lab page is a split (a 1366 px laptop is; a tablet is not). */
export const SPLIT_MIN_VIEWPORT = 1200;
export const SPLIT_MEDIA_QUERY = `(min-width: ${SPLIT_MIN_VIEWPORT}px)`;
/** The tutorial pane's share of the window, until the learner moves the divider. */
export const DEFAULT_SPLIT = 0.42;
/** Narrower than this, a tutorial's code blocks and tables no longer read. */
export const MIN_TUTORIAL_PX = 380;
/** Narrower than this, the terminal is under 70 columns and the VIP table wraps. */
export const MIN_WORKBENCH_PX = 560;
/** One arrow key press moves the divider this much of the window; with Shift, five times as much. */
export const KEY_STEP = 0.02;

export const SPLIT_STORAGE_KEY = 'kalab:split';
export const LAYOUT_STORAGE_KEY = 'kalab:layout';

/** The learner's choice of page on a wide screen: the split, or the page as narrow screens have it. */
export type LayoutChoice = 'split' | 'stacked';
/** Until the learner chooses, a wide screen gets the split. */
export const DEFAULT_LAYOUT: LayoutChoice = 'split';

export interface LayoutConditions {
  /** The window is at least SPLIT_MIN_VIEWPORT wide. */
  wide: boolean;
  /** The runner answered: the widget is more than its note (a static copy keeps its plain page). */
  reachable: boolean;
  choice: LayoutChoice;
}

/** Whether a split is possible here at all, so the choice between the two layouts is worth offering. */
export function canSplit(c: Omit<LayoutConditions, 'choice'>): boolean {
  return c.wide && c.reachable;
}

/** Whether the page is a split now: where one is possible, unless the learner chose the stacked page. */
export function isSplit(c: LayoutConditions): boolean {
  return canSplit(c) && c.choice === 'split';
}

/** The learner's layout, as stored (the default when never chosen, or storage unavailable or garbled). */
export function loadLayout(storage: KeyValueStorage | null): LayoutChoice {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(LAYOUT_STORAGE_KEY) ?? null;
  } catch {
    return DEFAULT_LAYOUT;
  }
  return raw === 'split' || raw === 'stacked' ? raw : DEFAULT_LAYOUT;
}

export function saveLayout(storage: KeyValueStorage | null, choice: LayoutChoice): void {
  try {
    storage?.setItem(LAYOUT_STORAGE_KEY, choice);
  } catch {
    // Storage disabled or full: the choice lasts as long as the page.
  }
}

/** The shares of the window the tutorial pane may take at this width. */
export function splitBounds(viewportWidth: number): { min: number; max: number } {
  const w = Math.max(1, viewportWidth);
  const min = Math.min(MIN_TUTORIAL_PX / w, 0.5);
  const max = Math.max(1 - MIN_WORKBENCH_PX / w, min);
  return { min, max };
}

/** The share the tutorial gets at this width: the learner's choice, kept within the bounds. */
export function clampSplit(fraction: number, viewportWidth: number): number {
  const { min, max } = splitBounds(viewportWidth);
  if (!Number.isFinite(fraction)) return Math.min(Math.max(DEFAULT_SPLIT, min), max);
  return Math.min(Math.max(fraction, min), max);
}

/** The divider under the pointer at `clientX`. */
export function splitFromPointer(clientX: number, viewportWidth: number): number {
  return clampSplit(clientX / Math.max(1, viewportWidth), viewportWidth);
}

/**
 * The divider after a key press, or null for a key that does not move it: arrows by a step (Shift:
 * five), Home and End to the narrowest and widest tutorial, PageUp/PageDown as Shift+arrows.
 */
export function splitFromKey(fraction: number, key: string, shift: boolean, viewportWidth: number): number | null {
  const { min, max } = splitBounds(viewportWidth);
  const step = shift ? KEY_STEP * 5 : KEY_STEP;
  switch (key) {
    case 'ArrowLeft':
      return clampSplit(fraction - step, viewportWidth);
    case 'ArrowRight':
      return clampSplit(fraction + step, viewportWidth);
    case 'PageDown':
      return clampSplit(fraction - KEY_STEP * 5, viewportWidth);
    case 'PageUp':
      return clampSplit(fraction + KEY_STEP * 5, viewportWidth);
    case 'Home':
      return min;
    case 'End':
      return max;
    default:
      return null;
  }
}

/** The divider's position for assistive technology: the tutorial's share in whole percent. */
export function splitPercent(fraction: number): number {
  return Math.round(fraction * 100);
}

/** The learner's divider, as stored (null: never moved, or storage unavailable or garbled). */
export function loadSplit(storage: KeyValueStorage | null): number | null {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(SPLIT_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
  if (raw === null) return null;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 && value < 1 ? value : null;
}

export function saveSplit(storage: KeyValueStorage | null, fraction: number): void {
  try {
    storage?.setItem(SPLIT_STORAGE_KEY, fraction.toFixed(4));
  } catch {
    // Storage disabled or full: the divider lasts as long as the page.
  }
}

/** The tutorial pane's width in CSS pixels, as the page's CSS variable takes it. */
export function splitWidthPx(fraction: number, viewportWidth: number): number {
  return Math.round(clampSplit(fraction, viewportWidth) * viewportWidth);
}
