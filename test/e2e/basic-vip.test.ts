/**
 * The basic-vip lab in a real browser (Debian's headless Chromium via playwright-core) against the
 * real workbench server and Docker engine, as a learner does it: open the page, press Start, type
 * keepalived configs into lb1's and lb2's terminals, start keepalived, Check; stop keepalived on lb1
 * and watch the VIP panel move; reload and find the progress kept; save lb2's config from the
 * editor tab and `cat` it in lb2's terminal; finish the lab (preempt, and crash and recover with the
 * page's Freeze and Unfreeze buttons). Every wait is for something to appear, with a deadline.
 *
 * Figures printed at the end: keystroke echo latency (in the page: keydown to the echoed character
 * in xterm's buffer), VIP panel reaction time, and the JavaScript the lab page and the home page load.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureImages } from '../../runner/engine/images.ts';
import { ensureEngine } from '../../runner/engine/preflight.ts';
import { ensureSiteBuilt } from '../../runner/server/site-build.ts';
import { DEFAULT_SITE_DIR, startWorkbenchServer, type WorkbenchServer } from '../../runner/server/workbench-server.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { silentProgress } from '../../runner/shared/progress.ts';
import { checkStep, showTab, terminalText, textOf, typeLine, waitForTerminal, waitForText, type KalabWindow } from '../helpers/lab-page.ts';

const CHROMIUM = '/usr/bin/chromium';
/**
 * For developing the widget while another run uses the basic-vip lab (single-learner mode has one
 * copy per lab id): serve another built site whose basic-vip page names a renamed copy of the lab
 * (other id and subnet) from another labs directory. Unset, the test builds and serves docs/.
 */
const SITE_DIR = process.env.KALAB_E2E_SITE_DIR;
const LABS_DIR = process.env.KALAB_E2E_LABS_DIR;
const RESULTS = path.join(PROJECT_ROOT, 'test-results');
const SCREENSHOT = path.join(RESULTS, 'lab-page.png');
/** The lab widget alone, at full size: what a reviewer looks at. */
const WIDGET_SCREENSHOT = path.join(RESULTS, 'lab-widget.png');

/** lb1's and lb2's keepalived.conf as the tutorial has the learner type them (two spaces: no tabs at a shell prompt). */
function keepalivedConf(node: 'lb1' | 'lb2', vip: string, extraComment = ''): string[] {
  const master = node === 'lb1';
  return [
    `! ${node}${extraComment}`,
    'vrrp_instance VI_1 {',
    `    state ${master ? 'MASTER' : 'BACKUP'}`,
    '    interface eth0',
    '    virtual_router_id 51',
    `    priority ${master ? 100 : 90}`,
    '    advert_int 1',
    '    authentication {',
    '        auth_type PASS',
    '        auth_pass kalab123',
    '    }',
    '    virtual_ipaddress {',
    `        ${vip}/24 dev eth0`,
    '    }',
    '}',
  ];
}

// ---- page helpers: what the learner sees, read through the DOM and xterm's buffer ----









/**
 * Echo latency in the page: for each key, the time from its keydown on xterm's textarea to the
 * moment xterm has parsed output that puts that character at the end of the cursor's line.
 */
