/**
 * The one preflight behind `npm start`, `npm test` and `kalab setup`: a Docker engine that answers
 * (installed and started when allowed: root on Debian), the tools the image build may need, and
 * the browser the e2e tests drive. Anything missing that cannot be installed is one clear sentence.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { EngineUnavailableError, KalabError } from '../shared/errors.ts';
import type { Progress } from '../shared/progress.ts';
import { DEFAULT_SOCKET, dockerClient, engineSocket, pingEngine } from './docker.ts';
import { aptInstall, canInstallPackages, ensureHostTool, findExecutable } from './host-packages.ts';
import { findBaseImage } from './images.ts';

export const DOCKERD_LOG = '/var/log/kalab-dockerd.log';
export const CHROMIUM = '/usr/bin/chromium';
const ENGINE_START_DEADLINE_MS = 30_000;
const ENGINE_POLL_MS = 250;

/**
 * A Docker client whose engine answers. With `install` (and root on Debian): Docker is installed
 * if missing and dockerd started if not running; the image build's debootstrap comes along when
 * the engine has no Debian base image. Without `install`: the engine answers or a clear error.
 */
export async function ensureEngine(opts: { progress: Progress; install: boolean }): Promise<Docker> {
  const docker = dockerClient();
  try {
    await pingEngine(docker);
  } catch (err) {
    if (!opts.install) throw err;
    await installAndStartEngine(docker, opts.progress, err);
  }
  if (opts.install) await ensureBaseTools(docker, opts.progress);
  return docker;
}

async function installAndStartEngine(docker: Docker, progress: Progress, pingError: unknown): Promise<void> {
  // A remote engine (tcp://, ssh://) or a custom socket is not ours to start.
  if (engineSocket() !== DEFAULT_SOCKET) throw pingError;
  if (!canInstallPackages()) {
    const dockerd = findExecutable('dockerd');
    throw new EngineUnavailableError(
      dockerd
        ? `No Docker engine answers at ${DEFAULT_SOCKET}: start it (systemctl start docker, or dockerd & as root), then run this again.`
        : 'No Docker engine answers and Docker is not installed: install Docker Engine (Debian/Ubuntu: apt-get install docker.io, as root), start it, and run this again.',
      { cause: pingError },
    );
  }
  if (!findExecutable('dockerd')) {
    progress('no Docker engine here: installing Debian\'s docker.io and debootstrap (apt-get, a minute or two)');
    await aptInstall(['docker.io', 'debootstrap'], progress);
  }
  await startDockerd(docker, progress);
}

/** Start dockerd in its own session, logging to DOCKERD_LOG, so it outlives this process. */
async function startDockerd(docker: Docker, progress: Progress): Promise<void> {
  const dockerd = findExecutable('dockerd');
  if (!dockerd) throw new EngineUnavailableError('dockerd is not installed even after apt-get install docker.io: install Docker Engine by hand and start it.');
  progress(`starting dockerd (log: ${DOCKERD_LOG})`);
  const log = openSync(DOCKERD_LOG, 'a');
  let exited: number | null | undefined;
  try {
    const child = spawn(dockerd, [], { detached: true, stdio: ['ignore', log, log] });
    child.on('exit', (code) => (exited = code));
    child.on('error', () => (exited = -1));
    child.unref();
  } finally {
    closeSync(log);
  }
  // Waiting for a daemon to come up: poll its socket until a deadline.
  const deadline = Date.now() + ENGINE_START_DEADLINE_MS;
  for (;;) {
    try {
      await pingEngine(docker);
      progress('Docker engine is up');
      return;
    } catch (err) {
      if (exited !== undefined || Date.now() > deadline) {
        const why = exited !== undefined ? `dockerd exited (${lastLogLine()})` : `dockerd did not answer within ${ENGINE_START_DEADLINE_MS / 1000} s`;
        throw new EngineUnavailableError(`${why}: read ${DOCKERD_LOG}, fix what it says, and start dockerd again.`, { cause: err });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, ENGINE_POLL_MS));
  }
}

function lastLogLine(): string {
  try {
    const lines = readFileSync(DOCKERD_LOG, 'utf8').trim().split('\n');
    return lines.filter((l) => /level=(fatal|error)/.test(l)).pop()?.slice(0, 200) ?? lines.pop()?.slice(0, 200) ?? 'no log';
  } catch {
    return 'no log';
  }
}

/** The image build bootstraps its Debian base with debootstrap when the engine has none: have it ready. */
async function ensureBaseTools(docker: Docker, progress: Progress): Promise<void> {
  if (await findBaseImage(docker)) return;
  if (findExecutable('debootstrap') || !canInstallPackages()) return;
  await ensureDebootstrap({ progress, install: true });
}

/** debootstrap's path; installed when allowed, else a KalabError saying what to install. */
export function ensureDebootstrap(opts: { progress: Progress; install: boolean }): Promise<string> {
  return ensureHostTool({
    tool: 'debootstrap',
    pkg: 'debootstrap',
    why: 'to build the Debian base of the lab image',
    progress: opts.progress,
    install: opts.install,
    missing: (reason) => new KalabError(`The lab image build needs debootstrap and ${reason}: install it (apt-get install debootstrap, as root).`),
  });
}

/** A font with Chinese glyphs, so that the screenshots the e2e tests save of /zh/ pages can be read. */
export const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';

/** The browser the e2e tests drive: Debian's chromium (and a Chinese font for its screenshots), installed when allowed. */
export async function ensureChromium(opts: { progress: Progress }): Promise<string> {
  const missing = [...(existsSync(CHROMIUM) ? [] : ['chromium']), ...(existsSync(CJK_FONT) ? [] : ['fonts-wqy-zenhei'])];
  if (missing.length === 0) return CHROMIUM;
  if (!canInstallPackages()) {
    if (!missing.includes('chromium')) return CHROMIUM; // the font only makes screenshots legible
    throw new KalabError(`The browser tests need Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium, as root).`);
  }
  opts.progress(`installing ${missing.join(' and ')} from Debian for the browser tests (a minute or two)`);
  await aptInstall(missing, opts.progress);
  if (!existsSync(CHROMIUM)) throw new KalabError(`apt-get installed chromium but ${CHROMIUM} is missing: install Chromium by hand.`);
  return CHROMIUM;
}
