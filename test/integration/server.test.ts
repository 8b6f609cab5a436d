/**
 * The workbench server against the real engine, as a page uses it: one WebSocket, the JSON
 * protocol, the lab basic-vip. Waiting is always for messages, with a deadline.
 */
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureImages } from '../../runner/engine/images.ts';
import { ensureEngine } from '../../runner/engine/preflight.ts';
import { startWorkbenchServer, type WorkbenchServer } from '../../runner/server/workbench-server.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { silentProgress } from '../../runner/shared/progress.ts';
import { TERMINAL_HIGH_WATER, type ServerMessage } from '../../runner/shared/protocol.ts';
import { Page } from '../helpers/page-socket.ts';
import { leftovers } from '../helpers/docker.ts';

const LAB = 'basic-vip';
const SOLUTION = path.join(PROJECT_ROOT, 'labs/basic-vip/solution');

function httpGet(url: string, rawPath: string): Promise<{ status: number; type?: string; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    // A raw path: fetch() would normalise ../ away before sending it.
    const req = request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the workbench server on the real engine', () => {
  let server: WorkbenchServer;
  let page: Page;
  const logLines: string[] = [];
  const origin = () => server.url.replace(/\/$/, '');
  const figures: Record<string, number | string> = {};

  beforeAll(async () => {
    const docker = await ensureEngine({ progress: silentProgress, install: false });
    const { tag } = await ensureImages(docker, { progress: silentProgress });
    const site = mkdtempSync(path.join(tmpdir(), 'kalab-site-'));
    mkdirSync(path.join(site, 'labs'));
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>kalab</title>');
    writeFileSync(path.join(site, 'labs', 'basic-vip.html'), '<!doctype html><title>Basic VIP failover</title>');
    writeFileSync(path.join(path.dirname(site), 'kalab-outside.txt'), 'must not be served');
    server = await startWorkbenchServer({ port: 0, host: '127.0.0.1', siteDir: site, engine: async () => ({ docker, image: tag }), log: (l) => logLines.push(l) });
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
    process.stderr.write(`server.test figures: ${JSON.stringify(figures)}\n`);
  });

  it('serves the site with clean URLs and nothing outside it', async () => {
    const lab = await httpGet(server.url, '/labs/basic-vip');
    expect(lab).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(lab.body).toContain('Basic VIP failover');
    for (const p of ['/../kalab-outside.txt', '/labs/%2e%2e/%2e%2e/kalab-outside.txt', '/..%2fkalab-outside.txt']) {
      const r = await httpGet(server.url, p);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('must not be served');
    }
  });

  it("refuses a WebSocket from another site's page, with a log line", async () => {
    await expect(Page.open(server.url, 'http://evil.example:8080')).rejects.toThrow('HTTP 403');
    await expect(Page.open(server.url, 'http://127.0.0.1:1')).rejects.toThrow('HTTP 403');
    expect(logLines.some((l) => /refused a WebSocket from origin "http:\/\/evil\.example:8080"/.test(l))).toBe(true);
  });

  it('hello: welcome, state and progress; bad requests get error messages and the socket stays', async () => {
    page = await Page.open(server.url, origin());
    page.send({ type: 'lab.start' });
    await page.waitFor('error', (m) => /Send hello with a lab first/.test(m.message));
    page.send({ type: 'hello', lab: 'no-such-lab', client: 't' });
    await page.waitFor('error', (m) => /Unknown lab "no-such-lab": choose one of .*basic-vip/.test(m.message));
    page.ws.send('{not json');
    await page.waitFor('error', (m) => /not JSON/.test(m.message));

    page.send({ type: 'hello', lab: LAB, client: 'test-page' });
    const welcome = await page.waitFor('welcome');
    expect(welcome.steps.map((s) => s.id)).toEqual(['start', 'failover', 'preempt', 'crash', 'recover']);
    expect(welcome.steps.find((s) => s.id === 'crash')).toMatchObject({ action: 'freeze', node: 'lb1' });
    expect(welcome.editable).toEqual(['lb1', 'lb2']);
    await page.waitFor('lab.state', (m) => m.status === 'stopped');
    await page.waitFor('progress', (m) => m.verdicts.length === 0);

    const n = page.messages.length;
    page.send({ type: 'term.open', node: 'lb1', cols: 80, rows: 24 });
    await page.waitFor('error', (m) => /Lab basic-vip is stopped: start it first/.test(m.message), { from: n });
  });

  it('lab.start brings the lab to running, with the VIP panel and timeline', async () => {
    const n = page.messages.length;
    const started = Date.now();
    page.send({ type: 'lab.start' });
    await page.waitFor('lab.state', (m) => m.status === 'starting', { from: n });
    const running = await page.waitFor('lab.state', (m) => m.status === 'running', { from: n, timeoutMs: 120_000 });
    figures.helloToRunningMs = Date.now() - started;
    expect(running).toMatchObject({ vip: '10.88.1.100', subnet: '10.88.1.0/24' });
    expect(running.nodes.map((x) => x.node).sort()).toEqual(['client', 'lb1', 'lb2', 'web1', 'web2']);
    expect(running.nodes.find((x) => x.node === 'lb1')).toMatchObject({ address: '10.88.1.11', run: 'running', holdsVip: false, keepalived: false });
    await page.waitFor('vip', (m) => m.snapshot.holders.length === 0, { from: n });
  });

  it('term.open lb1: a real shell; an unknown node is an error', async () => {
    let n = page.messages.length;
    page.send({ type: 'term.open', node: 'lb9', cols: 80, rows: 24 });
    await page.waitFor('error', (m) => m.message === 'Lab basic-vip has no node "lb9": its nodes are lb1, lb2, web1, web2, client.', { from: n });

    n = page.messages.length;
    page.send({ type: 'term.open', node: 'lb1', cols: 100, rows: 30 });
    await page.waitFor('term.replay', (m) => m.node === 'lb1', { from: n });
    page.send({ type: 'term.input', node: 'lb1', data: 'export KALAB_MARK=seven; echo kalab-$((6*7))\r' });
    await page.waitForOutput('lb1', 'kalab-42', n);
    expect(page.output('lb1', n)).toMatch(/root@lb1/);
  });

  it('a new socket (a reload, a dropped connection) gets the same shell and its scrollback replayed', async () => {
    const second = await Page.open(server.url, origin());
    try {
      second.send({ type: 'hello', lab: LAB, client: 'test-page' });
      await second.waitFor('lab.state', (m) => m.status === 'running');
      second.send({ type: 'term.open', node: 'lb1', cols: 100, rows: 30 });
      const replay = await second.waitFor('term.replay', (m) => m.node === 'lb1');
      expect(replay.data).toContain('kalab-42');
      const n = second.messages.length;
      second.send({ type: 'term.input', node: 'lb1', data: 'echo mark-$KALAB_MARK\r' });
      await second.waitForOutput('lb1', 'mark-seven', n);
    } finally {
      await second.close();
    }
  });

  it('a flood (yes) without acknowledgements pauses the shell at the high mark; acknowledging lets it finish', async () => {
    page.autoAck = false;
    const rssBefore = process.memoryUsage().rss;
    const n = page.messages.length;
    page.send({ type: 'term.input', node: 'lb1', data: 'yes | head -c 5000000; echo flood-$((1+1))-done\r' });
    // The server pauses in the same turn as it sends the output that reaches the high mark.
    await page.waitFor('term.output', () => server.terminalStats(LAB, 'lb1')?.paused === true && page.output('lb1', n).length > 64 * 1024, { from: n, timeoutMs: 20_000, what: 'the server to pause lb1' });
    // A round trip: everything the server sent before answering arrives before the answer.
    const m = page.messages.length;
    page.send({ type: 'file.read', node: 'lb1', path: '/etc/keepalived/keepalived.conf' });
    await page.waitFor('file.content', () => true, { from: m });
    const delivered = page.output('lb1', n).length;
    const stats = server.terminalStats(LAB, 'lb1')!;
    figures.floodDeliveredBeforeAck = delivered;
    figures.floodHeldChars = stats.held;
    figures.floodRssGrowthMiB = ((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1);
    expect(delivered).toBeLessThan(TERMINAL_HIGH_WATER + 64 * 1024);
    expect(stats.paused).toBe(true);
    expect(stats.held).toBeLessThanOrEqual(64 * 1024);
    expect(stats.dropped).toBe(0);

    // Acknowledge what was written, then keep acknowledging: all 5 MB arrive (7.5 MB with the tty's \r\n).
    const started = Date.now();
    page.autoAck = true;
    page.send({ type: 'term.ack', node: 'lb1', bytes: delivered });
    await page.waitForOutput('lb1', 'flood-2-done', n, 60_000);
    figures.floodDrainMs = Date.now() - started;
    const out = page.output('lb1', n);
    expect(out.match(/y\r\n/g)!.length).toBe(2_500_000);
    expect(server.terminalStats(LAB, 'lb1')!.dropped).toBe(0);
  });

  it('the editor: file.write into /etc/keepalived/ lands in the node; paths outside are refused', async () => {
    let n = page.messages.length;
    page.send({ type: 'file.read', node: 'lb1', path: '/etc/keepalived/../shadow' });
    await page.waitFor('error', (m) => /contains "\.\."/.test(m.message), { from: n });
    page.send({ type: 'file.read', node: 'web1', path: '/etc/keepalived/keepalived.conf' });
    await page.waitFor('error', (m) => /Only the load balancers' files/.test(m.message), { from: n });

    n = page.messages.length;
    for (const node of ['lb1', 'lb2']) {
      const content = readFileSync(path.join(SOLUTION, node, 'etc/keepalived/keepalived.conf'), 'utf8');
      page.send({ type: 'file.write', node, path: '/etc/keepalived/keepalived.conf', content });
      await page.waitFor('file.saved', (m) => m.node === node && m.path === '/etc/keepalived/keepalived.conf', { from: n });
    }
    page.send({ type: 'file.read', node: 'lb2', path: '/etc/keepalived/keepalived.conf' });
    const read = await page.waitFor('file.content', (m) => m.node === 'lb2', { from: n });
    expect(read.content).toContain('router_id lb2');
    expect(read.exists).toBe(true);

    // A script keeps its run bit when saved again.
    page.send({ type: 'file.write', node: 'lb1', path: '/etc/keepalived/notify.sh', content: '#!/bin/sh\necho one\n' });
    await page.waitFor('file.saved', (m) => m.path === '/etc/keepalived/notify.sh', { from: n });
    const t = page.messages.length;
    page.send({ type: 'term.input', node: 'lb1', data: 'chmod 750 /etc/keepalived/notify.sh; echo chmod-$((2+3))\r' });
    await page.waitForOutput('lb1', 'chmod-5', t);
    const s = page.messages.length;
    page.send({ type: 'file.write', node: 'lb1', path: '/etc/keepalived/notify.sh', content: '#!/bin/sh\necho two\n' });
    await page.waitFor('file.saved', (m) => m.path === '/etc/keepalived/notify.sh', { from: s });

    const c = page.messages.length;
    page.send({ type: 'term.input', node: 'lb1', data: 'cat /etc/keepalived/keepalived.conf; stat -c mode-%a /etc/keepalived/notify.sh\r' });
    await page.waitForOutput('lb1', 'mode-750', c);
    expect(page.output('lb1', c)).toContain('virtual_router_id 51');
    expect(page.output('lb1', c)).toContain('router_id lb1');
  });

  it('keepalived started in the terminals: the VIP panel follows from events; a passed check is progress for the next page', async () => {
    const n = page.messages.length;
    page.send({ type: 'term.input', node: 'lb1', data: 'systemctl start keepalived\r' });
    // The address and keepalived's log line are two watchers: whichever comes second completes the panel.
    const onLb1 = await page.waitFor('vip', (m) => m.snapshot.holders.join() === 'lb1' && m.nodes.find((x) => x.node === 'lb1')?.vrrp.VI_1 === 'MASTER', { from: n, timeoutMs: 20_000, what: 'the VIP on lb1, MASTER' });
    expect(onLb1.nodes.find((x) => x.node === 'lb1')).toMatchObject({ holdsVip: true, keepalived: true, run: 'running' });
    await page.waitFor('timeline', (m) => m.events.some((e) => e.type === 'vip' && e.node === 'lb1' && e.held), { from: n });

    page.send({ type: 'term.open', node: 'lb2', cols: 80, rows: 24 });
    await page.waitFor('term.replay', (m) => m.node === 'lb2', { from: n });
    page.send({ type: 'term.input', node: 'lb2', data: 'systemctl start keepalived\r' });
    // lb2's BACKUP comes from its log and lb1's advert from lb1's eyes: two streams, so the panel
    // is complete when both have arrived, in whichever order a loaded host delivers them.
    const advert = await page.waitFor('vip', (m) => m.nodes.find((x) => x.node === 'lb2')?.vrrp.VI_1 === 'BACKUP' && m.nodes.find((x) => x.node === 'lb1')?.lastAdvert !== undefined, { from: n, timeoutMs: 20_000, what: "lb2 in BACKUP and lb1's adverts seen" });
    expect(advert.nodes.find((x) => x.node === 'lb1')!.lastAdvert?.priority).toBe(100);

    const c = page.messages.length;
    page.send({ type: 'step.check', step: 'start' });
    await page.waitFor('step.running', (m) => m.step === 'start', { from: c });
    const result = await page.waitFor('step.result', (m) => m.verdict.step === 'start', { from: c, timeoutMs: 30_000 });
    expect(result.verdict.passed, result.verdict.message).toBe(true);

    const reloaded = await Page.open(server.url, origin());
    try {
      reloaded.send({ type: 'hello', lab: LAB, client: 'test-page' });
      const progress = await reloaded.waitFor('progress');
      expect(progress.verdicts).toEqual([expect.objectContaining({ step: 'start', passed: true })]);
      const vip = await reloaded.waitFor('vip');
      expect(vip.snapshot.holders).toEqual(['lb1']);
      const timeline = await reloaded.waitFor('timeline');
      expect(timeline.events.some((e) => e.type === 'vrrp' && e.node === 'lb1' && e.state === 'MASTER')).toBe(true);
    } finally {
      await reloaded.close();
    }
  });

  it("step.action on the crash step freezes lb1; the page hears it as events; terminal-only steps are refused", async () => {
    let n = page.messages.length;
    page.send({ type: 'step.action', step: 'failover' });
    await page.waitFor('error', (m) => /done in a terminal/.test(m.message), { from: n });
    page.send({ type: 'step.check', step: 'no-such-step' });
    await page.waitFor('error', (m) => /has no step "no-such-step"/.test(m.message), { from: n });

    n = page.messages.length;
    page.send({ type: 'step.action', step: 'crash' });
    const frozen = await page.waitFor('vip', (m) => m.nodes.find((x) => x.node === 'lb1')?.run === 'frozen', { from: n });
    expect(frozen.nodes.find((x) => x.node === 'lb1')!.holdsVip).toBe(true); // a hung machine keeps its address
    const frozenEvent = await page.waitFor('timeline', (m) => m.events.some((e) => e.type === 'node' && e.node === 'lb1' && e.state === 'frozen'), { from: n });
    // From the observer seeing the change to the page hearing it.
    const relayMs = page.receivedAt[page.messages.indexOf(frozenEvent)]! - frozenEvent.events[0]!.t;
    figures.eventRelayMs = relayMs;
    expect(relayMs).toBeLessThan(1000);
    // lb2 takes over once lb1's adverts stop: the panel shows two holders, one running.
    await page.waitFor('vip', (m) => m.snapshot.runningHolders.join() === 'lb2', { from: n, timeoutMs: 15_000, what: 'lb2 the only running holder' });

    n = page.messages.length;
    page.send({ type: 'step.action', step: 'recover' });
    await page.waitFor('timeline', (m) => m.events.some((e) => e.type === 'node' && e.node === 'lb1' && e.state === 'running'), { from: n });
  });

  it('lab.stop tears the lab down and leaves no container or network', async () => {
    const n = page.messages.length;
    page.send({ type: 'lab.stop' });
    await page.waitFor('lab.state', (m) => m.status === 'stopping', { from: n });
    await page.waitFor('lab.state', (m) => m.status === 'stopped', { from: n, timeoutMs: 60_000 });
    expect(await leftovers(LAB)).toEqual({ containers: [], networks: [] });
    // Progress stays with the server until a reset.
    const m = page.messages.length;
    page.send({ type: 'hello', lab: LAB, client: 'test-page' });
    const progress = await page.waitFor('progress', () => true, { from: m });
    expect(progress.verdicts.map((v) => v.step)).toEqual(['start']);
  });

  it('lab.reset starts a fresh copy with no progress; closing the server tears down a lab it started', async () => {
    const n = page.messages.length;
    page.send({ type: 'lab.reset' });
    await page.waitFor('progress', (m) => m.verdicts.length === 0, { from: n });
    await page.waitFor('lab.state', (m) => m.status === 'running', { from: n, timeoutMs: 120_000 });
    // Five nodes, and the grader's eyes beside lb1, lb2 and the client.
    const containers = (await leftovers(LAB)).containers;
    expect(containers.filter((c) => !c.endsWith('-eyes'))).toHaveLength(5);
    expect(containers.filter((c) => c.endsWith('-eyes')).sort()).toEqual([`/kalab-${LAB}-client-eyes`, `/kalab-${LAB}-lb1-eyes`, `/kalab-${LAB}-lb2-eyes`]);
    await server.close();
    expect(await leftovers(LAB)).toEqual({ containers: [], networks: [] });
  });
});
