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
import { hostname } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../shared/paths.ts';

/** This process's owner id: host, pid and a random part (pids are reused). */
export const OWNER_ID = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;

/**
 * Whether the process an owner id names may still be running: on this host, its pid answers; on
 * another host (a shared engine) it cannot be told, so it counts as alive.
 */
export function ownerMayBeAlive(owner: string | undefined): boolean {
  if (!owner) return false;
  const parts = owner.split('/');
  if (parts.length < 3) return false;
  const pid = Number(parts[parts.length - 2]);
  const host = parts.slice(0, -2).join('/');
  if (host !== hostname()) return true;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return owner === OWNER_ID;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let watchdog: ChildProcess | undefined;

/** Start the watchdog for this process, once. Cheap to call before every lab start. */
export function ensureReaper(): void {
  if (watchdog || process.env.KALAB_NO_REAPER === '1') return;
  const script = path.join(PROJECT_ROOT, 'runner/engine/reaper-process.ts');
  watchdog = spawn(process.execPath, ['--import', 'tsx', script, OWNER_ID], {
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

/** Leave this process's labs running after it exits (`kalab up`): the watchdog exits without reaping. */
export function releaseToOutliveUs(): void {
  if (!watchdog?.stdin) return;
  watchdog.stdin.end('release\n');
  watchdog = undefined;
}
