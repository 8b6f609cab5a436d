/**
 * The grader cannot be blinded or fooled (lab contract, "What the grader trusts"), on the real
 * engine. Copies of basic-vip run at once, each on a subnet of its own:
 *  - a learner kills every observer-looking process in lb1 and lb2 and deletes /var/log/kalab at
 *    every step: the reference still passes, a broken solution still fails where it should;
 *  - a solution ships its own ip, curl, tcpdump, tail and pidof: same verdicts as without them;
 *  - keepalived's instance moved to conf.d/ behind `include`: the same settle windows as flat;
 *  - the grader's own eyes die mid-step: the gap is recorded, they come back, the verdict is right.
 * And solutions that reach where they may not are refused before anything starts (exit 2).
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { checkLab } from '../../runner/check/run-check.ts';
import { dockerClient } from '../../runner/engine/docker.ts';
import { ensureImages } from '../../runner/engine/images.ts';
import { readSolution } from '../../runner/engine/solution.ts';
import { subnetPool } from '../../runner/engine/subnet-pool.ts';
import type { LabRunResult, LabSession } from '../../runner/grade/step-runner.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { kalab } from '../helpers/cli.ts';
import { leftovers } from '../helpers/docker.ts';

const lab = loadLab('basic-vip');
const reference = path.join(lab.dir, lab.definition.solution);
const vridMismatch = lab.definition.broken.find((b) => b.dir.endsWith('vrid-mismatch'))!;

/** What a learner who wants to watch VRRP themselves, then stop it, types (and worse). */
const SABOTAGE = 'killall tcpdump tail ip 2>/dev/null; pkill -f monitor; rm -rf /var/log/kalab; true';

let docker: Docker;
let image: string;

beforeAll(async () => {
  docker = dockerClient();
  image = (await ensureImages(docker, { progress: () => undefined })).tag;
});

/** One copy of basic-vip on a subnet of its own from the pool, torn down at the end. */
async function runCopy(name: string, solutionDir: string, hooks: { onStepStart?: (session: LabSession) => void } = {}): Promise<LabRunResult> {
  const instance = `integrity-${name}`;
  let session: LabSession | undefined;
  const result = await checkLab({
    docker,
    image,
    lab,
    solution: readSolution(solutionDir, lab.definition.nodes),
    progress: () => undefined,
    copy: { instance, pool: subnetPool() },
    onStarted: (s) => (session = s),
    onStepStart: () => session && hooks.onStepStart?.(session),
  });
  expect(await leftovers(instance)).toEqual({ containers: [], networks: [] });
  return result;
}

/** The reference solution (or another) with fakes of the grader's old tools on both lb nodes' PATH. */
function withFakeTools(solutionDir: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kalab-fakes-'));
  cpSync(solutionDir, dir, { recursive: true });
  const fakes: Record<string, string> = {
    // Hides the VIP from whoever asks this node for its addresses.
    'usr/local/sbin/ip': '#!/bin/sh\n/usr/sbin/ip "$@" | grep -v "\\.100/"\n',
    'usr/local/bin/ip': '#!/bin/sh\n/usr/sbin/ip "$@" | grep -v "\\.100/"\n',
    // Always answers with lb1's page.
    'usr/local/bin/curl': '#!/bin/sh\necho "<p>kalab-node: lb1</p>"\n',
    // Sees nothing, follows nothing, finds everything.
    'usr/local/bin/tcpdump': '#!/bin/sh\nexec sleep 3600\n',
    'usr/local/bin/tail': '#!/bin/sh\nexit 0\n',
    'usr/local/bin/pidof': '#!/bin/sh\necho 1\n',
  };
  for (const node of ['lb1', 'lb2']) {
    for (const [file, body] of Object.entries(fakes)) {
      mkdirSync(path.dirname(path.join(dir, node, file)), { recursive: true });
      writeFileSync(path.join(dir, node, file), body, { mode: 0o755 });
    }
  }
  return dir;
}

function failedStep(result: LabRunResult) {
  return result.steps.find((s) => !s.passed);
}

/** The broken solution's failure, as its lab.yaml says: at its step, with its diagnosis code. */
function expectBrokenVerdict(result: LabRunResult): void {
  const failed = failedStep(result);
  expect(failed?.id, failed?.message).toBe(vridMismatch.failsAt);
  const codes = [failed!.diagnosis?.code, ...(failed!.diagnosis?.causes ?? []).map((c) => c.code)];
  expect(codes, failed!.message).toContain(vridMismatch.diagnosis);
  expect(failed!.message).toMatch(/split brain.*virtual_router_id differs/i);
}

