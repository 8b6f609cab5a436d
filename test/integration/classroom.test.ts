/**
 * Classroom mode on the real engine, as learners and an instructor meet it over HTTP and the
 * WebSocket: two learners join and run basic-vip at once on their own subnets, graded right; no
 * session, a forged one or a foreign Origin gets nothing; a bad message closes that socket only;
 * a stopped lab leaves nothing; a restarted server gives the learners their labs and progress back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImages } from '../../runner/engine/images.ts';
import { ensureEngine } from '../../runner/engine/preflight.ts';
import { DEFAULT_SUBNET_POOL } from '../../runner/engine/subnet-pool.ts';
import { startWorkbenchServer, type WorkbenchServer } from '../../runner/server/workbench-server.ts';
import { silentProgress } from '../../runner/shared/progress.ts';
import type { ClassState } from '../../runner/shared/protocol.ts';
import { leftovers } from '../helpers/docker.ts';
import { Page } from '../helpers/page-socket.ts';
import { join, learnerOnLab, origin, run, startKeepalivedAsLearner } from '../helpers/classroom.ts';
import { waitFor } from '../helpers/wait.ts';

const LAB = 'basic-vip';
const CANONICAL = '10.88.1.0/24';

let engine: Awaited<ReturnType<typeof makeEngine>>;
let statePath: string;
let server: WorkbenchServer;

async function makeEngine() {
  const docker = await ensureEngine({ progress: silentProgress, install: false });
  const { tag } = await ensureImages(docker, { progress: silentProgress });
  return { docker, image: tag };
}

function classroomServer(): Promise<WorkbenchServer> {
  return startWorkbenchServer({
    port: 0,
    engine: async () => engine,
    log: () => undefined,
    classroom: { statePath, maxSessions: 4, idleTimeoutMs: 30 * 60_000, lifetimeMs: 3 * 3_600_000, pool: DEFAULT_SUBNET_POOL, keepLabsOnClose: true, hotPoolSize: 1 },
  });
}


beforeAll(async () => {
  engine = await makeEngine();
  statePath = path.join(mkdtempSync(path.join(tmpdir(), 'kalab-class-')), 'class.db');
  server = await classroomServer();
});

afterAll(async () => {
  // The class keeps its labs on close (as a restart needs); the test's own end removes them.
  await server?.classroom?.classroom.closeAll({ keepRunning: false });
  await server?.close();
});

describe('a classroom on one host', () => {
  let cookies: string[] = [];
  let learnerIds: string[] = [];

  it('refuses a wrong join code and a bad name, with one sentence each', async () => {
    const wrong = await join(server, 'Ada', 'NOPE00');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatch(/join code is not this class's/);
    const nameless = await join(server, '   ');
    expect(nameless.status).toBe(400);
  });

  it('gives nothing to a request without a valid session: WebSocket, instructor page, exports', async () => {
    await expect(Page.open(server.url, origin(server))).rejects.toThrow(/HTTP 401/);
    await expect(Page.open(server.url, origin(server), 'kalab_session=forged')).rejects.toThrow(/HTTP 401/);
    expect((await fetch(`${server.url}instructor`)).status).toBe(403);
    expect((await fetch(`${server.url}api/instructor/results.csv`)).status).toBe(403);
    expect((await fetch(`${server.url}instructor?key=wrong`, { redirect: 'manual' })).status).toBe(403);
    const session = await (await fetch(`${server.url}api/session`)).json();
    expect(session).toEqual({ mode: 'classroom', learner: null });
  });

  it('two learners run basic-vip at once on subnets of their own, each graded right', async () => {
    const joined = await Promise.all([join(server, 'Ada'), join(server, 'Grace')]);
    cookies = joined.map((j) => j.cookie!);
    learnerIds = joined.map((j) => j.body.learner!.id);
    expect(cookies.every(Boolean)).toBe(true);
    // A valid session from another site's page is still refused.
    await expect(Page.open(server.url, 'http://evil.example', cookies[0])).rejects.toThrow(/HTTP 403/);

    const learners = await Promise.all(cookies.map((c) => learnerOnLab(server, c, LAB)));
    const subnets = learners.map((l) => l.subnet);
    expect(new Set(subnets).size).toBe(2);
    for (const s of subnets) expect(s).not.toBe(CANONICAL);

    await Promise.all(
      learners.map(async ({ page, subnet }) => {
        const map = await startKeepalivedAsLearner(page, subnet);
        // The learner's own VIP, in their own lb1.
        const from = page.messages.length;
        page.send({ type: 'term.input', node: 'lb1', data: 'ip -o addr show eth0\n' });
        await page.waitForOutput('lb1', `${map.apply('10.88.1.100').text}/`, from);
        const n = page.messages.length;
        page.send({ type: 'step.check', step: 'start' });
        const result = await page.waitFor('step.result', (m) => m.verdict.step === 'start', { from: n, timeoutMs: 30_000 });
        expect(result.verdict.passed, result.verdict.message).toBe(true);
        expect(result.verdict.message).toContain(map.apply('10.88.1.100').text);

        await run(page, 'lb1', 'systemctl stop keepalived');
        const m = page.messages.length;
        page.send({ type: 'step.check', step: 'failover' });
        const failover = await page.waitFor('step.result', (r) => r.verdict.step === 'failover', { from: m, timeoutMs: 30_000 });
        expect(failover.verdict.passed, failover.verdict.message).toBe(true);
      }),
    );
    for (const { page } of learners) await page.close();
  }, 240_000);

  it('shows the instructor every learner with their progress, and keeps it in the exports', async () => {
    const entrance = await fetch(server.classroom!.instructorUrl, { redirect: 'manual' });
    expect(entrance.status).toBe(302);
    const cookie = entrance.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^kalab_instructor=/);
    const instructor = await Page.open(server.url, origin(server), cookie);
    instructor.send({ type: 'class.hello' });
    const state = (await instructor.waitFor('class.state', (m) => m.learners.length === 2)) as ClassState;
    expect(state.learners.map((l) => [l.name, l.lab, l.passed, l.total]).sort()).toEqual([
      ['Ada', LAB, 2, 5],
      ['Grace', LAB, 2, 5],
    ]);
    expect(state.learners.every((l) => l.currentStep === 'preempt' && l.vipHolders.join() === 'lb2')).toBe(true);
    expect(state.stuck).toMatchObject({ lab: LAB, step: 'preempt', learners: 2 });

    const csv = await (await fetch(`${server.url}api/instructor/results.csv`, { headers: { cookie } })).text();
    expect(csv.split('\r\n')[0]).toBe('learner,name,lab,step,passed,checked_at,ms,code,message');
    expect(csv).toMatch(/Ada,basic-vip,start,true/);
    const junit = await (await fetch(`${server.url}api/instructor/junit/${learnerIds[1]}.xml`, { headers: { cookie } })).text();
    expect(junit).toMatch(/<testsuite name="basic-vip" tests="5" failures="0" skipped="3"/);
    await instructor.close();
  });

  it('a restarted server gives each learner their running lab and progress back', async () => {
    const instancesBefore = await Promise.all(learnerIds.map((id) => leftovers(`c-${id}-${LAB}`)));
    expect(instancesBefore.every((l) => l.containers.length === 8)).toBe(true);
    await server.close(); // keepLabsOnClose: as a crashed or restarted workbench leaves them
    server = await classroomServer();
    for (const [i, cookie] of cookies.entries()) {
      const page = await Page.open(server.url, origin(server), cookie);
      page.send({ type: 'hello', lab: LAB, client: 'test' });
      const state = await page.waitFor('lab.state', (m) => m.status === 'running', { timeoutMs: 60_000 });
      expect(state.subnet).not.toBe(CANONICAL);
      const progress = await page.waitFor('progress', (m) => m.verdicts.length > 0);
      expect(progress.verdicts.filter((v) => v.passed).map((v) => v.step).sort()).toEqual(['failover', 'start']);
      page.send({ type: 'term.open', node: 'lb2', cols: 100, rows: 30 });
      await page.waitFor('term.replay', (m) => m.node === 'lb2');
      await run(page, 'lb2', 'hostname');
      // Taken back, not started again: the same containers.
      expect((await leftovers(`c-${learnerIds[i]}-${LAB}`)).containers.sort()).toEqual(instancesBefore[i]!.containers.sort());
      await page.close();
    }
  }, 180_000);

  it("a learner's Start takes a copy started ahead of time from the hot pool", async () => {
    const { cookie, body } = await join(server, 'Hedy');
    const page = await Page.open(server.url, origin(server), cookie!);
    page.send({ type: 'hello', lab: LAB, client: 'test' });
    await page.waitFor('welcome');
    const pool = server.classroom!.hotPool!;
    await waitFor(() => pool.readyCount(LAB) >= 1, { timeoutMs: 60_000, what: 'a basic-vip copy in the hot pool' });
    const asked = Date.now();
    page.send({ type: 'lab.start' });
    const state = await page.waitFor('lab.state', (m) => m.status === 'running', { timeoutMs: 60_000 });
    console.log(`hot pool: Start to a running lab in ${Date.now() - asked} ms (pool hit)`);
    expect(server.classroom!.classroom.instanceOf(body.learner!.id, LAB)).toMatch(/^pool-basic-vip-/);
    expect(state.subnet).not.toBe(CANONICAL);
    page.send({ type: 'lab.stop' });
    await page.waitFor('lab.state', (m) => m.status === 'stopped', { timeoutMs: 60_000 });
    await page.close();
  }, 120_000);

  it('a message too large closes that socket only; a stopped lab leaves nothing behind', async () => {
    const [a, b] = await Promise.all(cookies.map((c) => Page.open(server.url, origin(server), c)));
    a!.ws.send('x'.repeat(3 * 1024 * 1024));
    await a!.waitFor('error', () => false, { timeoutMs: 5000 }).catch(() => undefined);
    expect(a!.closed).toBe(true);
    b!.send({ type: 'hello', lab: LAB, client: 'test' });
    await b!.waitFor('welcome');
    b!.send({ type: 'lab.stop' });
    await b!.waitFor('lab.state', (m) => m.status === 'stopped', { timeoutMs: 60_000 });
    expect(await leftovers(`c-${learnerIds[1]}-${LAB}`)).toEqual({ containers: [], networks: [] });
    await b!.close();
  }, 90_000);
});
