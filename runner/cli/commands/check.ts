/** `kalab check <lab> --solution <dir>` and `kalab check --all`. */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { LABEL_OWNER, managedFilter } from '../../engine/labels.ts';
import { currentOwner, ownerMayBeAlive } from '../../engine/reaper.ts';
import { subnetPool } from '../../engine/subnet-pool.ts';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkLab } from '../../check/run-check.ts';
import { readSolution, type Solution } from '../../engine/solution.ts';
import type { LabRunResult } from '../../grade/step-runner.ts';
import { loadAllLabs, loadLab, type LoadedLab } from '../../lab/registry.ts';
import { LANGS, reportLang, type Lang } from '../../i18n/diagnoses.ts';
import { prettyHeading, prettyStep, prettySummary, renderJson, renderJunit, REPORTERS, stepTitles, type PrettyOptions, type ReporterName } from '../../report/reporters.ts';
import { InterruptedError, KalabError } from '../../shared/errors.ts';
import { stderrProgress } from '../../shared/progress.ts';
import { engineWithImages } from './engine.ts';
import { abortOnSignals } from './signals.ts';

interface CheckFlags {
  solution: string[];
  all?: boolean;
  reporter: ReporterName;
  output?: string;
  jobs?: number;
  lang?: Lang;
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
    .option(
      '-s, --solution <dir>',
      'solution directory: one sub-directory per node, laid over its root (e.g. <dir>/lb1/etc/keepalived/keepalived.conf); repeat it, or name a folder of solution folders, to grade several at once',
      (dir: string, dirs: string[]) => [...dirs, dir],
      [] as string[],
    )
    .option('-a, --all', "check every lab against its own reference solution")
    .addOption(new Option('-r, --reporter <name>', 'output format').choices(REPORTERS).default('pretty'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout (progress still goes to stderr)')
    .addOption(
      new Option('--lang <lang>', 'language of the pretty report: its step lines, diagnoses and summary (default: from LANG, e.g. zh_CN.UTF-8 → zh); json and junit keep the codes and the English text').choices(LANGS),
    )
    .option('-j, --jobs <n>', `with --all or several solutions: checks run at once (default ${DEFAULT_JOBS})`, (v) => {
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
  kalab check basic-vip --solution alice --solution bob --jobs 4 --reporter junit --output grades.xml
  kalab check basic-vip --solution submissions/      every folder in it that holds lb1/ or lb2/
  kalab check basic-vip --solution labs/basic-vip/solution --lang zh     the report in Chinese

Several solutions run at once, each on a subnet of its own (KALAB_SUBNET_POOL, default
10.89.0.0/16): the lab's canonical addresses in their files (e.g. 10.88.1.100) are mapped to the
copy's, whole address tokens only, and the progress says which files were mapped.

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
  const lang = reportLang(flags.lang);
  const inLang = (lab: LoadedLab | undefined): PrettyOptions => ({ lang, titles: lab ? stepTitles(lab.definition.steps, lang) : {} });
  const labOf = (id: string) => targets.find((t) => t.lab.definition.id === id)?.lab;
  const prettyReport = (r: LabRunResult, lab: LoadedLab | undefined) => [...r.steps.map((s) => prettyStep(s, inLang(lab))), prettySummary(r, inLang(lab))].join('\n');
  // Labs have distinct subnets, so --all runs several at once; one lab streams its steps as they
  // finish, several print each lab's block when it ends so their lines do not interleave.
  const jobs = Math.max(1, Math.min(targets.length, flags.jobs ?? DEFAULT_JOBS));
  const streaming = pretty && jobs === 1;
  const results: LabRunResult[] = new Array(targets.length);
  try {
    await runPool(targets, jobs, async ({ lab, solution, name }, index) => {
      if (signals.signal.aborted) return;
      const heading = prettyHeading(lab.definition, name, { lang });
      const options = inLang(lab);
      if (streaming) process.stdout.write(`${heading}\n`);
      // Several solutions of one lab, or a canonical copy another kalab is using: a copy of its own.
      const copy = name || (await canonicalCopyInUse(docker, lab.definition.id)) ? { instance: `${lab.definition.id}-${process.pid}-${index + 1}`, pool: subnetPool() } : undefined;
      if (copy && !name) progress(`${lab.definition.id}: another kalab is using its canonical copy; this check runs on a copy of its own`);
      const result = await checkLab({
        docker,
        image,
        lab,
        solution,
        progress,
        ...(copy ? { copy } : {}),
        signal: signals.signal,
        onStepStart: (step) => progress(`${lab.definition.id}: ${step.id}: ${step.title}...`),
        onStepEnd: (step) => streaming && process.stdout.write(`${prettyStep(step, options)}\n`),
      });
      results[index] = name ? { ...result, solution: name } : result;
      if (streaming) {
        // Steps after a failure never reach onStepEnd: list them as not run before the summary.
        const notRun = result.steps.filter((s) => s.message === 'not run').map((s) => `${prettyStep(s, options)}\n`).join('');
        process.stdout.write(`${notRun}${prettySummary(result, options)}\n\n`);
      }
      else if (pretty) process.stdout.write(`${heading}\n${result.steps.map((s) => prettyStep(s, options)).join('\n')}\n${prettySummary(result, options)}\n\n`);
    });
  } finally {
    signals.dispose();
  }
  const interrupted = signals.received();
  if (interrupted) throw new InterruptedError(interrupted);
  const finished = results.filter(Boolean);

  if (!pretty) {
    const text = flags.reporter === 'junit' ? renderJunit(finished) : flags.reporter === 'json' ? renderJson(finished, Boolean(flags.all)) : finished.map((r) => prettyReport(r, labOf(r.lab))).join('\n\n') + '\n';
    if (flags.output) {
      writeFileSync(flags.output, text);
      progress(`report written to ${flags.output}`);
    } else {
      process.stdout.write(text);
    }
  }
  return finished.every((r) => r.passed) ? 0 : 1;
}

interface Target {
  lab: LoadedLab;
  solution: Solution;
  /** Set when one check grades several solutions: the solution's folder name. */
  name?: string;
}

function planTargets(labId: string | undefined, flags: CheckFlags): Target[] {
  if (flags.all) {
    if (labId || flags.solution.length) throw new KalabError('--all checks every lab against its own reference solution: leave out the lab name and --solution.');
    const labs = loadAllLabs();
    return labs.map((lab) => {
      return { lab, solution: readSolution(path.join(lab.dir, lab.definition.solution), lab.definition.nodes, lab.definition.solutionNodes) };
    });
  }
  if (!labId) throw new KalabError('Name the lab to check (e.g. kalab check basic-vip --solution <dir>), or use --all.');
  const lab = loadLab(labId);
  if (!flags.solution.length) throw new KalabError(`Pass the solution to check: kalab check ${labId} --solution <dir> (the reference one is ${path.relative(process.cwd(), path.join(lab.dir, lab.definition.solution))}).`);
  const dirs = flags.solution.flatMap((dir) => solutionFolders(dir, lab.definition.nodes));
  const read = (dir: string) => readSolution(dir, lab.definition.nodes, lab.definition.solutionNodes);
  if (dirs.length === 1) return [{ lab, solution: read(dirs[0]!) }];
  const names = uniqueNames(dirs);
  return dirs.map((dir, i) => ({ lab, solution: read(dir), name: names[i]! }));
}

/**
 * A solution folder as given, or, for a folder that holds no node folder but folders that do
 * (a course's submissions/), each of those, sorted.
 */
function solutionFolders(dir: string, nodes: readonly string[]): string[] {
  const holdsNodes = (d: string) => nodes.some((n) => existsSync(path.join(d, n)));
  if (!existsSync(dir) || !statSync(dir).isDirectory() || holdsNodes(dir)) return [dir];
  const inner = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && holdsNodes(path.join(dir, e.name)))
    .map((e) => path.join(dir, e.name))
    .sort();
  return inner.length ? inner : [dir];
}

/** Folder names, made unique with their parents where two are alike (a/solution, b/solution). */
function uniqueNames(dirs: readonly string[]): string[] {
  const base = dirs.map((d) => path.basename(path.resolve(d)));
  return dirs.map((d, i) => (base.filter((b) => b === base[i]).length > 1 ? path.relative(process.cwd(), path.resolve(d)) : base[i]!));
}

/** Whether the lab's canonical copy belongs to another live kalab (two CI jobs on one runner). */
async function canonicalCopyInUse(docker: Docker, labId: string): Promise<boolean> {
  const containers = await docker.listContainers({ all: true, filters: managedFilter(labId) });
  return containers.some((c) => c.Labels[LABEL_OWNER] !== currentOwner() && ownerMayBeAlive(c.Labels[LABEL_OWNER]));
}
