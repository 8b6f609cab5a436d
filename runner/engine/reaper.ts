/**
 * Nothing a runner starts outlives it, however it dies (SIGKILL included), the way testcontainers'
 * Ryuk reaps what a dead test process left. Every container and network a runner process creates
 * carries its owner id (LABEL_OWNER); the first lab it starts also starts a watchdog: a detached
 * process that holds one end of a pipe to the runner. When that pipe closes (the runner exited, or
 * was killed), the watchdog removes everything labelled with the owner id and exits. It needs no
 * container with the Docker socket and no privileges beyond the runner's own: it talks to the same
 * engine, the same way (DOCKER_HOST included).
 *
 * A runner that means to leave its labs running (`kalab up`) releases them first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../shared/paths.ts';

/** This process's owner id: host, pid and a random part (pids are reused). */
export const OWNER_ID = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;

/**
 * Who owns what this process creates. By default the process itself; a classroom workbench owns
 * its learners' labs as the class (`class/<id>`), so that a workbench started again on the same
 * class takes them back: its watchdog then waits `adoptGraceMs` for a successor to take the
 * class's lock file before it reaps.
 */
let owner: { id: string; lockFile?: string; adoptGraceMs?: number } = { id: OWNER_ID };

export function currentOwner(): string {
  return owner.id;
}

/** Own this process's labs as a class (before the first lab starts); writes the class's lock file. */
export function ownAsClass(classId: string, lockFile: string, adoptGraceMs: number): void {
  owner = { id: `class/${classId}`, lockFile, adoptGraceMs };
  writeFileSync(lockFile, `${process.pid}\n`);
}

/**
 * Whether the process an owner id names may still be running: on this host, its pid answers; on
 * another host (a shared engine) it cannot be told, so it counts as alive.
 */
export function ownerMayBeAlive(labelled: string | undefined): boolean {
  if (!labelled) return false;
  const parts = labelled.split('/');
  if (parts.length < 3) return false;
  const pid = Number(parts[parts.length - 2]);
  const host = parts.slice(0, -2).join('/');
  if (host !== hostname()) return true;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return labelled === currentOwner();
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let watchdog: ChildProcess | undefined;

/**
 * The watchdog's script is the module beside this one, in this one's language: reaper-process.ts
 * run through tsx from the sources, reaper-process.js on plain Node in the package (dist/).
 */
function watchdogCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  const script = path.join(path.dirname(self), `reaper-process${path.extname(self)}`);
  return path.extname(self) === '.ts' ? ['--import', 'tsx', script] : [script];
}

/** Start the watchdog for this process, once. Cheap to call before every lab start. */
export function ensureReaper(): void {
  if (watchdog || process.env.KALAB_NO_REAPER === '1') return;
  const args = owner.lockFile ? [owner.id, owner.lockFile, String(owner.adoptGraceMs ?? 0)] : [owner.id];
  watchdog = spawn(process.execPath, [...watchdogCommand(), ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    // stdin: the pipe whose end is the runner's end. Nothing else: the watchdog must not hold the
    // runner's terminal or output open.
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  // Neither the process nor the pipe keeps the runner's event loop alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/** Engines beside the default one that this process starts labs on: the watchdog reaps there too. */
const otherEngines = new Set<string>();

export function reapOnEngineToo(host: string): void {
  ensureReaper();
  if (otherEngines.has(host)) return;
  otherEngines.add(host);
  watchdog?.stdin?.write(`engine ${host}\n`);
}

/** Leave this process's labs running after it exits (`kalab up`): the watchdog exits without reaping. */
export function releaseToOutliveUs(): void {
  if (!watchdog?.stdin) return;
  watchdog.stdin.end('release\n');
  watchdog = undefined;
}
