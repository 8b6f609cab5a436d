/**
 * `npm run bench -- --labs N`: N copies of basic-vip with its reference solution at once, each on
 * a subnet of the pool (a class of N on one host), every step run in all of them together. Prints
 * a table, then, last on stdout, one JSON object:
 *   {labs, startP50Ms, startP95Ms, memPerLabMiB, failoverP50Ms, failoverP95Ms, masterDownMs,
 *    verdictsRight, verdictsTotal, teardownMs, hostLoad1, freezeP95Ms, hotStartP50Ms, hotStartP95Ms}
 * failover is the `crash` step's observed time from lb1 frozen (the engine's pause event) to the
 * VIP on lb2, freeze the time dockerd took to freeze it, masterDownMs the Master_Down_Interval the
 * solution implies; start is cold (the labs start together, a few at a time per engine:
 * runner/engine/start-slots.ts), hotStart a copy taken from a hot pool to a working lb1 terminal.
 * Targets (reported, not asserted): every verdict right, start p50 < 2 s, < 100 MiB per lab,
 * crash failover p95 within 20 % of Master_Down, pool-hit start < 300 ms.
 */
import path from 'node:path';
import { loadavg } from 'node:os';
import { checkLab } from '../../runner/check/run-check.ts';
import { dockerClient } from '../../runner/engine/docker.ts';
import { ensureImages } from '../../runner/engine/images.ts';
import { readSolution } from '../../runner/engine/solution.ts';
import { subnetPool } from '../../runner/engine/subnet-pool.ts';
import type { LabRunResult, LabSession } from '../../runner/grade/step-runner.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { silentProgress } from '../../runner/shared/progress.ts';
import { memoryOfLabMiB, percentile, round, vipArrival } from './figures.ts';
import { hotStartsMs } from './hot-start.ts';

/** Pool-hit starts measured after the class run. */
const HOT_STARTS = 5;

export async function manyLabs(labs: number): Promise<void> {
  if (!Number.isInteger(labs) || labs < 1) throw new Error('--labs takes a whole number of labs, e.g. --labs 40');
  const docker = dockerClient();
  const { tag: image } = await ensureImages(docker, { progress: silentProgress });
  const lab = loadLab('basic-vip');
  const solution = readSolution(path.join(lab.dir, lab.definition.solution), lab.definition.nodes);

  const starts: number[] = [];
  const teardowns: number[] = [];
  const failovers: number[] = [];
  const freezes: number[] = [];
  const memory: number[] = [];
  const masterDowns: number[] = [];
  let load = 0;
  const began = Date.now();
  let done = 0;

  // A lab that could not run at all counts every one of its verdicts as not right.
  const couldNotRun = (err: unknown): LabRunResult => {
    process.stderr.write(`a lab could not run: ${(err as Error).message}\n`);
    return { lab: lab.definition.id, passed: false, steps: lab.definition.steps.map((st) => ({ id: st.id, title: st.title, passed: false, ms: 0, message: 'could not run' })) };
  };
  const results: LabRunResult[] = await Promise.all(
    Array.from({ length: labs }, async (_, i) => {
      let session: LabSession | undefined;
      let crashStarted = 0;
      const result = await checkLab({
        docker,
        image,
        lab,
        solution,
        progress: silentProgress,
        copy: { instance: `bench-${i + 1}`, pool: subnetPool() },
        onStarted: (s) => (session = s),
        onTimings: (t) => {
          starts.push(t.startMs);
          teardowns.push(t.teardownMs);
        },
        onStepStart: (step) => {
          if (step.id === 'crash') crashStarted = Date.now();
        },
        onStepEnd: (step) => {
          if (step.id === 'start' && session) {
            load = Math.max(load, loadavg()[0]!);
            void memoryOfLabMiB(session).then((m) => memory.push(m), () => undefined);
          }
          if (step.id === 'crash') {
            masterDowns.push(step.masterDownMs ?? NaN);
            // Failover is keepalived's part: from lb1 frozen (the engine's pause event) to the VIP
            // on lb2. The wait for dockerd to freeze it is its own figure.
            const frozenAt = session?.observer.timeline(crashStarted).find((e) => e.type === 'node' && e.node === 'lb1' && e.state === 'frozen')?.t;
            const at = session && vipArrival(session, 'lb2', frozenAt ?? crashStarted);
            if (frozenAt) freezes.push(frozenAt - crashStarted);
            if (at) failovers.push(at - (frozenAt ?? crashStarted));
          }
        },
      });
      process.stderr.write(`lab ${i + 1}: ${result.passed ? 'passed' : `FAILED at ${result.steps.find((st) => !st.passed)?.id}: ${result.steps.find((st) => !st.passed)?.message}`} (${++done}/${labs}, ${((Date.now() - began) / 1000).toFixed(0)} s)\n`);
      return result;
    }).map((p) => p.catch(couldNotRun)),
  );

  const steps = results.flatMap((r) => r.steps);
  const figures = {
    labs,
    startP50Ms: round(percentile(starts, 50)),
    startP95Ms: round(percentile(starts, 95)),
    memPerLabMiB: round(percentile(memory, 50), 1),
    failoverP50Ms: round(percentile(failovers, 50)),
    failoverP95Ms: round(percentile(failovers, 95)),
    masterDownMs: round(percentile(masterDowns, 50)),
    verdictsRight: steps.filter((s) => s.passed).length,
    verdictsTotal: steps.length,
    teardownMs: round(percentile(teardowns, 50)),
    hostLoad1: round(load, 1),
    freezeP95Ms: round(percentile(freezes, 95)),
    hotStartP50Ms: NaN,
    hotStartP95Ms: NaN,
  };
  // Pool-hit start, once the class has gone: a copy waiting in a hot pool, taken, to a working lb1 terminal.
  const hot = await hotStartsMs(docker, image, lab.definition, HOT_STARTS);
  figures.hotStartP50Ms = round(percentile(hot, 50));
  figures.hotStartP95Ms = round(percentile(hot, 95));
  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  const rows: [string, string, string][] = [
    ['verdicts right', `${figures.verdictsRight} / ${figures.verdictsTotal}`, ok(figures.verdictsRight === figures.verdictsTotal)],
    ['lab start p50 / p95', `${figures.startP50Ms} / ${figures.startP95Ms} ms`, `p50 < 2000 ms: ${ok(figures.startP50Ms < 2000)}`],
    ['memory per lab', `${figures.memPerLabMiB} MiB`, `< 100 MiB: ${ok(figures.memPerLabMiB < 100)}`],
    ['pool-hit start p50 / p95', `${figures.hotStartP50Ms} / ${figures.hotStartP95Ms} ms`, `to a working lb1 terminal, < 300 ms: ${ok(figures.hotStartP50Ms < 300)}`],
    ['crash failover p50 / p95', `${figures.failoverP50Ms} / ${figures.failoverP95Ms} ms`, `p95 within 20 % of ${figures.masterDownMs} ms: ${ok(figures.failoverP95Ms <= 1.2 * figures.masterDownMs)}`],
    ['freeze (docker pause) p95', `${figures.freezeP95Ms} ms`, ''],
    ['teardown p50', `${figures.teardownMs} ms`, ''],
    ['host load (1 min, peak)', `${figures.hostLoad1}`, ''],
    ['wall time', `${((Date.now() - began) / 1000).toFixed(0)} s`, ''],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`${labs} basic-vip labs at once, reference solution, every step\n`);
  for (const [what, value, goal] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${value.padStart(18)}  ${goal}\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
