/**
 * `kalab start` (what `npm start` runs): the browser workbench on one URL. Sets up the engine and
 * images (with progress), builds the site if it is missing or stale, serves site and runner
 * together, prints the URL. Ctrl-C or SIGTERM closes the sockets and tears down every lab it started.
 */
import { Command, Option } from 'commander';
import { loadAllLabs } from '../../lab/registry.ts';
import { KalabError } from '../../shared/errors.ts';
import { stderrProgress } from '../../shared/progress.ts';
import { ensureSiteBuilt, siteBuildReason } from '../../server/site-build.ts';
import type { Engine } from '../../server/live-lab.ts';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SITE_DIR, startWorkbenchServer } from '../../server/workbench-server.ts';
import { engineWithImages } from './engine.ts';

interface StartFlags {
  port?: string;
  host: string;
  build: boolean;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start the browser workbench: the site and the lab runner on one URL (http://127.0.0.1:8080/)')
    .addOption(new Option('-p, --port <port>', 'port to listen on').env('PORT').default(String(DEFAULT_PORT)))
    .option('--host <host>', 'address to listen on; anything but loopback gives root shells in lab containers to whoever can reach it', DEFAULT_HOST)
    .option('--no-build', 'serve docs/.vitepress/dist as it is, without rebuilding the site')
    .addHelpText(
      'after',
      `
Examples:
  npm start                       same as: npx kalab start
  PORT=9000 npm start             another port
  npx kalab start --host 0.0.0.0  a trusted classroom network (read the warning it prints)`,
    )
    .action(async (flags: StartFlags) => {
      await runStart(flags);
    });
}

export function parsePort(raw: string | undefined): number {
  const port = Number(raw ?? DEFAULT_PORT);
  if (!/^\d+$/.test(String(raw ?? DEFAULT_PORT)) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new KalabError(`"${raw}" is not a port: set PORT (or --port) to a number from 1 to 65535, e.g. PORT=8080.`);
  }
  return port;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function runStart(flags: StartFlags): Promise<void> {
  const port = parsePort(flags.port);
  const host = flags.host;
  const progress = stderrProgress();
  if (!isLoopback(host)) {
    process.stderr.write(
      `kalab: WARNING: listening on ${host}: anyone who can reach this machine on port ${port} gets root shells in the lab containers, with no login. Use it only on a network you trust.\n`,
    );
  }

  // The engine is set up once, before the URL is printed; labs started later reuse it.
  let engine: Promise<Engine> | undefined;
  const getEngine = () => (engine ??= engineWithImages(progress, { install: true }));

  // Listen first: a port in use is reported before minutes of image building.
  const server = await startWorkbenchServer({ port, host, siteDir: DEFAULT_SITE_DIR, engine: getEngine });
  const shutdown = waitForShutdown(() => server.close(), progress);
  try {
    await getEngine();
    if (flags.build) await ensureSiteBuilt(DEFAULT_SITE_DIR, progress);
    else if (siteBuildReason(DEFAULT_SITE_DIR)) progress(`--no-build: serving ${DEFAULT_SITE_DIR} as it is (${siteBuildReason(DEFAULT_SITE_DIR)})`);
  } catch (err) {
    shutdown.dispose();
    await server.close();
    throw err;
  }

  const labs = loadAllLabs().map((l) => l.definition);
  process.stdout.write(`kalab workbench: ${server.url}\n`);
  for (const lab of labs) process.stdout.write(`  ${lab.id.padEnd(16)} ${server.url}labs/${lab.id}\n`);
  process.stdout.write('Press Ctrl-C to stop (labs started here are torn down).\n');
  await shutdown.done;
}

/** Resolves once a signal arrived and the server (and its labs) closed; a second signal while closing only gets a note. */
function waitForShutdown(close: () => Promise<void>, progress: (m: string) => void): { done: Promise<void>; dispose(): void } {
  let closing = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      progress('still tearing the labs down, one moment...');
      return;
    }
    closing = true;
    progress(`${signal}: closing connections and tearing down the labs started here...`);
    close()
      .catch((err) => progress(`teardown failed: ${(err as Error).message}; run npx kalab down to remove what is left`))
      .finally(() => {
        dispose();
        progress('stopped');
        resolveDone();
      });
  };
  const dispose = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { done, dispose };
}
