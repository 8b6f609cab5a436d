/**
 * Labs share a host without disturbing each other's VRRP timing, and nothing outlives a runner:
 *  - a fork bomb in one lab's lb2 and `yes` in its web1, while another lab's master advertises:
 *    the largest gap between that master's adverts, as captured on its own lab network, stays
 *    within advert_int + 150 ms (the CPU quota and shares in runner/engine/lab-instance.ts);
 *  - `kill -9` of `kalab check` in the middle of a step: its watchdog removes every container and
 *    network within 30 s.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { dockerClient } from '../../runner/engine/docker.ts';
import { execLines } from '../../runner/engine/exec.ts';
import { ensureImages } from '../../runner/engine/images.ts';
import { readSolution } from '../../runner/engine/solution.ts';
import { subnetPool } from '../../runner/engine/subnet-pool.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { startObservedLab, type ObservedLab } from '../../runner/observe/start-observed-lab.ts';
import { parseAdvertLine } from '../../runner/observe/parse.ts';
import { startKalab } from '../helpers/cli.ts';
import { leftovers } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait.ts';

const lab = loadLab('basic-vip');
const solution = readSolution(path.join(lab.dir, lab.definition.solution), lab.definition.nodes);
let docker: Docker;
let image: string;
const started: ObservedLab[] = [];

beforeAll(async () => {
  docker = dockerClient();
  image = (await ensureImages(docker, { progress: () => undefined })).tag;
});

afterAll(async () => {
  for (const s of started) {
    await s.observer.stop().catch(() => undefined);
    await s.lab.teardown().catch(() => undefined);
  }
});

async function copy(instance: string): Promise<ObservedLab> {
  const s = await startObservedLab(docker, lab.definition, { image, instance, subnet: { pool: subnetPool() }, solution });
  started.push(s);
  return s;
}

describe('labs side by side on one host', () => {
  it("a fork bomb and yes in one lab leave another lab's master advertising on time", async () => {
    const [noisy, quiet] = await Promise.all([copy('isolation-noisy'), copy('isolation-quiet')]);
    await quiet.lab.exec('lb1', 'systemctl start keepalived', { timeoutS: 30 });
    await waitFor(() => quiet.observer.vip().runningHolders.includes('lb1'), { timeoutMs: 15_000, what: "the quiet lab's lb1 to be MASTER" });

    // The neighbour goes wild: a fork bomb (bounded by lb2's pids limit) and a busy loop.
    await noisy.lab.exec('lb2', "nohup bash -c 'f() { f | f & }; f' >/dev/null 2>&1 &", { timeoutS: 10 });
    await noisy.lab.exec('web1', 'nohup yes >/dev/null 2>&1 &', { timeoutS: 10 });
    await waitFor(async () => (await noisy.lab.container('lb2').top()).Processes!.length > 300, { timeoutMs: 30_000, what: 'the fork bomb to fill lb2' });

    // The quiet master's adverts, stamped by tcpdump on its own network (the grader's eyes beside lb1).
    const stamps: number[] = [];
    const ADVERTS = 12;
    const capture = await execLines(quiet.lab.eyes('lb1'), "tcpdump -tt -Z root -i eth0 -Q out -nn -l -p 'ip proto 112' 2>/dev/null", (line) => {
      if (parseAdvertLine(line)) stamps.push(Number(line.split(' ')[0]) * 1000);
    });
    try {
      await waitFor(() => stamps.length >= ADVERTS, { timeoutMs: ADVERTS * 1000 + 10_000, what: `${ADVERTS} adverts from the quiet lab's lb1` });
    } finally {
      await capture.stop();
    }
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    const largest = Math.max(...gaps);
    const advertIntMs = 1000;
    console.log(`isolation: ${gaps.length} advert gaps under a neighbour's fork bomb + yes: largest ${largest.toFixed(1)} ms, host load ${loadavg()[0]!.toFixed(1)}`);
    expect(largest).toBeLessThanOrEqual(advertIntMs + 150);
  }, 180_000);

  it('kill -9 of kalab check mid-step leaves no container or network 30 s later', async () => {
    const check = startKalab(['check', 'basic-vip', '--solution', path.join(lab.dir, lab.definition.solution)]);
    // Mid-step: the first step has begun (its progress line is out) on a running lab.
    await waitFor(() => /basic-vip: start:/.test(check.output().stderr), { timeoutMs: 60_000, what: 'kalab check to begin its first step' });
    expect((await leftovers('basic-vip')).containers.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    check.child.kill('SIGKILL');
    await check.done;
    await waitFor(async () => {
      const left = await leftovers('basic-vip');
      return left.containers.length === 0 && left.networks.length === 0;
    }, { timeoutMs: 30_000, intervalMs: 250, what: 'the watchdog to remove the killed check\'s lab' });
    console.log(`reaper: the killed check's lab was gone ${Date.now() - killedAt} ms after kill -9`);
  }, 120_000);
});
