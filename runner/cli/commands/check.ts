/** `kalab check <lab> --solution <dir>` and `kalab check --all`. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkLab } from '../../check/run-check.ts';
import { readSolution, type Solution } from '../../engine/solution.ts';
import type { LabRunResult } from '../../grade/step-runner.ts';
import { loadAllLabs, loadLab, type LoadedLab } from '../../lab/registry.ts';
import { prettyStep, prettySummary, renderJson, renderJunit, REPORTERS, type ReporterName } from '../../report/reporters.ts';
import { InterruptedError, KalabError } from '../../shared/errors.ts';
import { stderrProgress } from '../../shared/progress.ts';
import { engineWithImages } from './engine.ts';
import { abortOnSignals } from './signals.ts';

interface CheckFlags {
  solution?: string;
  all?: boolean;
  reporter: ReporterName;
  output?: string;
  jobs?: number;
}

/** Labs checked at once by --all: VRRP timing is wall-clock waiting, so a few share two cores well. */
const DEFAULT_JOBS = 3;

/** Run `work` over `items` with at most `limit` at a time. */
async function runPool<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description("run a lab's steps against a solution on real containers and grade each step")
    .argument('[lab]', 'the lab to check (see `kalab list`)')
    .option('-s, --solution <dir>', 'solution directory: one sub-directory per node, laid over its root (e.g. <dir>/lb1/etc/keepalived/keepalived.conf)')
    .option('-a, --all', "check every lab against its own reference solution")
    .addOption(new Option('-r, --reporter <name>', 'output format').choices(REPORTERS).default('pretty'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout (progress still goes to stderr)')
    .option('-j, --jobs <n>', `with --all: labs checked at once (default ${DEFAULT_JOBS}; their subnets differ)`, (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--jobs takes a whole number of at least 1.');
      return n;
    })
    .addHelpText(
      'after',
      `
Examples:
  kalab check basic-vip --solution labs/basic-vip/solution
  kalab check nopreempt --solution ./my-solution --reporter junit --output report.xml
  kalab check --all --reporter json

Exit codes: 0 every step passed, 1 a step failed, 2 the check could not run, 130 interrupted.`,
    )
    .action(async (labId: string | undefined, flags: CheckFlags) => {
      process.exitCode = await runCheckCommand(labId, flags);
    });
}

async function runCheckCommand(labId: string | undefined, flags: CheckFlags): Promise<number> {
  // Everything that can be refused is refused before any container starts.
  const targets = planTargets(labId, flags);
  const progress = stderrProgress();
  const { docker, image } = await engineWithImages(progress);
  const signals = abortOnSignals((sig) => progress(`${sig}: stopping after the current check and tearing the lab down...`));
  const pretty = flags.reporter === 'pretty' && !flags.output;
  // Labs have distinct subnets, so --all runs several at once; one lab streams its steps as they
  // finish, several print each lab's block when it ends so their lines do not interleave.
  const jobs = Math.max(1, Math.min(targets.length, flags.jobs ?? DEFAULT_JOBS));
  const streaming = pretty && jobs === 1;
  const results: LabRunResult[] = new Array(targets.length);
  try {
    await runPool(targets, jobs, async ({ lab, solution }, index) => {
      if (signals.signal.aborted) return;
      const heading = `${lab.definition.id}: ${lab.definition.title}`;
      if (streaming) process.stdout.write(`${heading}\n`);
      const result = await checkLab({
        docker,
        image,
        lab,
        solution,
        progress,
        signal: signals.signal,
        onStepStart: (step) => progress(`${lab.definition.id}: ${step.id}: ${step.title}...`),
        onStepEnd: (step) => streaming && process.stdout.write(`${prettyStep(step)}\n`),
      });
      results[index] = result;
      if (streaming) {
        // Steps after a failure never reach onStepEnd: list them as not run before the summary.
        const notRun = result.steps.filter((s) => s.message === 'not run').map((s) => `${prettyStep(s)}\n`).join('');
        process.stdout.write(`${notRun}${prettySummary(result)}\n\n`);
      }
      else if (pretty) process.stdout.write(`${heading}\n${result.steps.map(prettyStep).join('\n')}\n${prettySummary(result)}\n\n`);
    });
  } finally {
    signals.dispose();
  }
  const interrupted = signals.received();
  if (interrupted) throw new InterruptedError(interrupted);
  const finished = results.filter(Boolean);

  if (!pretty) {
    const text = flags.reporter === 'junit' ? renderJunit(finished) : flags.reporter === 'json' ? renderJson(finished, Boolean(flags.all)) : finished.map((r) => [...r.steps.map(prettyStep), prettySummary(r)].join('\n')).join('\n\n') + '\n';
    if (flags.output) {
      writeFileSync(flags.output, text);
      progress(`report written to ${flags.output}`);
    } else {
      process.stdout.write(text);
    }
  }
  return finished.every((r) => r.passed) ? 0 : 1;
}

function planTargets(labId: string | undefined, flags: CheckFlags): { lab: LoadedLab; solution: Solution }[] {
  if (flags.all) {
    if (labId || flags.solution) throw new KalabError('--all checks every lab against its own reference solution: leave out the lab name and --solution.');
    const labs = loadAllLabs();
    return labs.map((lab) => {
      return { lab, solution: readSolution(path.join(lab.dir, lab.definition.solution), lab.definition.nodes) };
    });
  }
  if (!labId) throw new KalabError('Name the lab to check (e.g. kalab check basic-vip --solution <dir>), or use --all.');
  const lab = loadLab(labId);
  if (!flags.solution) throw new KalabError(`Pass the solution to check: kalab check ${labId} --solution <dir> (the reference one is ${path.relative(process.cwd(), path.join(lab.dir, lab.definition.solution))}).`);
  return [{ lab, solution: readSolution(flags.solution, lab.definition.nodes) }];
}