describe.concurrent('the grader trusts only what it sees from outside the nodes', () => {
  it('a learner killing every observer-looking process and deleting /var/log/kalab changes no verdict', async () => {
    const sabotage = (session: LabSession) => {
      for (const node of ['lb1', 'lb2'] as const) {
        // Fire and forget: the learner types this while the step's action and verdict run.
        void session.lab.exec(node, SABOTAGE, { timeoutS: 10 }).catch(() => undefined);
      }
    };
    let graderProcessesSeen: string[] = [];
    const passing = await runCopy('blind-ref', reference, {
      onStepStart: (session) => {
        sabotage(session);
        // And the learner's ps shows none of the grader's watchers.
        void session.lab
          .exec('lb1', 'ps -eo comm=', { timeoutS: 5 })
          .then((r) => {
            graderProcessesSeen = graderProcessesSeen.concat(r.stdout.split('\n').filter((c) => /^(tcpdump|tail|ip)$/.test(c.trim())));
          })
          .catch(() => undefined); // lb1 frozen for the crash step: no exec then
      },
    });
    expect(passing.steps.filter((s) => !s.passed)).toEqual([]);
    expect(graderProcessesSeen).toEqual([]);

    const broken = await runCopy('blind-broken', path.join(lab.dir, vridMismatch.dir), { onStepStart: sabotage });
    expectBrokenVerdict(broken);
  });

  it('a solution shipping its own ip, curl, tcpdump, tail and pidof gets the verdicts it would get without them', async () => {
    const faked = await runCopy('fakes-ref', withFakeTools(reference));
    expect(faked.steps.filter((s) => !s.passed)).toEqual([]);
    const fakedBroken = await runCopy('fakes-broken', withFakeTools(path.join(lab.dir, vridMismatch.dir)));
    expectBrokenVerdict(fakedBroken);
  });

  it('an instance in conf.d/ behind include is timed exactly as the same instance written flat', async () => {
    const variant = lab.definition.variants.find((v) => v.dir.endsWith('conf-d-include'));
    expect(variant, 'basic-vip has a conf-d-include variant').toBeDefined();
    const [flat, included] = await Promise.all([runCopy('flat', reference), runCopy('include', path.join(lab.dir, variant!.dir))]);
    expect(included.steps.filter((s) => !s.passed)).toEqual([]);
    expect(included.steps.map((s) => [s.id, s.settleMs])).toEqual(flat.steps.map((s) => [s.id, s.settleMs]));
    // And those windows are VRRP's, not the bare margin of a config with no instance.
    expect(Math.min(...included.steps.map((s) => s.settleMs ?? 0))).toBeGreaterThan(3000);
  });

  it("the grader's eyes dying mid-step are restarted, the gap recorded, and the verdicts stay right", async () => {
    let killed = false;
    let observerOf: LabSession['observer'] | undefined;
    const result = await runCopy('eyes-die', reference, {
      onStepStart: (session) => {
        observerOf = session.observer;
        if (killed) return;
        killed = true;
        void session.lab.eyes('lb2').kill().catch(() => undefined);
      },
    });
    expect(result.steps.filter((s) => !s.passed)).toEqual([]);
    const gaps = observerOf!.lostDuring(0, Date.now());
    expect(gaps.map((g) => [g.node, g.watcher])).toEqual(expect.arrayContaining([['lb2', 'addresses'], ['lb2', 'adverts']]));
    expect(gaps.every((g) => g.to !== undefined && g.to >= g.from)).toBe(true);
  });
});

describe('solutions reach only where learners write', () => {
  const cases: [string, string, RegExp][] = [
    ['client/usr/local/bin/curl', '#!/bin/sh\necho kalab-node: lb1\n', /folder "client", but a solution of this lab configures only lb1, lb2/],
    ['lb1/usr/local/bin/systemctl', '#!/bin/sh\nexit 0\n', /would shadow systemctl, which the runner's own actions run/],
    ['lb2/usr/sbin/keepalived', '#!/bin/sh\nexit 0\n', /in \/usr\/sbin, where the node image keeps its programs/],
  ];
  for (const [file, body, message] of cases) {
    it(`refuses ${file} with exit 2 and one sentence, starting nothing`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'kalab-reach-'));
      cpSync(reference, dir, { recursive: true });
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), body, { mode: 0o755 });
      const run = await kalab('check', 'basic-vip', '--solution', dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toMatch(/starting basic-vip/);
    });
  }
});
