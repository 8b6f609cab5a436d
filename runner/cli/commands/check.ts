/** `kalab check <lab> --solution <dir>` and `kalab check --all`. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
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
  const results: LabRunResult[] = [];
  try {
    for (const { lab, solution } of targets) {
      if (signals.signal.aborted) break;
      if (pretty) process.stdout.write(`${lab.definition.id}: ${lab.definition.title}\n`);
      const result = await checkLab({
        docker,
        image,
        lab,
        solution,
        progress,
        signal: signals.signal,
        onStepStart: (step) => progress(`${lab.definition.id}: ${step.id}: ${step.title}...`),
        onStepEnd: (step) => pretty && process.stdout.write(`${prettyStep(step)}\n`),
      });
      results.push(result);
      if (pretty) process.stdout.write(`${prettySummary(result)}\n\n`);
    }
  } finally {
    signals.dispose();
  }
  const interrupted = signals.received();
  if (interrupted) throw new InterruptedError(interrupted);

  if (!pretty) {
    const text = flags.reporter === 'junit' ? renderJunit(results) : flags.reporter === 'json' ? renderJson(results, Boolean(flags.all)) : results.map((r) => [...r.steps.map(prettyStep), prettySummary(r)].join('\n')).join('\n\n') + '\n';
    if (flags.output) {
      writeFileSync(flags.output, text);
      progress(`report written to ${flags.output}`);
    } else {
      process.stdout.write(text);
    }
  }
  return results.every((r) => r.passed) ? 0 : 1;
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
