/**
 * The watchdog behind runner/engine/reaper.ts:
 *   node --import tsx reaper-process.ts <owner> [<class lock file> <adopt grace ms>]
 * Waits for its stdin (a pipe from the runner) to close, then removes every container and network
 * labelled with that owner, unless the runner said "release" first. A class's watchdog first gives
 * a successor workbench the grace to take the class's lock file (it writes its pid there), and
 * reaps nothing if one did. It retries a few times (the engine may be busy with the very
 * containers it is removing) and exits.
 */
import { readFileSync, watch } from 'node:fs';
import { dockerClient } from './docker.ts';
import { dockerFor } from './engines.ts';
import { removeOwned } from './lab-instance.ts';

const [owner, lockFile, graceArg] = process.argv.slice(2);
if (!owner) process.exit(2);
const parentPid = process.ppid;

let released = false;
let input = '';
/** Other engines the runner started labs on ("engine <host>" lines). */
const engines = new Set<string>();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  input += chunk;
  const lines = input.split('\n');
  input = lines.pop() ?? '';
  for (const line of lines) {
    if (line === 'release') released = true;
    else if (line.startsWith('engine ')) engines.add(line.slice('engine '.length));
  }
});
process.stdin.on('error', () => undefined);
const closed = () => {
  if (released) process.exit(0);
  if (lockFile) void awaitSuccessor(lockFile, Number(graceArg) || 0).then((taken) => (taken ? process.exit(0) : reap()));
  else void reap();
};

/** Whether another live workbench holds the class's lock file now. */
function successorHolds(file: string): boolean {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || pid === parentPid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true as soon as a successor takes the lock file, false when the grace runs out. */
function awaitSuccessor(file: string, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (successorHolds(file)) return resolve(true);
    let watcher: ReturnType<typeof watch> | undefined;
    const done = (taken: boolean) => {
      watcher?.close();
      clearTimeout(timer);
      resolve(taken);
    };
    const timer = setTimeout(() => done(successorHolds(file)), graceMs);
    try {
      watcher = watch(file, () => successorHolds(file) && done(true));
    } catch {
      // No lock file to watch: the grace alone decides.
    }
  });
}
process.stdin.on('end', closed);
process.stdin.on('close', closed);
// A SIGHUP from the runner's terminal closing must not take the watchdog with it.
process.on('SIGHUP', () => undefined);
process.on('SIGINT', () => undefined);

let reaping = false;
async function reap(): Promise<void> {
  if (reaping) return;
  reaping = true;
  const clients = [dockerClient(), ...[...engines].map((host) => dockerFor({ host }))];
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const left = await Promise.all(clients.map((docker) => removeOwned(docker, owner!).catch(() => 1)));
      if (left.every((n) => n === 0)) break;
    } catch {
      // An engine is busy or restarting: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
  }
  process.exit(0);
}
