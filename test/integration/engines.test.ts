/**
 * More engines than one, for real: a second Docker engine started on this machine (its own socket,
 * data root and subnet pool), a classroom whose local engine holds one lab, and two learners: one
 * lab on each engine at once, each graded right, the instructor told which engine holds which
 * learner, and everything removed from both engines at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { dockerFor } from '../../runner/engine/engines.ts';
import { ensureImages } from '../../runner/engine/images.ts';
import { LABEL_INSTANCE } from '../../runner/engine/labels.ts';
import { ensureEngine } from '../../runner/engine/preflight.ts';
import { DEFAULT_SUBNET_POOL } from '../../runner/engine/subnet-pool.ts';
import { startWorkbenchServer, type WorkbenchServer } from '../../runner/server/workbench-server.ts';
import { silentProgress } from '../../runner/shared/progress.ts';
import type { ClassState } from '../../runner/shared/protocol.ts';
import { join, learnerOnLab, origin, run, startKeepalivedAsLearner } from '../helpers/classroom.ts';
import { Page } from '../helpers/page-socket.ts';
import { waitFor } from '../helpers/wait.ts';

const LAB = 'basic-vip';
const SECOND_POOL = '10.92.0.0/16';

/** A second dockerd beside the first: no iptables of its own, so the test lets its pool's traffic (and VRRP's multicast) through. */
class SecondEngine {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'kalab-engine2-'));
  readonly socket = path.join(this.dir, 'docker.sock');
  readonly host = `unix://${this.socket}`;
  private daemon?: ChildProcess;
  private readonly rules = [
    ['-s', SECOND_POOL, '-d', SECOND_POOL, '-j', 'ACCEPT'],
    ['-s', SECOND_POOL, '-d', '224.0.0.0/4', '-j', 'ACCEPT'],
  ];

  async start(): Promise<Docker> {
    for (const rule of this.rules) spawnSync('iptables', ['-I', 'DOCKER-USER', ...rule]);
    this.daemon = spawn(
      'dockerd',
      ['--host', this.host, '--data-root', path.join(this.dir, 'data'), '--exec-root', path.join(this.dir, 'exec'), '--pidfile', path.join(this.dir, 'docker.pid'), '--bridge', 'none', '--iptables=false', '--ip-masq=false'],
      { stdio: 'ignore' },
    );
    const docker = dockerFor({ host: this.host });
    await waitFor(() => docker.ping().then(() => true), { timeoutMs: 30_000, what: 'the second Docker engine to answer' });
    return docker;
  }

  async stop(): Promise<void> {
    if (this.daemon && this.daemon.exitCode === null) {
      const exited = new Promise((resolve) => this.daemon!.once('exit', resolve));
      this.daemon.kill('SIGTERM');
      await exited;
    }
    for (const rule of this.rules) spawnSync('iptables', ['-D', 'DOCKER-USER', ...rule]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const second = new SecondEngine();
let secondDocker: Docker;
let server: WorkbenchServer;

beforeAll(async () => {
  const docker = await ensureEngine({ progress: silentProgress, install: false });
  const { tag } = await ensureImages(docker, { progress: silentProgress });
  secondDocker = await second.start();
  server = await startWorkbenchServer({
    port: 0,
    engine: async () => ({ docker, image: tag }),
    log: () => undefined,
    classroom: {
      statePath: path.join(mkdtempSync(path.join(tmpdir(), 'kalab-engines-')), 'class.db'),
      maxSessions: 4,
      idleTimeoutMs: 30 * 60_000,
      lifetimeMs: 3_600_000,
      pool: DEFAULT_SUBNET_POOL,
      localCapacity: 1,
      engines: [{ name: 'second', host: second.host, pool: SECOND_POOL, capacity: 1 }],
    },
  });
}, 120_000);

afterAll(async () => {
  await server?.classroom?.classroom.closeAll({ keepRunning: false });
  await server?.close();
  await second.stop();
});

describe('a classroom on two engines', () => {
  it('places one lab on each engine, grades both right, and tells the instructor which is where', async () => {
    const learners = [await join(server, 'Ada'), await join(server, 'Grace')];
    const onLab = [];
    for (const l of learners) onLab.push(await learnerOnLab(server, l.cookie!, LAB)); // one after the other: placement is by room left
    await Promise.all(
      onLab.map(async ({ page, subnet }) => {
        await startKeepalivedAsLearner(page, subnet);
        const n = page.messages.length;
        page.send({ type: 'step.check', step: 'start' });
        const result = await page.waitFor('step.result', (m) => m.verdict.step === 'start', { from: n, timeoutMs: 30_000 });
        expect(result.verdict.passed, result.verdict.message).toBe(true);
      }),
    );
    // The second learner's lab really is on the second engine, on its pool.
    const onSecond = await secondDocker.listContainers({ filters: { label: [`${LABEL_INSTANCE}=c-${learners[1]!.body.learner!.id}-${LAB}`] } });
    expect(onSecond.length).toBe(8);
    expect(onLab[1]!.subnet.startsWith('10.92.')).toBe(true);

    const entrance = await fetch(server.classroom!.instructorUrl, { redirect: 'manual' });
    const instructor = await Page.open(server.url, origin(server), entrance.headers.get('set-cookie')!.split(';')[0]!);
    instructor.send({ type: 'class.hello' });
    const state = (await instructor.waitFor('class.state', (m) => m.learners.filter((l) => l.passed === 1).length === 2)) as ClassState;
    expect(state.learners.map((l) => [l.name, l.engine]).sort()).toEqual([
      ['Ada', 'local'],
      ['Grace', 'second'],
    ]);
    await instructor.close();
    for (const { page } of onLab) await page.close();
  }, 240_000);
});