async function measureEcho(page: Page, node: string, keys: string): Promise<number[]> {
  await page.evaluate((n) => {
    const w = window as unknown as KalabWindow & { __echo?: { pending: string | null; t0: number; samples: number[] } };
    const term = (w.__kalabTerminals as unknown as Record<string, any>)[n];
    const echo = (w.__echo = { pending: null as string | null, t0: 0, samples: [] as number[] });
    term.textarea.addEventListener(
      'keydown',
      (ev: KeyboardEvent) => {
        if (ev.key.length === 1) {
          echo.pending = ev.key;
          echo.t0 = performance.now();
        }
      },
      { capture: true },
    );
    term.onWriteParsed(() => {
      if (echo.pending === null) return;
      const buf = term.buffer.active;
      const line = buf.getLine(buf.baseY + buf.cursorY)?.translateToString(true, 0, buf.cursorX) ?? '';
      if (line.endsWith(echo.pending)) {
        echo.samples.push(performance.now() - echo.t0);
        echo.pending = null;
      }
    });
  }, node);
  for (const key of keys) {
    await page.keyboard.press(key);
    await page.waitForFunction(() => (window as unknown as { __echo: { pending: string | null } }).__echo.pending === null, undefined, { timeout: 5000 });
  }
  // Clear the typed characters from the prompt (Ctrl-U) so the next command starts clean.
  await page.keyboard.press('Control+U');
  return page.evaluate(() => (window as unknown as { __echo: { samples: number[] } }).__echo.samples);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The JavaScript files the page has loaded so far (lazy chunks included), with their sizes. */
async function loadedScripts(page: Page): Promise<{ bytes: number; files: string[] }> {
  const entries = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e as PerformanceResourceTiming)
      .filter((e) => new URL(e.name).pathname.endsWith('.js'))
      .map((e) => ({ name: new URL(e.name).pathname, size: e.encodedBodySize || e.transferSize })),
  );
  const unique = new Map(entries.map((e) => [e.name, e.size]));
  return { bytes: [...unique.values()].reduce((a, b) => a + b, 0), files: [...unique.keys()].map((f) => path.basename(f)) };
}

