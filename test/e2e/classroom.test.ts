/**
 * Classroom mode in a real browser (Debian's headless Chromium via playwright-core) against the real
 * workbench server in classroom mode and the real Docker engine: a wrong join code is refused with
 * the runner's sentence; two learners join in browsers of their own, each starts basic-vip and gets
 * a copy on a subnet of their own, which the tutorial's text, its code blocks and the "run on"
 * buttons show; each sets up keepalived from the page's blocks, sees their own VIP in `ip addr` on
 * lb1 and passes `start`; the instructor page shows both at 1/5, follows one learner's terminal
 * read-only, and resets the other, whose progress goes back to 0. Every wait has a deadline.
 *
 * Screenshots (what a reviewer looks at), in test-results/: classroom-join.png (the join form, a
 * wrong code refused), classroom-instructor.png, and a learner's lab page with their own addresses:
 * classroom-learner.png (the top, with the widget) and classroom-learner-text.png (the address table).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureImages } from '../../runner/engine/images.ts';
import { ensureEngine } from '../../runner/engine/preflight.ts';
import { DEFAULT_SUBNET_POOL } from '../../runner/engine/subnet-pool.ts';
import { addressesFor } from '../../runner/lab/addresses.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { ensureSiteBuilt } from '../../runner/server/site-build.ts';
import { DEFAULT_SITE_DIR, startWorkbenchServer, type WorkbenchServer } from '../../runner/server/workbench-server.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { silentProgress } from '../../runner/shared/progress.ts';
import { checkStep, showTab, terminalText, textOf, typeLine, waitForTerminal, waitForText, type KalabWindow } from '../helpers/lab-page.ts';

const CHROMIUM = '/usr/bin/chromium';
/** As in basic-vip.test.ts: serve another built site (unset: build and serve docs/). */
const SITE_DIR = process.env.KALAB_E2E_SITE_DIR;
const RESULTS = path.join(PROJECT_ROOT, 'test-results');
const INSTRUCTOR_SCREENSHOT = path.join(RESULTS, 'classroom-instructor.png');
const LEARNER_SCREENSHOT = path.join(RESULTS, 'classroom-learner.png');
const LEARNER_TEXT_SCREENSHOT = path.join(RESULTS, 'classroom-learner-text.png');
const JOIN_SCREENSHOT = path.join(RESULTS, 'classroom-join.png');

const LAB = loadLab('basic-vip').definition;
/** The tutorial's own addresses: what the page says before a learner's copy runs. */
const CANONICAL = addressesFor(LAB.subnet);

// ---- page helpers (the same reading of the page as basic-vip.test.ts: the DOM and xterm's buffer) ----









/** The tutorial's text as the learner reads it: the page content without the lab widget. */
function tutorialText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const doc = document.querySelector('.vp-doc')!.cloneNode(true) as HTMLElement;
    doc.querySelectorAll('.kalab-workbench').forEach((w) => w.remove());
    return doc.textContent ?? '';
  });
}

/** Press the "run on <node>" button of the tutorial's first block for that node containing `text`. */
async function runBlock(page: Page, node: string, text: string): Promise<void> {
  const block = page.locator(`.vp-doc [data-node="${node}"]`, { hasText: text }).first();
  await block.scrollIntoViewIfNeeded();
  await block.locator('.kalab-run-button').click();
}

interface Learner {
  name: string;
  context: BrowserContext;
  page: Page;
  id: string;
  /** The copy's VIP, as the widget's VIP panel shows it. */
  vip: string;
}

