/** `kalab setup`, `kalab images`, `kalab doctor`: getting a machine ready, and saying what is missing. */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { dockerClient, pingEngine } from '../../engine/docker.ts';
import { ensureImages, imagesPresent } from '../../engine/images.ts';
import { ensureChromium, ensureEngine } from '../../engine/preflight.ts';
import { loadAllLabs } from '../../lab/registry.ts';
import { KalabError } from '../../shared/errors.ts';
import { stderrProgress } from '../../shared/progress.ts';

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('get this machine ready: install and start a Docker engine if none answers (root on Debian), build the lab images')
    .option('--for-tests', "also make sure the test suite's browser (Debian's chromium) is installed")
    .action(async (flags: { forTests?: boolean }) => {
      const progress = stderrProgress();
      const started = Date.now();
      const docker = await ensureEngine({ progress, install: true });
      const images = await ensureImages(docker, { progress });
      if (flags.forTests) await ensureChromium({ progress });
      progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (image ${images.tag}${images.built ? ', built now' : ''})`);
    });

  program
    .command('images')
    .description('build the lab node image if missing (cached: a second run does nothing)')
    .option('--rebuild', 'build again even if the image exists')
    .action(async (flags: { rebuild?: boolean }) => {
      const progress = stderrProgress();
      const docker = await ensureEngine({ progress, install: false });
      const result = await ensureImages(docker, { progress, rebuild: flags.rebuild });
      process.stdout.write(`${result.tag} ${result.built ? `built in ${(result.ms / 1000).toFixed(1)} s` : 'already present'}\n`);
    });

  program
    .command('doctor')
    .description('check what kalab needs (engine, images, labs, browser) and say what to do about anything missing')
    .action(async () => {
      let problems = 0;
      const report = (ok: boolean, what: string, fix?: string) => {
        if (!ok) problems++;
        process.stdout.write(`${ok ? '✔' : '✘'} ${what}${!ok && fix ? `\n    → ${fix}` : ''}\n`);
      };
      const docker = dockerClient();
      let engineOk = false;
      try {
        await pingEngine(docker);
        engineOk = true;
        const v = await docker.version();
        report(true, `Docker engine ${v.Version} (API ${v.ApiVersion}) answers`);
      } catch (err) {
        report(false, 'Docker engine', err instanceof KalabError ? err.message : String(err));
      }
      if (engineOk) {
        const images = await imagesPresent(docker);
        report(images.present, `lab node image ${images.tag}`, 'run `npx kalab images` to build it (about a minute the first time)');
      }
      try {
        const labs = loadAllLabs();
        report(labs.length > 0, `${labs.length} labs: ${labs.map((l) => l.definition.id).join(', ')}`, 'labs/ has no lab.yaml files');
      } catch (err) {
        report(false, 'lab definitions', (err as Error).message);
      }
      report(existsSync('/usr/bin/chromium'), 'Chromium for the browser tests (/usr/bin/chromium)', 'only the test suite needs it: npm test installs it (apt-get install chromium)');
      process.exitCode = problems === 0 ? 0 : 1;
    });
}