describe('basic-vip in the browser', () => {
  let server: WorkbenchServer;
  let browser: Browser;
  let page: Page;
  const figures: Record<string, unknown> = {};
  const pageErrors: string[] = [];
  /** The workbench server's log, shown with the terminals when a test fails. */
  const serverLog: string[] = [];
  const labUrl = () => `${server.url}labs/basic-vip`;
  let homeScripts: string[] = [];
  /** The lab's virtual IP, as the page shows it. */
  let vip = '';

  beforeAll(async () => {
    const docker = await ensureEngine({ progress: silentProgress, install: false });
    const { tag } = await ensureImages(docker, { progress: silentProgress });
    if (!SITE_DIR) await ensureSiteBuilt(DEFAULT_SITE_DIR, silentProgress);
    server = await startWorkbenchServer({
      port: 0,
      host: '127.0.0.1',
      siteDir: SITE_DIR ?? DEFAULT_SITE_DIR,
      ...(LABS_DIR ? { labsDir: LABS_DIR } : {}),
      engine: async () => ({ docker, image: tag }),
      log: (line) => serverLog.push(`${new Date().toISOString().slice(11, 23)} ${line}`),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  // A failed test says what the learner would have seen: every terminal's text and the server's log.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const terminals = await page.evaluate(() => Object.keys((window as unknown as KalabWindow).__kalabTerminals ?? {})).catch(() => [] as string[]);
    for (const node of terminals) {
      const text = (await terminalText(page, node).catch(() => '')).trimEnd().split('\n').slice(-25).join('\n');
      process.stderr.write(`--- ${node}'s terminal (last lines) ---\n${text}\n`);
    }
    process.stderr.write(`--- workbench server log (last lines) ---\n${serverLog.slice(-40).join('\n')}\n`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(); // tears the lab down
    process.stderr.write(`e2e basic-vip figures: ${JSON.stringify(figures, null, 1)}\n`);
  });

  it('the home page carries no lab widget, terminal or editor code', async () => {
    await page.goto(server.url, { waitUntil: 'networkidle' });
    const home = await loadedScripts(page);
    figures.homeJs = { bytes: home.bytes, files: home.files.length };
    homeScripts = home.files;
    expect(home.files.length).toBeGreaterThan(0);
    expect(home.files.filter((f) => /xterm|LabWidget|LabEditor|codemirror|addon-fit/i.test(f))).toEqual([]);
  });

  it('opens the lab page and starts the lab', async () => {
    await page.goto(labUrl());
    // A clean browser: no progress from an earlier run.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator('.kalab-lab[data-connection="open"]').waitFor({ timeout: 15_000 });
    await waitForText(page, '[data-step="start"] .kalab-step-status', 'not checked', 10_000);
    // A copy left from an earlier run would carry its state: start from a fresh one.
    if ((await page.locator('.kalab-lab').getAttribute('data-status')) === 'running') {
      page.once('dialog', (d) => void d.accept());
      await page.locator('[data-action="reset"]').click();
    } else {
      await page.locator('[data-action="start"]').click();
    }
    const started = Date.now();
    await page.locator('.kalab-lab[data-status="running"]').waitFor({ timeout: 180_000 });
    figures.startToRunningMs = Date.now() - started;
    await page.locator('[data-tab="term:lb1"]').waitFor();
    vip = await textOf(page, '.kalab-vip h4 code');
    expect(vip).toMatch(/^\d+\.\d+\.\d+\.100$/);
    await showTab(page, 'term:lb1');
    await waitForTerminal(page, 'lb1', /lb1.*[#$] ?$/m);
  });

  it('measures keystroke echo latency in lb1\'s terminal', async () => {
    const samples = await measureEcho(page, 'lb1', 'abcdefghijklmnopqrstu');
    expect(samples).toHaveLength(21);
    figures.echoLatencyMs = { median: Number(median(samples).toFixed(1)), min: Number(Math.min(...samples).toFixed(1)), max: Number(Math.max(...samples).toFixed(1)), n: samples.length };
  });

  it('types keepalived configs into lb1 and lb2, starts keepalived, and `start` passes', async () => {
    for (const node of ['lb1', 'lb2'] as const) {
      await showTab(page, `term:${node}`);
      await waitForTerminal(page, node, new RegExp(`${node}.*[#$] ?$`, 'm'));
      await typeLine(page, "cat > /etc/keepalived/keepalived.conf <<'EOF'");
      for (const line of keepalivedConf(node, vip)) await typeLine(page, line);
      await typeLine(page, 'EOF');
      await typeLine(page, 'systemctl start keepalived');
      if (node === 'lb1') {
        // The tutorial's order: lb2 only once lb1 holds the VIP (two nodes started at once race).
        await waitForText(page, '.kalab-vip-holder', 'lb1 holds the VIP', 15_000);
      }
    }
    // Both run keepalived; lb2 settles as BACKUP.
    await waitForText(page, '[data-vip-node="lb2"] .kalab-vrrp', 'BACKUP', 15_000);
    await waitForText(page, '[data-vip-node="lb1"] .kalab-priority', '100', 5_000);
    figures.startVerdict = await checkStep(page, 'start');
    expect(await textOf(page, '.kalab-vip-holder')).toBe('lb1 holds the VIP');
  });

  it('stopping keepalived on lb1 moves the VIP panel to lb2, and `failover` passes', async () => {
    await showTab(page, 'term:lb1');
    await typeLine(page, 'systemctl stop keepalived');
    const stoppedAt = Date.now();
    await waitForText(page, '.kalab-vip-holder', 'lb2 holds the VIP', 10_000);
    figures.stopToPanelMs = Date.now() - stoppedAt;
    await waitForText(page, '[data-vip-node="lb2"] .kalab-vrrp', 'MASTER', 5_000);
    expect(await textOf(page, '.kalab-timeline')).toMatch(/lb2 took the VIP/);
    figures.failoverVerdict = await checkStep(page, 'failover');
  });

  it('a reload keeps the progress', async () => {
    await page.reload();
    await page.locator('.kalab-lab[data-connection="open"][data-status="running"]').waitFor({ timeout: 15_000 });
    await waitForText(page, '[data-step="start"] .kalab-step-status', 'passed', 10_000);
    await waitForText(page, '[data-step="failover"] .kalab-step-status', 'passed', 10_000);
    await waitForText(page, '[data-step="preempt"] .kalab-step-status', 'not checked', 10_000);
    expect(await textOf(page, '.kalab-progress')).toBe('2/5 passed');
    // The terminal came back with its recent output.
    await showTab(page, 'term:lb1');
    await waitForTerminal(page, 'lb1', /systemctl stop keepalived/);
  });

  it("writes lb2's config through the editor tab and `cat` shows it in lb2's terminal", async () => {
    const marker = ` edited in the browser ${Date.now()}`;
    await showTab(page, 'edit:lb2');
    const content = page.locator('[data-editor="lb2"] .cm-content');
    await expect.poll(() => content.innerText(), { timeout: 15_000, message: "lb2's keepalived.conf loads into the editor" }).toMatch(/state BACKUP/);
    await content.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(keepalivedConf('lb2', vip, marker).join('\n') + '\n');
    await page.locator('[data-editor="lb2"] [data-action="save"]').click();
    await waitForText(page, '[data-editor="lb2"] .kalab-editor-msg', /^Saved \/etc\/keepalived\/keepalived\.conf on lb2/, 10_000);

    await showTab(page, 'term:lb2');
    await typeLine(page, 'cat /etc/keepalived/keepalived.conf');
    await waitForTerminal(page, 'lb2', new RegExp(`! lb2${marker}\\s*\\n\\s*vrrp_instance VI_1 \\{`));
  });

  it('finishes the lab: lb1 takes the VIP back, the Freeze and Unfreeze buttons crash and recover it, 5/5 passed', async () => {
    await showTab(page, 'term:lb1');
    await typeLine(page, 'systemctl start keepalived');
    await waitForText(page, '.kalab-vip-holder', 'lb1 holds the VIP', 15_000);
    figures.preemptVerdict = await checkStep(page, 'preempt');

    await page.locator('[data-step="crash"] [data-action="step-action"]').click();
    const frozenAt = Date.now();
    // A frozen node keeps the address: the panel shows both, lb1 marked frozen.
    await waitForText(page, '.kalab-vip-holder', 'lb1 (frozen) and lb2 hold the VIP', 15_000);
    figures.freezeToPanelMs = Date.now() - frozenAt;
    figures.crashVerdict = await checkStep(page, 'crash');

    await page.locator('[data-step="recover"] [data-action="step-action"]').click();
    await waitForText(page, '.kalab-vip-holder', 'lb1 holds the VIP', 15_000);
    figures.recoverVerdict = await checkStep(page, 'recover');
    expect(await textOf(page, '.kalab-progress')).toBe('5/5 passed');
  });

  it('a "run on lb1" button in the tutorial runs its block in lb1\'s terminal, docked at the bottom while reading', async () => {
    // Docking is the stacked page's (a wide window puts the tutorial beside the workbench instead,
    // test/e2e/workbench-layout.test.ts): a window narrower than the split's 1200 px.
    const wide = page.viewportSize()!;
    await page.setViewportSize({ width: 1100, height: wide.height });
    // Dock the terminals, as a learner reading further down the page would.
    await page.locator('[data-action="dock"]').click();
    await page.locator('.kalab-panes.is-docked').waitFor();
    await showTab(page, 'term:lb2');
    // The tutorial's block that writes lb1's config and tests it (a multi-line heredoc: sent as one paste).
    const block = page.locator('.vp-doc [data-node="lb1"]', { hasText: 'config OK' }).first();
    await block.scrollIntoViewIfNeeded();
    await block.locator('.kalab-run-button').click();
    await expect.poll(() => page.locator('[data-tab="term:lb1"]').getAttribute('aria-selected'), { timeout: 5000 }).toBe('true');
    await waitForTerminal(page, 'lb1', /^config OK$/m);
    // The docked terminal is on screen while the block that was run is too.
    const viewport = page.viewportSize()!;
    const term = (await page.locator('[data-terminal="lb1"]').boundingBox())!;
    expect(term.y + term.height).toBeLessThanOrEqual(viewport.height + 1);
    expect(term.y).toBeGreaterThan(viewport.height / 3);
    await page.locator('[data-action="dock"]').click();
    await expect.poll(() => page.locator('.kalab-panes.is-docked').count()).toBe(0);
    await page.setViewportSize(wide);
  });

  it('saves a screenshot of the lab page', async () => {
    mkdirSync(RESULTS, { recursive: true });
    await showTab(page, 'term:lb2');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // Clipped from the full page, scrolled to the top, so the fixed navigation bar does not cover it.
    const widget = (await page.locator('.kalab-lab').boundingBox())!;
    await page.screenshot({ path: WIDGET_SCREENSHOT, fullPage: true, clip: widget });
    figures.screenshot = path.relative(PROJECT_ROOT, SCREENSHOT);
    figures.widgetScreenshot = path.relative(PROJECT_ROOT, WIDGET_SCREENSHOT);
    // Everything the lab page loaded since the reload: terminals, and the editor once its tab was opened.
    const lab = await loadedScripts(page);
    figures.labJs = { bytes: lab.bytes, files: lab.files.length, labOnly: lab.files.filter((f) => !homeScripts.includes(f)) };
    expect(lab.files.some((f) => /xterm/.test(f))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
