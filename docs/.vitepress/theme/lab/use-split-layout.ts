/**
 * The lab widget's side of the side-by-side page (./split-layout.ts has the arithmetic, ../split.css
 * the layout): whether the page is a split now (a wide window, a runner that answered: a static
 * copy of the site keeps its plain page, and the learner has not chosen the stacked page), the
 * divider's share and that choice (both stored per browser), and what moves with the layout:
 * - entering or leaving the split keeps the reader's place (the block at the top of the text stays
 *   at the top);
 * - in the split, the tutorial pane scrolls on its own, so the page's own links to a heading
 *   (VitePress scrolls the window) scroll the pane instead;
 * - when the current step changes (a step passed), its section (the heading whose id is the step
 *   id, `### 2. … {#failover}`) comes to the top of the pane, and its row into view in the steps
 *   card. Not on the first load: a learner coming back starts where the page opens.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import type { KeyValueStorage } from './progress-storage.ts';
import {
  DEFAULT_SPLIT,
  SPLIT_MEDIA_QUERY,
  canSplit,
  isSplit,
  loadLayout,
  loadSplit,
  saveLayout,
  saveSplit,
  splitWidthPx,
  type LayoutChoice,
} from './split-layout.ts';

export const SPLIT_CLASS = 'kalab-split';
/** How long after a layout switch the reader's place is held while the page settles. */
const SETTLE_MS = 1000;
/** The left pane: VitePress's content area, made a scroll container by ../split.css. */
const PANE_SELECTOR = '.VPContent';
/** Room left above a heading scrolled to the top of the pane. */
const HEADING_MARGIN_PX = 16;

export interface SplitLayoutOptions {
  /** The widget is more than its "runner not running" note. */
  reachable: Ref<boolean>;
  storage: KeyValueStorage | null;
  /** The step the learner is on (the first not passed). */
  currentStep: Ref<string | undefined>;
  /** The widget's root element (for its steps card). */
  root: Ref<HTMLElement | undefined>;
}

