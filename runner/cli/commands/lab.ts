/** Hands-on use from a terminal: `kalab list`, `kalab up`, `kalab shell`, `kalab down`. */
import { Command } from 'commander';
import { LabInstance, removeLabCopies } from '../../engine/lab-instance.ts';
import { releaseToOutliveUs } from '../../engine/reaper.ts';
import { LABEL_INSTANCE, LABEL_MANAGED, LABEL_NODE, LABEL_PART } from '../../engine/labels.ts';
import { openShell } from '../../engine/exec.ts';
import { readSolution } from '../../engine/solution.ts';
import { nodeNameSchema } from '../../lab/definition.ts';
import { loadAllLabs, loadLab } from '../../lab/registry.ts';
import { KalabError } from '../../shared/errors.ts';
import { stderrProgress } from '../../shared/progress.ts';
import { ensureEngine } from '../../engine/preflight.ts';
import { engineWithImages } from './engine.ts';

export function registerLabCommands(program: Command): void {
  program
    .command('list')
    .description('list the labs, with their subnets and steps')
    .action(() => {
      for (const { definition: lab } of loadAllLabs()) {
        process.stdout.write(`${lab.id.padEnd(16)} ${lab.subnet.padEnd(14)} ${lab.title}\n${''.padEnd(31)} steps: ${lab.steps.map((s) => s.id).join(', ')}\n`);
      }
    });

  program
    .command('up')
    .description('start a lab and leave it running, for hands-on work with `kalab shell`')
    .argument('<lab>', 'the lab to start (see `kalab list`)')
    .option('-s, --solution <dir>', 'lay a solution over the nodes first (e.g. labs/basic-vip/solution)')
    .action(async (labId: string, flags: { solution?: string }) => {
      const { definition } = loadLab(labId);
      const solution = flags.solution ? readSolution(flags.solution, definition.nodes, definition.solutionNodes) : undefined;
      const progress = stderrProgress();
      const { docker, image } = await engineWithImages(progress);
      const lab = await LabInstance.start(docker, definition, { image, progress });
      if (solution) await lab.applySolution(solution);
      // Up means up after this command: its watchdog only reaps a start that did not finish.
      releaseToOutliveUs();
      const a = lab.addresses;
      process.stdout.write(`${definition.id} is up on ${a.subnet} (VIP ${a.vip}):\n`);
      for (const node of lab.nodes) process.stdout.write(`  ${node.padEnd(7)} ${a.node[node]}\n`);
      process.stdout.write(`\nOpen a shell:  npx kalab shell ${definition.id} lb1\nTear it down:  npx kalab down ${definition.id}\n`);
    });

  program
    .command('shell')
    .description('open an interactive root shell on a node of a running lab')
    .argument('<lab>', 'a lab started with `kalab up` (or by the workbench)')
    .argument('<node>', 'lb1, lb2, web1, web2, mail or client')
    .action(async (labId: string, node: string) => {
      loadLab(labId);
      if (!nodeNameSchema.safeParse(node).success) throw new KalabError(`Unknown node "${node}": use one of ${nodeNameSchema.options.join(', ')}.`);
      const docker = await ensureEngine({ progress: stderrProgress(), install: false });
      const [info] = await docker.listContainers({ filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${labId}`, `${LABEL_NODE}=${node}`, `${LABEL_PART}=node`] } });
      if (!info) throw new KalabError(`Lab ${labId} has no running ${node}: start it with npx kalab up ${labId}.`);
      const stdin = process.stdin;
      const shell = await openShell(docker.getContainer(info.Id), { cols: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24 });
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.pipe(shell.stream);
      shell.stream.pipe(process.stdout);
      const onResize = () => void shell.resize(process.stdout.columns ?? 80, process.stdout.rows ?? 24);
      process.stdout.on('resize', onResize);
      const code = await shell.exited;
      process.stdout.off('resize', onResize);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.unpipe(shell.stream);
      stdin.pause();
      process.exitCode = code;
    });

  program
    .command('down')
    .description('remove a lab started with `kalab up` (or every kalab lab when no name is given)')
    .argument('[lab]', 'the lab to remove; all kalab labs when left out')
    .action(async (labId?: string) => {
      if (labId) loadLab(labId);
      const docker = await ensureEngine({ progress: stderrProgress(), install: false });
      const removed = await removeLabCopies(docker, labId);
      process.stdout.write(removed ? `removed ${removed} container(s) and network(s)${labId ? ` of ${labId}` : ''}\n` : `nothing to remove${labId ? ` for ${labId}` : ''}\n`);
    });
}