describe('classroom mode in the browser', () => {
  let server: WorkbenchServer;
  let browser: Browser;
  let stateDir: string;
  const serverLog: string[] = [];
  const pageErrors: string[] = [];
  const learners: Learner[] = [];
  let instructor: Page;
  const labUrl = () => `${server.url}labs/${LAB.id}`;
  const classroom = () => server.classroom!;

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return { context, page };
  }

  /** Open the lab page in a fresh browser and join the class with this name and code. */
  async function joinAs(name: string, code: string): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await newPage();
    await page.goto(labUrl());
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Join code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    return { context, page };
  }

  beforeAll(async () => {
    const docker = await ensureEngine({ progress: silentProgress, install: false });
    const { tag } = await ensureImages(docker, { progress: silentProgress });
    if (!SITE_DIR) await ensureSiteBuilt(DEFAULT_SITE_DIR, silentProgress);
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'kalab-classroom-e2e-'));
    server = await startWorkbenchServer({
      port: 0,
      host: '127.0.0.1',
      siteDir: SITE_DIR ?? DEFAULT_SITE_DIR,
      engine: async () => ({ docker, image: tag }),
      log: (line) => serverLog.push(`${new Date().toISOString().slice(11, 23)} ${line}`),
      classroom: { statePath: path.join(stateDir, 'classroom.db'), maxSessions: 4, idleTimeoutMs: 30 * 60_000, lifetimeMs: 3 * 3_600_000, pool: DEFAULT_SUBNET_POOL, hotPoolSize: 1 },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  // A failed test says what the learners would have seen: their terminals, and the server's log.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const l of learners) {
      for (const node of ['lb1', 'lb2']) {
        const text = (await terminalText(l.page, node).catch(() => '')).trimEnd().split('\n').slice(-15).join('\n');
        process.stderr.write(`--- ${l.name}'s ${node} (last lines) ---\n${text}\n`);
      }
    }
    process.stderr.write(`--- workbench server log (last lines) ---\n${serverLog.slice(-40).join('\n')}\n`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(); // stops every learner's copy
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints a join code and an instructor URL that carries a key', () => {
    expect(classroom().joinCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(classroom().instructorUrl).toMatch(new RegExp(`^${server.url}instructor\\?key=.+`));
  });

  it("refuses a wrong join code with the runner's sentence, and the tutorial stays readable", async () => {
    // The runner's own answer to a wrong code, asked directly: the form must show exactly that.
    const wrong = classroom().joinCode === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    const answer = await fetch(`${server.url}api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Nobody', code: wrong }) });
    expect(answer.status).toBe(403);
    const sentence = ((await answer.json()) as { error: string }).error;

    const { context, page } = await joinAs('Mallory', wrong);
    await waitForText(page, '[data-join-error]', sentence, 10_000);
    mkdirSync(RESULTS, { recursive: true });
    await page.locator('.kalab-workbench').screenshot({ path: JOIN_SCREENSHOT });
    expect(await page.locator('.kalab-lab').count()).toBe(0); // no widget, no terminals
    expect(await tutorialText(page)).toContain(CANONICAL.vip); // the text is there, with the tutorial's addresses
    // This browser has not joined.
    expect(await page.evaluate(() => fetch('/api/session').then((r) => r.json()))).toEqual({ mode: 'classroom', learner: null });
    await context.close();
  });

  it('two learners join and each starts basic-vip on a subnet of their own, which the page shows', async () => {
    for (const name of ['Ada', 'Grace']) {
      const { context, page } = await joinAs(name, classroom().joinCode);
      await page.locator('.kalab-lab[data-connection="open"]').waitFor({ timeout: 15_000 });
      const session = (await page.evaluate(() => fetch('/api/session').then((r) => r.json()))) as { learner: { id: string; name: string } };
      expect(session.learner.name).toBe(name);
      learners.push({ name, context, page, id: session.learner.id, vip: '' });
    }
    await Promise.all(
      learners.map(async (l) => {
        await l.page.locator('[data-action="start"]').click();
        await l.page.locator('.kalab-lab[data-status="running"]').waitFor({ timeout: 180_000 });
        l.vip = await textOf(l.page, '.kalab-vip h4 code');
      }),
    );
    const [ada, grace] = learners as [Learner, Learner];
    for (const l of learners) {
      expect(l.vip, `${l.name}'s VIP`).toMatch(/^\d+\.\d+\.\d+\.100$/);
      expect(l.vip, `${l.name}'s copy is on a subnet of its own`).not.toBe(CANONICAL.vip);
      // The tutorial's text and code blocks name the learner's VIP, not the canonical one.
      await expect.poll(() => tutorialText(l.page), { timeout: 5000, message: `${l.name}'s page shows ${l.vip}` }).toContain(l.vip);
      const text = await tutorialText(l.page);
      expect(text).not.toContain(CANONICAL.vip);
      const lb1Block = await textOf(l.page, `.vp-doc [data-node="lb1"]:has-text("config OK") pre`);
      expect(lb1Block).toContain(`${l.vip}/24 dev eth0`);
      // The VIP panel's node addresses are the copy's own too.
      const own = addressesFor(l.vip.replace(/\.\d+$/, '.0/24'));
      expect(own.vip).toBe(l.vip);
      expect(await textOf(l.page, '[data-vip-node="lb1"] small')).toBe(own.node.lb1);
      expect(text).toContain(own.node.lb2);
    }
    expect(ada.vip).not.toBe(grace.vip);
  });

  it("each learner writes keepalived's configs with the page's run buttons, sees their own VIP in `ip addr` on lb1, and passes `start`", async () => {
    await Promise.all(
      learners.map(async ({ page, vip }) => {
        for (const node of ['lb1', 'lb2']) {
          await showTab(page, `term:${node}`);
          await waitForTerminal(page, node, new RegExp(`${node}.*[#$] ?$`, 'm'));
          await runBlock(page, node, 'config OK');
          await waitForTerminal(page, node, /^config OK$/m);
        }
        await runBlock(page, 'lb1', 'systemctl start keepalived');
        await waitForText(page, '.kalab-vip-holder', 'lb1 holds the VIP', 20_000);
        await runBlock(page, 'lb2', 'systemctl start keepalived');
        await waitForText(page, '[data-vip-node="lb2"] .kalab-vrrp', 'BACKUP', 15_000);
        // Typed by hand in lb1's terminal: the address keepalived put on eth0 is the learner's VIP.
        await showTab(page, 'term:lb1');
        await typeLine(page, 'ip -br addr show eth0');
        await waitForTerminal(page, 'lb1', new RegExp(`\\s${vip.replace(/\./g, '\\.')}/24\\b`));
        await checkStep(page, 'start');
      }),
    );
    for (const l of learners) {
      expect(await terminalText(l.page, 'lb1'), `${l.name}'s lb1`).not.toContain(CANONICAL.vip);
      expect(await textOf(l.page, '.kalab-progress')).toBe(`1/${LAB.steps.length} passed`);
    }
  });

  it('the instructor page shows the class live: the join code, both learners at 1/5 with lb1 holding the VIP', async () => {
    ({ page: instructor } = await newPage());
    await instructor.goto(classroom().instructorUrl);
    expect(new URL(instructor.url()).pathname).toBe('/instructor'); // the key moved into a cookie
    await waitForText(instructor, '[data-join-code]', classroom().joinCode, 15_000);
    for (const l of learners) {
      const row = `tr[data-learner="${l.id}"][data-lab="${LAB.id}"]`;
      await waitForText(instructor, `${row} th`, l.name, 10_000);
      await waitForText(instructor, `${row} [data-passed]`, `1/${LAB.steps.length}`, 10_000);
      expect(await textOf(instructor, `${row} [data-vip]`)).toBe('lb1');
      expect(await instructor.locator(`[data-download="junit:${l.id}"]`).getAttribute('href')).toBe(`/api/instructor/junit/${l.id}.xml`);
    }
    // The downloads are real: the CSV names both learners.
    const csv = await instructor.evaluate(() => fetch('/api/instructor/results.csv').then((r) => r.text()));
    for (const l of learners) expect(csv).toContain(l.name);
  });

  it("follows a learner's lb1 terminal read-only, acknowledging so the learner's shell keeps going", async () => {
    const ada = learners[0]!;
    await instructor.locator(`tr[data-learner="${ada.id}"] [data-watch="lb1"]`).click();
    await waitForText(instructor, '[data-read-only-label]', `read-only: ${ada.name}'s lb1`, 10_000);
    // The replay: what Ada's lb1 showed before the watch began.
    await waitForTerminal(instructor, 'lb1', new RegExp(ada.vip.replace(/\./g, '\\.')), 15_000);
    // Live output: a burst well above the flow-control window reaches both pages.
    const marker = `watched-${Date.now()}`;
    await showTab(ada.page, 'term:lb1');
    await typeLine(ada.page, `seq 1 30000; echo ${marker}`);
    await waitForTerminal(ada.page, 'lb1', new RegExp(`^${marker}$`, 'm'), 30_000);
    await waitForTerminal(instructor, 'lb1', new RegExp(`^${marker}$`, 'm'), 30_000);
    // The viewer types nothing into the learner's shell.
    await instructor.locator('[data-terminal="lb1"] .xterm').click();
    await instructor.keyboard.type('echo from-the-instructor');
    await instructor.keyboard.press('Enter');
    await typeLine(ada.page, `echo after-${marker}`);
    await waitForTerminal(ada.page, 'lb1', new RegExp(`^after-${marker}$`, 'm'));
    expect(await terminalText(ada.page, 'lb1')).not.toContain('from-the-instructor');
  });

  it('saves screenshots of the instructor page and of a learner page with mapped addresses', async () => {
    // Scrolled to the top, so the fixed navigation bar does not cover the page in a full-page shot.
    await instructor.evaluate(() => window.scrollTo(0, 0));
    await instructor.screenshot({ path: INSTRUCTOR_SCREENSHOT, fullPage: true });
    const grace = learners[1]!;
    await grace.page.evaluate(() => window.scrollTo(0, 0));
    await grace.page.screenshot({ path: LEARNER_SCREENSHOT });
    // The tutorial's address table and the config block below it, with the learner's addresses.
    await grace.page.locator('.vp-doc h2#the-lab-network').evaluate((h) => h.scrollIntoView());
    await grace.page.evaluate(() => window.scrollBy(0, -80));
    await grace.page.screenshot({ path: LEARNER_TEXT_SCREENSHOT });
    expect(pageErrors).toEqual([]);
  });

  it("the instructor resets a learner's lab: its progress goes back to 0 on the instructor page and the learner's", async () => {
    const grace = learners[1]!;
    const row = `tr[data-learner="${grace.id}"][data-lab="${LAB.id}"]`;
    instructor.once('dialog', (d) => void d.accept());
    await instructor.locator(`${row} [data-action="reset"]`).click();
    await waitForText(instructor, `${row} [data-passed]`, `0/${LAB.steps.length}`, 60_000);
    await waitForText(grace.page, '.kalab-progress', `0/${LAB.steps.length} passed`, 60_000);
    await waitForText(grace.page, '[data-step="start"] .kalab-step-status', 'not checked', 5_000);
    // The other learner is untouched.
    const ada = learners[0]!;
    expect(await textOf(instructor, `tr[data-learner="${ada.id}"] [data-passed]`)).toBe(`1/${LAB.steps.length}`);
    expect(await textOf(ada.page, '.kalab-progress')).toBe(`1/${LAB.steps.length} passed`);
    // Grace gets a fresh copy of her own, still with her own addresses in the page.
    await grace.page.locator('.kalab-lab[data-status="running"]').waitFor({ timeout: 180_000 });
    const vip = await textOf(grace.page, '.kalab-vip h4 code');
    expect(vip).not.toBe(CANONICAL.vip);
    expect(await tutorialText(grace.page)).toContain(vip);
  });

  it("a Start from the hot pool: a working terminal in the learner's browser at once", async () => {
    const pool = server.classroom!.hotPool!;
    const { context, page } = await joinAs('Hedy', classroom().joinCode);
    await page.locator('.kalab-lab[data-connection="open"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => pool.readyCount('basic-vip'), { timeout: 90_000, message: 'a basic-vip copy ready in the hot pool' }).toBeGreaterThan(0);
    // Timed in the page, frame by frame: the click as the page gets it, the lab running, lb1's prompt on screen.
    await page.evaluate(() => {
      const marks: Record<string, number> = {};
      (window as unknown as { __hotStart: Record<string, number> }).__hotStart = marks;
      document.querySelector('[data-action="start"]')!.addEventListener('click', () => (marks.clicked = performance.now()), { capture: true, once: true });
      const frame = () => {
        if (marks.clicked !== undefined && marks.running === undefined && document.querySelector('.kalab-lab[data-status="running"]')) marks.running = performance.now();
        const term = (window as unknown as KalabWindow).__kalabTerminals?.lb1;
        const buf = term?.buffer.active;
        let text = '';
        for (let i = 0; buf && i < buf.length; i++) text += buf.getLine(i)?.translateToString(true) ?? '';
        if (marks.clicked !== undefined && /root@lb1:/.test(text)) marks.prompt = performance.now();
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    await page.locator('[data-action="start"]').click();
    await page.locator('.kalab-lab[data-status="running"]').waitFor({ timeout: 30_000 });
    await waitForTerminal(page, 'lb1', /root@lb1:/, 10_000);
    const marks = await page.evaluate(() => (window as unknown as { __hotStart: Record<string, number> }).__hotStart);
    const clicked = marks.clicked!;
    const shown = marks.prompt!;
    process.stderr.write(`hot pool: Start to a running lab on the page: ${(marks.running! - clicked).toFixed(0)} ms\n`);
    const session = (await page.evaluate(() => fetch('/api/session').then((r) => r.json()))) as { learner: { id: string } };
    expect(server.classroom!.classroom.instanceOf(session.learner.id, 'basic-vip')).toMatch(/^pool-basic-vip-/);
    process.stderr.write(`hot pool: Start to a working lb1 terminal in the browser: ${(shown - clicked).toFixed(0)} ms\n`);
    await context.close();
  });

  it('the instructor page is refused without the instructor URL, and is in Chinese under /zh/', async () => {
    const { context, page } = await newPage();
    const refused = await page.goto(`${server.url}instructor`);
    expect(refused?.status()).toBe(403);
    await context.close();
    await instructor.goto(`${server.url}zh/instructor`);
    await waitForText(instructor, '[data-join-code]', classroom().joinCode, 15_000);
    expect(await textOf(instructor, '.kalab-class-code-label')).toBe('加入码');
  });
});
