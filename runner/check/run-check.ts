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
}

export async function checkLab(opts: CheckOptions): Promise<LabRunResult> {
  const { definition } = opts.lab;
  const startedAt = Date.now();
  opts.progress(`starting ${definition.id}: ${definition.nodes.join(', ')} on ${definition.subnet}`);
  const { lab, observer } = await startObservedLab(opts.docker, definition, { image: opts.image, progress: opts.progress, solution: opts.solution });
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