export function useSplitLayout(options: SplitLayoutOptions) {
  const media = window.matchMedia(SPLIT_MEDIA_QUERY);
  const wide = ref(media.matches);
  const viewportWidth = ref(window.innerWidth);
  const splitFraction = ref(loadSplit(options.storage) ?? DEFAULT_SPLIT);
  const layout = ref<LayoutChoice>(loadLayout(options.storage));
  /** The two layouts are worth a choice only where a split is possible (narrow screens always stack). */
  const layoutChoosable = computed(() => canSplit({ wide: wide.value, reachable: options.reachable.value }));
  const split = computed(() => isSplit({ wide: wide.value, reachable: options.reachable.value, choice: layout.value }));

  const onMedia = () => (wide.value = media.matches);
  const onResize = () => (viewportWidth.value = window.innerWidth);
  const pane = () => document.querySelector<HTMLElement>(PANE_SELECTOR);
  const html = document.documentElement;

  function applyWidth() {
    if (split.value) html.style.setProperty('--kalab-split-left', `${splitWidthPx(splitFraction.value, viewportWidth.value)}px`);
    else html.style.removeProperty('--kalab-split-left');
  }

  /**
   * The reader's place: the tutorial's block at the top of what they see (below the navigation
   * bar), and how far into it that top is, as a fraction of its height (the text reflows at
   * another width, so pixels would not name the same line).
   */
  function readingAnchor(): { block: Element; into: number } | undefined {
    const top = split.value ? (pane()?.getBoundingClientRect().top ?? 0) : navHeight();
    const blocks = document.querySelectorAll('.vp-doc > *:not(.kalab-workbench)');
    for (const block of Array.from(blocks)) {
      const r = block.getBoundingClientRect();
      if (r.bottom > top + 1) return { block, into: r.height > 0 ? Math.max(0, top - r.top) / r.height : 0 };
    }
    return undefined;
  }

  /** Put the reader's place back at the top of what they see. */
  function restorePlace(place: { block: Element; into: number }) {
    bringToTop(place.block, 'auto', -place.into * place.block.getBoundingClientRect().height);
  }

  /** Put `el` at the top of what the reader sees, in whichever layout the page has now. */
  function bringToTop(el: Element, behavior: ScrollBehavior = 'auto', margin = 0) {
    const p = split.value ? pane() : null;
    if (p) {
      p.scrollTo({ top: p.scrollTop + el.getBoundingClientRect().top - p.getBoundingClientRect().top - margin, behavior });
    } else {
      window.scrollTo({ top: window.scrollY + el.getBoundingClientRect().top - navHeight() - margin, behavior });
    }
  }

  /**
   * Keep the reader's place at the top while the new layout settles: the sidebar comes back, the terminal
   * refits and the widget's height changes for a few frames after the switch, each of which would
   * push the reader's place out of view. Afterwards, scrolling is the reader's own again.
   */
  function keepAtTop(place: { block: Element; into: number }) {
    restorePlace(place);
    const doc = document.querySelector('.vp-doc');
    if (!doc || typeof ResizeObserver === 'undefined') return;
    const resized = new ResizeObserver(() => restorePlace(place));
    resized.observe(doc);
    window.setTimeout(() => resized.disconnect(), SETTLE_MS);
  }

  // Entering or leaving the split: the class, the width, and the reader's place kept.
  watch(
    split,
    (on, was) => {
      const anchor = was === undefined ? undefined : readingAnchor();
      html.classList.toggle(SPLIT_CLASS, on);
      applyWidth();
      if (anchor) requestAnimationFrame(() => keepAtTop(anchor));
      else if (on && location.hash) requestAnimationFrame(() => scrollToId(decodeURIComponent(location.hash.slice(1))));
    },
    { immediate: true },
  );
  watch([splitFraction, viewportWidth], applyWidth);

  function scrollToId(id: string, behavior: ScrollBehavior = 'auto'): boolean {
    const target = document.getElementById(id);
    if (!target || !target.closest('.vp-doc')) return false;
    bringToTop(target, behavior, HEADING_MARGIN_PX);
    return true;
  }

  // A link to a heading of this page: VitePress scrolls the window, which in the split does not scroll.
  function onClick(e: MouseEvent) {
    if (!split.value || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const link = (e.target as Element | null)?.closest?.('a[href*="#"]');
    if (!(link instanceof HTMLAnchorElement) || link.target) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname !== location.pathname || !url.hash) return;
    requestAnimationFrame(() => scrollToId(decodeURIComponent(url.hash.slice(1)), link.classList.contains('header-anchor') ? 'smooth' : 'auto'));
  }

  // The current step moved on: its section to the top of the tutorial, its row into the steps card's view.
  watch(options.currentStep, (step, previous) => {
    if (!split.value || !step || previous === undefined) return;
    scrollToId(step, 'smooth');
    requestAnimationFrame(() => revealStepRow(step));
  });

  function revealStepRow(step: string) {
    const row = options.root.value?.querySelector<HTMLElement>(`.kalab-side [data-step="${CSS.escape(step)}"]`);
    // The steps card scrolls on its own in the split (../split.css).
    const card = row?.closest<HTMLElement>('.kalab-steps');
    if (!row || !card || card.scrollHeight <= card.clientHeight) return;
    // By hand, not scrollIntoView: that could also scroll the tutorial pane, the row's DOM ancestor.
    const c = card.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    if (r.top < c.top) card.scrollTop -= c.top - r.top + 8;
    else if (r.bottom > c.bottom) card.scrollTop += Math.min(r.bottom - c.bottom + 8, r.top - c.top - 8);
  }

  onMounted(() => {
    media.addEventListener('change', onMedia);
    window.addEventListener('resize', onResize);
    document.addEventListener('click', onClick);
  });
  onBeforeUnmount(() => {
    media.removeEventListener('change', onMedia);
    window.removeEventListener('resize', onResize);
    document.removeEventListener('click', onClick);
    html.classList.remove(SPLIT_CLASS);
    html.style.removeProperty('--kalab-split-left');
  });

  return {
    split,
    splitFraction,
    viewportWidth,
    layout,
    layoutChoosable,
    /** The learner chose a layout: apply it (the watch on `split` keeps their place) and remember it. */
    chooseLayout(choice: LayoutChoice) {
      layout.value = choice;
      saveLayout(options.storage, choice);
    },
    /** The divider moves (drag, keys). */
    moveSplit(fraction: number) {
      splitFraction.value = fraction;
    },
    /** The divider came to rest: remember it. */
    commitSplit(fraction: number) {
      splitFraction.value = fraction;
      saveSplit(options.storage, fraction);
    },
    scrollToId,
  };
}

function navHeight(): number {
  const value = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--vp-nav-height'));
  return Number.isFinite(value) ? value : 64;
}
