/**
 * The lab page side by side, steps that check themselves, and the way out when stuck, in a real
 * browser (Debian's headless Chromium via playwright-core) against the real workbench server and
 * Docker engine. The server runs a class (a learner's copy has an instance name and a pool subnet
 * of its own, so this file never collides with another run of basic-vip, and the reference
 * solution comes with the learner's own addresses).
 *
 * At 1366×768 (a laptop) and at 1920×1080: the tutorial is a pane of its own beside the workbench;
 * once a step passes, the next step's section is at the top of the tutorial and the active terminal
 * is on screen too, without the learner scrolling (bounding boxes). Moving the divider (pointer and
 * keys) refits the terminal (its columns change) and is remembered across a reload. `start` and
 * `failover` pass without anyone pressing Check. A step's hint names what to do; "Show solution"
 * opens lb1's editor tab on a diff of lb1's file against the reference, which a button copies into
 * the editor. The bar's layout choice turns the split off ("Stacked": the widget back in the page,
 * the reader's place kept, the terminal refitted and working), is remembered across a reload, and
 * turns it on again with the divider where it was. A narrow window keeps the stacked page and its
 * "dock to bottom", and offers no choice.
 *
 * The same lab mid-lab under /zh/ at both sizes: the runner's status, the steps, a failed check's
 * diagnosis and the layout switch in Chinese.
 *
 * Screenshots in test-results/: layout-1366.png, layout-1920.png, layout-solution.png, layout-narrow.png,
 * zh-mid-lab-1366.png, zh-mid-lab-1920.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureImages } from '../../runner/engine/images.ts';
import { ensureEngine } from '../../runner/engine/preflight.ts';
import { DEFAULT_SUBNET_POOL } from '../../runner/engine/subnet-pool.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { ensureSiteBuilt } from '../../runner/server/site-build.ts';
import { DEFAULT_SITE_DIR, startWorkbenchServer, type WorkbenchServer } from '../../runner/server/workbench-server.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { silentProgress } from '../../runner/shared/progress.ts';
import { showTab, terminalText, textOf, typeLine, waitForTerminal, waitForText } from '../helpers/lab-page.ts';

const CHROMIUM = '/usr/bin/chromium';
/** As in basic-vip.test.ts: serve another built site (unset: build and serve docs/). */
const SITE_DIR = process.env.KALAB_E2E_SITE_DIR;
const RESULTS = path.join(PROJECT_ROOT, 'test-results');
const LAB = loadLab('basic-vip').definition;
const CANONICAL_PREFIX = LAB.subnet.replace(/\.0\/24$/, '.');

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The columns of a node's xterm, as fitted to its pane. */
function terminalCols(page: Page, node: string): Promise<number> {
  return page.evaluate((n) => (window as unknown as { __kalabTerminals?: Record<string, { cols: number }> }).__kalabTerminals?.[n]?.cols ?? 0, node);
}

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not laid out`);
  return b;
}

/** Wholly within the window, and (for the tutorial) below the navigation bar and left of the divider. */
function within(b: Box, area: { left: number; top: number; right: number; bottom: number }): boolean {
  return b.x >= area.left - 1 && b.y >= area.top - 1 && b.x + b.width <= area.right + 1 && b.y + b.height <= area.bottom + 1;
}

/** Press a tutorial block's "run on <node>" button (the first block for that node containing `text`). */
async function runBlock(page: Page, node: string, text: string): Promise<void> {
  const block = page.locator(`.vp-doc [data-node="${node}"]`, { hasText: text }).first();
  await block.scrollIntoViewIfNeeded();
  await block.locator('.kalab-run-button').click();
}

describe('the lab page side by side, self-checking steps, hints and the solution', () => {
  let server: WorkbenchServer;
  let browser: Browser;
  let page: Page;
  let stateDir: string;
  const serverLog: string[] = [];
  const pageErrors: string[] = [];
  /** The learner's VIP (a pool subnet), as the VIP panel shows it. */
  let vip = '';

  /**
   * The current step's section and the active terminal are both on screen, without scrolling: the
   * heading, and the start of the text under it, in the tutorial pane (below the bar, left of the
   * divider); the terminal wholly in the window.
   */
  async function stepAndTerminalInView(step: string, node: string): Promise<void> {
    const viewport = page.viewportSize()!;
    const divider = await box(page, '[data-split-divider]');
    const tutorial = { left: 0, top: 64, right: divider.x, bottom: viewport.height };
    await expect
      .poll(async () => within(await box(page, `.vp-doc #${step}`), tutorial), { timeout: 10_000, message: `step ${step}'s heading is in the tutorial pane's view` })
      .toBe(true);
    // The pane scrolls smoothly: once it is at rest, the heading is at its top.
    let last = -1;
    await expect
      .poll(
        async () => {
          const now = await page.evaluate(() => document.querySelector('.VPContent')!.scrollTop);
          const still = now === last;
          last = now;
          return still;
        },
        { timeout: 10_000, interval: 250, message: 'the tutorial pane comes to rest' },
      )
      .toBe(true);
    const heading = await box(page, `.vp-doc #${step}`);
    expect(heading.y, `step ${step}'s heading is at the top of the tutorial pane`).toBeLessThan(64 + 120);
    // The text under the heading starts in view too (the learner can read it).
    const next = await box(page, `.vp-doc #${step} + *`);
    expect(next.y + Math.min(next.height, 40), `the text under ${step}`).toBeLessThanOrEqual(viewport.height);
    const terminal = await box(page, `[data-terminal="${node}"]`);
    expect(within(terminal, { left: divider.x + divider.width, top: 64, right: viewport.width, bottom: viewport.height }), `${node}'s terminal ${JSON.stringify(terminal)}`).toBe(true);
    expect(terminal.height, `${node}'s terminal is a usable size`).toBeGreaterThan(200);
    // Below it, the VIP panel's headline, and the step's row in the steps card (which scrolls on its own).
    const right = { left: divider.x + divider.width, top: terminal.y + terminal.height, right: viewport.width, bottom: viewport.height };
    expect(within(await box(page, '.kalab-vip-holder'), right), 'the VIP headline is in view').toBe(true);
    const card = await box(page, '.kalab-steps');
    await expect
      .poll(async () => within(await box(page, `[data-step="${step}"] .kalab-step-head`), { left: card.x, top: card.y, right: card.x + card.width, bottom: card.y + card.height }), {
        timeout: 5000,
        message: `step ${step}'s row is in the steps card's view`,
      })
      .toBe(true);
    // The page itself did not scroll: the tutorial pane did.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await page.evaluate(() => document.querySelector('.VPContent')!.scrollTop)).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    const docker = await ensureEngine({ progress: silentProgress, install: false });
    const { tag } = await ensureImages(docker, { progress: silentProgress });
    if (!SITE_DIR) await ensureSiteBuilt(DEFAULT_SITE_DIR, silentProgress);
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'kalab-layout-e2e-'));
    server = await startWorkbenchServer({
      port: 0,
      host: '127.0.0.1',
      siteDir: SITE_DIR ?? DEFAULT_SITE_DIR,
      engine: async () => ({ docker, image: tag }),
      log: (line) => serverLog.push(`${new Date().toISOString().slice(11, 23)} ${line}`),
      classroom: { statePath: path.join(stateDir, 'classroom.db'), maxSessions: 2, idleTimeoutMs: 30 * 60_000, lifetimeMs: 3_600_000, pool: DEFAULT_SUBNET_POOL },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    mkdirSync(RESULTS, { recursive: true });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    for (const node of ['lb1', 'lb2']) {
      const text = (await terminalText(page, node).catch(() => '')).trimEnd().split('\n').slice(-15).join('\n');
      process.stderr.write(`--- ${node}'s terminal (last lines) ---\n${text}\n`);
    }
    await page.screenshot({ path: path.join(RESULTS, 'layout-failure.png') }).catch(() => undefined);
    process.stderr.write(`--- workbench server log (last lines) ---\n${serverLog.slice(-40).join('\n')}\n`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(); // removes the learner's copy
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('at 1366×768 a lab page is a split: the tutorial beside the workbench, VitePress sidebar and outline out of the way', async () => {
    await page.goto(`${server.url}labs/${LAB.id}`);
    await page.evaluate(() => localStorage.clear());
    await page.getByLabel('Name', { exact: true }).fill('Layla');
    await page.getByLabel('Join code', { exact: true }).fill(server.classroom!.joinCode);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.locator('.kalab-lab[data-connection="open"]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.classList.contains('kalab-split'))).toBe(true);
    expect(await page.locator('.VPSidebar').isVisible()).toBe(false);
    expect(await page.locator('.VPDoc .aside').isVisible()).toBe(false);
    // The divider: a separator at the default share, reachable with the keyboard.
    const divider = page.locator('[data-split-divider]');
    expect(await divider.getAttribute('role')).toBe('separator');
    expect(await divider.getAttribute('aria-valuenow')).toBe('42');
    expect(await divider.getAttribute('tabindex')).toBe('0');
    // The tutorial on the left, the workbench on the right, at full height below the bar.
    const widget = await box(page, '.kalab-lab');
    const tutorial = await box(page, '.VPContent');
    expect(Math.round(tutorial.width)).toBe(Math.round(1366 * 0.42));
    expect(widget.x).toBeGreaterThanOrEqual(tutorial.width);
    expect(widget.y).toBe(64);
    expect(Math.round(widget.y + widget.height)).toBe(768);

    await page.locator('[data-action="start"]').click();
    await page.locator('.kalab-lab[data-status="running"]').waitFor({ timeout: 180_000 });
    vip = await textOf(page, '.kalab-vip h4 code');
    expect(vip).toMatch(/^\d+\.\d+\.\d+\.100$/);
    expect(vip.startsWith(CANONICAL_PREFIX)).toBe(false);
  });

  it('`start` passes on its own once keepalived runs on both nodes; the tutorial then shows step 2 beside the terminal', async () => {
    for (const node of ['lb1', 'lb2']) {
      await showTab(page, `term:${node}`);
      await waitForTerminal(page, node, new RegExp(`${node}.*[#$] ?$`, 'm'));
      await runBlock(page, node, 'config OK');
      await waitForTerminal(page, node, /^config OK$/m);
    }
    // The steps' own buttons type the commands; nobody presses Check.
    await page.locator('[data-step="start"] .kalab-cmd', { hasText: 'lb1:' }).click();
    await waitForText(page, '.kalab-vip-holder', 'lb1 holds the VIP', 20_000);
    await page.locator('[data-step="start"] .kalab-cmd', { hasText: 'lb2:' }).click();
    await waitForText(page, '[data-vip-node="lb2"] .kalab-vrrp', 'BACKUP', 15_000);
    await waitForText(page, '[data-step="start"] .kalab-step-status', 'passed', 30_000);
    expect(await page.locator('[data-step="start"] [data-auto-verdict]').count()).toBe(1);
    // The current step is now `failover`: its section came to the top of the tutorial pane.
    await showTab(page, 'term:lb1');
    await stepAndTerminalInView('failover', 'lb1');
    await page.screenshot({ path: path.join(RESULTS, 'layout-1366.png') });
  });

  it('dragging the divider refits the terminal, the arrow keys move it, and the browser remembers it', async () => {
    const before = await terminalCols(page, 'lb1');
    expect(before).toBeGreaterThan(40);
    const paneScroll = await page.evaluate(() => document.querySelector('.VPContent')!.scrollTop);
    const d = await box(page, '[data-split-divider]');
    const x = d.x + d.width / 2;
    const y = d.y + d.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 120, y, { steps: 8 });
    await page.mouse.up();
    // A narrower tutorial, a wider terminal.
    await expect.poll(() => terminalCols(page, 'lb1'), { timeout: 5000, message: "lb1's terminal refits" }).toBeGreaterThan(before + 8);
    const dragged = Number(await page.locator('[data-split-divider]').getAttribute('aria-valuenow'));
    expect(dragged).toBe(Math.round(((x - 120) / 1366) * 100));
    expect(Number(await page.evaluate(() => localStorage.getItem('kalab:split')))).toBeCloseTo((x - 120) / 1366, 2);
    // The keyboard: two steps right, back to a narrower terminal.
    const wide = await terminalCols(page, 'lb1');
    await page.locator('[data-split-divider]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(Number(await page.locator('[data-split-divider]').getAttribute('aria-valuenow'))).toBe(dragged + 4);
    await expect.poll(() => terminalCols(page, 'lb1'), { timeout: 5000 }).toBeLessThan(wide);
    // Moving the divider and clicking into the terminal leave the reader's place in the tutorial alone.
    await showTab(page, 'term:lb1');
    expect(Math.abs((await page.evaluate(() => document.querySelector('.VPContent')!.scrollTop)) - paneScroll)).toBeLessThan(200);
  });

  it('at 1920×1080, `failover` passes on its own and the tutorial moves on to step 3 beside the terminal', async () => {
    const cols = await terminalCols(page, 'lb1');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => terminalCols(page, 'lb1'), { timeout: 5000, message: 'a wider window, a wider terminal' }).toBeGreaterThan(cols);
    await page.locator('[data-step="failover"] .kalab-cmd', { hasText: 'lb1:' }).click();
    await waitForText(page, '.kalab-vip-holder', 'lb2 holds the VIP', 15_000);
    await waitForText(page, '[data-step="failover"] .kalab-step-status', 'passed', 30_000);
    // A passed step stays passed; the next one waits for the learner.
    expect(await textOf(page, '[data-step="start"] .kalab-step-status')).toBe('passed');
    await stepAndTerminalInView('preempt', 'lb1');
    await page.screenshot({ path: path.join(RESULTS, 'layout-1920.png') });
  });

  it("a step's hint says what to do; Show solution diffs lb1's file against the reference, with the learner's addresses", async () => {
    // A mistake to find: lb1's file on the node now says priority 110 (keepalived still runs the old one).
    await showTab(page, 'term:lb1');
    await typeLine(page, "sed -i 's/priority 100/priority 110/' /etc/keepalived/keepalived.conf && echo edited");
    await waitForTerminal(page, 'lb1', /^edited$/m);

    await page.locator('[data-step="preempt"] [data-action="hint"]').click();
    const hint = page.locator('[data-step="preempt"] [data-hint]');
    await hint.waitFor();
    expect(await hint.textContent()).toMatch(/systemctl start keepalived/);
    await hint.locator('[data-action="solution"]').click();
    await expect.poll(() => page.locator('[data-tab="edit:lb1"]').getAttribute('aria-selected'), { timeout: 5000 }).toBe('true');
    const diff = page.locator('[data-diff="lb1"]');
    await diff.locator('[data-diff-body]').waitFor({ timeout: 15_000 });
    await expect.poll(() => diff.locator('[data-op="del"]').allTextContents(), { timeout: 5000 }).toEqual([expect.stringMatching(/priority 110/)]);
    expect(await diff.locator('[data-op="add"]').allTextContents()).toEqual([expect.stringMatching(/priority 100/)]);
    expect(await textOf(page, '[data-diff="lb1"] [data-diff-summary]')).toBe('Lines to add: 1 · to remove: 1');
    await page.screenshot({ path: path.join(RESULTS, 'layout-solution.png') });

    // The reference into the editor, unsaved: the learner's own VIP, not the tutorial's.
    await diff.locator('[data-action="copy-reference"]').click();
    const content = page.locator('[data-editor="lb1"] .cm-content');
    await expect.poll(() => content.innerText(), { timeout: 5000 }).toMatch(/priority 100/);
    const text = await content.innerText();
    expect(text).toContain(`${vip}/24`);
    expect(text).not.toContain(CANONICAL_PREFIX);
    expect(await textOf(page, '[data-editor="lb1"] [data-action="save"]')).toMatch(/\*$/);
  });

  it('a reload keeps the divider and the progress', async () => {
    const share = await page.locator('[data-split-divider]').getAttribute('aria-valuenow');
    page.once('dialog', (d) => void d.accept()); // an unsaved editor may ask
    await page.reload();
    await page.locator('.kalab-lab[data-connection="open"][data-status="running"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-split-divider]').getAttribute('aria-valuenow')).toBe(share);
    await waitForText(page, '[data-step="failover"] .kalab-step-status', 'passed', 10_000);
    // The page's own link to a heading scrolls the tutorial pane (VitePress scrolls the window, which does not move).
    await page.locator('.vp-doc a[href="#classic-mistakes"]').first().click();
    await expect
      .poll(async () => (await box(page, '.vp-doc #classic-mistakes')).y, { timeout: 5000, message: 'the linked heading comes to the top of the pane' })
      .toBeLessThan(64 + 120);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
  });

  it('"Stacked" puts the workbench back in the page, remembered across a reload; "Side by side" brings the split back', async () => {
    const isSplit = () => page.evaluate(() => document.documentElement.classList.contains('kalab-split'));
    const toggle = page.locator('[data-layout-toggle]');
    expect(await toggle.isVisible()).toBe(true);
    expect(await textOf(page, '[data-layout="split"]')).toBe('Side by side');
    expect(await textOf(page, '[data-layout="stacked"]')).toBe('Stacked');
    expect(await toggle.locator('[data-layout="split"]').getAttribute('aria-pressed')).toBe('true');
    const share = await page.locator('[data-split-divider]').getAttribute('aria-valuenow');
    const splitCols = await terminalCols(page, 'lb1');
    // The previous test left "Classic mistakes" at the top of the tutorial pane: the reader's place.
    expect((await box(page, '.vp-doc #classic-mistakes')).y).toBeLessThan(64 + 120);

    await toggle.locator('[data-layout="stacked"]').click();
    await expect.poll(isSplit, { message: 'the split is off' }).toBe(false);
    expect(await page.locator('[data-split-divider]').count()).toBe(0);
    expect(await toggle.locator('[data-layout="stacked"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => localStorage.getItem('kalab:layout'))).toBe('stacked');
    // The stacked page: VitePress's sidebar is back, the widget is in the text's flow (not fixed) and the window scrolls.
    expect(await page.locator('.VPSidebar').isVisible()).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.kalab-lab')!).position)).toBe('static');
    const doc = await box(page, '.vp-doc');
    const widget = await box(page, '.kalab-lab');
    expect(widget.x).toBeGreaterThanOrEqual(doc.x - 1);
    expect(widget.x + widget.width).toBeLessThanOrEqual(doc.x + doc.width + 1);
    expect(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true);
    // The reader's place is kept: the heading that was at the top of the pane is in the window's view.
    await expect
      .poll(
        async () => {
          const b = await box(page, '.vp-doc #classic-mistakes');
          return b.y >= 0 && b.y + b.height <= page.viewportSize()!.height;
        },
        { timeout: 5000, message: 'the heading the reader was at is still in view' },
      )
      .toBe(true);
    // The terminal fits the text column (narrower than the right pane was) and still takes commands.
    await expect.poll(() => terminalCols(page, 'lb1'), { timeout: 5000, message: "lb1's terminal refits to the text column" }).toBeLessThan(splitCols);
    await showTab(page, 'term:lb1');
    await typeLine(page, 'echo stacked-$((40+2))');
    await waitForTerminal(page, 'lb1', /^stacked-42$/m);

    // A reload keeps the choice (nothing is unsaved since the last reload: no dialog to answer).
    await page.reload();
    await page.locator('.kalab-lab[data-connection="open"][data-status="running"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => toggle.locator('[data-layout="stacked"]').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    expect(await isSplit()).toBe(false);
    expect(await page.locator('[data-split-divider]').count()).toBe(0);

    // And back: the split as it was, the divider at the learner's share.
    await toggle.locator('[data-layout="split"]').click();
    await expect.poll(isSplit, { message: 'the split is on again' }).toBe(true);
    expect(await page.locator('[data-split-divider]').getAttribute('aria-valuenow')).toBe(share);
    expect(await page.evaluate(() => localStorage.getItem('kalab:layout'))).toBe('split');
    expect(await page.locator('.VPSidebar').isVisible()).toBe(false);
    const pane = await box(page, '.kalab-lab');
    expect(pane.y).toBe(64);
    expect(Math.round(pane.y + pane.height)).toBe(1080);
    await expect.poll(() => terminalCols(page, 'lb1'), { timeout: 5000, message: "lb1's terminal refits to the right pane" }).toBeGreaterThan(splitCols - 2);
  });

  it('a narrow window keeps the stacked page, and docking the terminals still works', async () => {
    await page.setViewportSize({ width: 1100, height: 900 });
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('kalab-split'))).toBe(false);
    expect(await page.locator('[data-split-divider]').count()).toBe(0);
    // Nothing to choose: a narrow window stacks whatever this browser chose.
    expect(await page.locator('[data-layout-toggle]').count()).toBe(0);
    await page.locator('[data-action="dock"]').click();
    await page.locator('.kalab-panes.is-docked').waitFor();
    const term = await box(page, '[data-terminal="lb1"]');
    expect(term.y + term.height).toBeLessThanOrEqual(901);
    await page.screenshot({ path: path.join(RESULTS, 'layout-narrow.png') });
    await page.locator('[data-action="dock"]').click();
    expect(pageErrors).toEqual([]);
  });

  it('the same lab mid-lab under /zh/, at 1366×768 and 1920×1080: the runner\'s status, the steps, a failed check and the switch in Chinese', async () => {
    for (const [width, height] of [[1366, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`${server.url}zh/labs/${LAB.id}`);
      await page.locator('.kalab-lab[data-connection="open"][data-status="running"]').waitFor({ timeout: 15_000 });
      await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('kalab-split'))).toBe(true);
      expect(await textOf(page, '.kalab-status')).toMatch(/^运行中 · VIP /);
      expect(await textOf(page, '[data-layout="split"]')).toBe('并排');
      // Two steps passed earlier in this file; their titles are lab.yaml's title_zh.
      await waitForText(page, '[data-step="start"] .kalab-step-status', /^已通过$/, 10_000);
      expect(await textOf(page, '[data-step="failover"] .kalab-step-status')).toBe('已通过');
      expect(await textOf(page, '[data-step="start"] .kalab-step-title')).toBe(`1. ${LAB.steps[0]!.title_zh!}`);
      // lb1's keepalived is still stopped (the failover step): Check on `preempt` fails, worded in Chinese.
      await page.locator('[data-step="preempt"] [data-action="check"]').click();
      await waitForText(page, '[data-step="preempt"] .kalab-step-status', /^还没通过$/, 60_000);
      const verdict = await textOf(page, '[data-step="preempt"] .kalab-verdict');
      expect(verdict).toMatch(/[\u4e00-\u9fff]/);
      expect(verdict).not.toMatch(/\b(holds|the VIP|should)\b/);
      await page.screenshot({ path: path.join(RESULTS, `zh-mid-lab-${width}.png`) });
    }
    expect(pageErrors).toEqual([]);
  });
});
