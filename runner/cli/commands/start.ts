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
import { DEFAULT_SUBNET_POOL, parseCidr } from '../../engine/subnet-pool.ts';
import { parseEngineSpec } from '../../engine/engines.ts';

interface StartFlags {
  port?: string;
  host: string;
  build: boolean;
  classroom: boolean;
  state: string;
  maxSessions: string;
  idleTimeout: string;
  lifetime: string;
  subnetPool: string;
  secureCookies: boolean;
  keepLabs: boolean;
  hotPool: string;
  engine: string[];
  localCapacity?: string;
  solutions: boolean;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .alias('serve')
    .description('start the browser workbench: the site and the lab runner on one URL (http://127.0.0.1:8080/)')
    .addOption(new Option('-p, --port <port>', 'port to listen on').env('PORT').default(String(DEFAULT_PORT)))
    .option('--host <host>', 'address to listen on; anything but loopback gives root shells in lab containers to whoever can reach it', DEFAULT_HOST)
    .option('--no-build', 'serve docs/.vitepress/dist as it is, without rebuilding the site')
    .option('--classroom', 'many learners, each with their own labs: they join with a code; prints the instructor URL', false)
    .option('--state <file>', 'classroom: the SQLite file that keeps the class (a restart on the same file takes the labs back)', '.kalab/classroom.db')
    .option('--max-sessions <n>', 'classroom: labs running at once on this host (and learners in the class)', '40')
    .option('--idle-timeout <duration>', 'classroom: remove a lab nobody used for this long (e.g. 30m)', '30m')
    .option('--lifetime <duration>', 'classroom: remove a lab this long after it started (e.g. 3h)', '3h')
    .addOption(new Option('--subnet-pool <cidr>', 'classroom: the /24s learners\' labs get').env('KALAB_SUBNET_POOL').default(DEFAULT_SUBNET_POOL))
    .option('--secure-cookies', 'classroom: session cookies over HTTPS only (behind a TLS reverse proxy)', false)
    .option(
      '--engine <spec>',
      'classroom: one more Docker engine for learners\' labs, e.g. name=lab2,host=unix:///run/lab2.sock,pool=10.91.0.0/16,capacity=20 (host may be tcp://…,tls=<cert dir> or ssh://user@host); repeatable',
      (spec: string, specs: string[]) => [...specs, spec],
      [] as string[],
    )
    .option('--local-capacity <n>', 'classroom with --engine: labs the local engine holds at most (default: --max-sessions)')
    .option('--hot-pool <n>', 'classroom: copies of each lab kept started ahead of time, so that Start is instant', '1')
    .option('--no-solutions', 'pages offer each step\'s hint but never the reference solution (an exam)')
    .option('--keep-labs', 'classroom: on Ctrl-C leave the learners\' labs running for the next start to take back', false)
    .addHelpText(
      'after',
      `
Examples:
  npm start                       same as: npx kalab start
  PORT=9000 npm start             another port
  npx kalab start --classroom --host 0.0.0.0
                                  a class: learners join with the printed code; put it behind
                                  TLS for a real class (docs/guide/classroom.md)`,
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

export function parseCount(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) throw new KalabError(`${flag} takes a whole number of at least 1, not "${raw}".`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "30m", "3h", "1500ms" (a bare number is minutes). */
export function parseDuration(raw: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m || Number(m[1]) <= 0) throw new KalabError(`${flag} takes a duration such as 90s, 30m or 3h, not "${raw}".`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'm']!);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function runStart(flags: StartFlags): Promise<void> {
  const port = parsePort(flags.port);
  const host = flags.host;
  const progress = stderrProgress();
  const classroom = flags.classroom
    ? {
        statePath: flags.state,
        maxSessions: parseCount(flags.maxSessions, '--max-sessions'),
        idleTimeoutMs: parseDuration(flags.idleTimeout, '--idle-timeout'),
        lifetimeMs: parseDuration(flags.lifetime, '--lifetime'),
        pool: flags.subnetPool,
        secureCookies: flags.secureCookies,
        keepLabsOnClose: flags.keepLabs,
        hotPoolSize: flags.hotPool === '0' ? 0 : parseCount(flags.hotPool, '--hot-pool'),
        engines: flags.engine.map(parseEngineSpec),
        ...(flags.localCapacity ? { localCapacity: parseCount(flags.localCapacity, '--local-capacity') } : {}),
      }
    : undefined;
  if (classroom) parseCidr(classroom.pool); // a bad pool is refused before anything listens
  // Classroom mode asks every socket for a session: listening beyond loopback is what it is for.
  if (!isLoopback(host) && !classroom) {
    process.stderr.write(
      `kalab: WARNING: listening on ${host}: anyone who can reach this machine on port ${port} gets root shells in the lab containers, with no login. Use it only on a network you trust.\n`,
    );
  }

  // The engine is set up once, before the URL is printed; labs started later reuse it.
  let engine: Promise<Engine> | undefined;
  const getEngine = () => (engine ??= engineWithImages(progress, { install: true }));

  // Listen first: a port in use is reported before minutes of image building.
  const server = await startWorkbenchServer({ port, host, siteDir: DEFAULT_SITE_DIR, engine: getEngine, solutions: flags.solutions, ...(classroom ? { classroom } : {}) });
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
  if (server.classroom) {
    process.stdout.write(`Classroom: learners open ${server.url}labs/ and join with the code ${server.classroom.joinCode}\n`);
    process.stdout.write(`Instructor page (keep this URL to yourself): ${server.classroom.instructorUrl}\n`);
  }
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
