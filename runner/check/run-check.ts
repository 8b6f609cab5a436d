/**
 * `kalab check`: one lab against one solution, start to teardown. The lab is removed at the end whatever happens, Ctrl-C included (the signal
 * aborts the steps, then the same finally block tears down).
 */
import type Docker from 'dockerode';
import type { Solution } from '../engine/solution.ts';
import { runSteps, type LabRunResult, type LabSession, type RunHooks } from '../grade/step-runner.ts';
import type { LoadedLab } from '../lab/registry.ts';
import { startObservedLab } from '../observe/start-observed-lab.ts';
import type { Progress } from '../shared/progress.ts';

export interface CheckOptions extends RunHooks {
  docker: Docker;
  image: string;
  lab: LoadedLab;
  /** Validated before the call (readSolution), so a bad directory starts nothing. */
  solution: Solution;
  progress: Progress;
  /** Figures for the benchmark: how long start and teardown took. */
  onTimings?(t: { startMs: number; teardownMs: number }): void;
  /** The live lab once it is up, before the first step (the benchmark reads its timeline). */
  onStarted?(session: LabSession): void;
  /**
   * A copy of its own: container names and labels carry `instance`, its network is a free /24 of
   * `pool` (runner/engine/subnet-pool.ts), and the solution's canonical addresses are mapped to it
   * (whole address tokens only, reported through `progress`). Default: the lab's own name and
   * canonical subnet.
   */
  copy?: { instance: string; pool: string };
}

export async function checkLab(opts: CheckOptions): Promise<LabRunResult> {
  const { definition } = opts.lab;
  const startedAt = Date.now();
  opts.progress(`starting ${definition.id}: ${definition.nodes.join(', ')} on ${opts.copy ? `a subnet of ${opts.copy.pool}` : definition.subnet}`);
  const { lab, observer, mapped } = await startObservedLab(opts.docker, definition, {
    image: opts.image,
    progress: opts.progress,
    solution: opts.solution,
    ...(opts.copy ? { instance: opts.copy.instance, subnet: { pool: opts.copy.pool } } : {}),
  });
  if (opts.copy) {
    const files = mapped.map((r) => `${r.file} (${r.count})`).join(', ');
    opts.progress(`${definition.id} runs as ${lab.instance} on ${lab.addresses.subnet}; ${definition.subnet}'s addresses mapped to it in ${files || 'no solution file'}`);
  }
  const startMs = Date.now() - startedAt;
  try {
    opts.onStarted?.({ lab, observer });
    return await runSteps({ lab, observer }, definition, opts);
  } finally {
    const teardownStarted = Date.now();
    await observer.stop().catch(() => undefined);
    await lab.teardown();
    opts.onTimings?.({ startMs, teardownMs: Date.now() - teardownStarted });
  }
}
