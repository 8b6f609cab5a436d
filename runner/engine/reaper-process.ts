/**
 * The watchdog behind runner/engine/reaper.ts: `node --import tsx reaper-process.ts <owner>`.
 * Waits for its stdin (a pipe from the runner) to close, then removes every container and network
 * labelled with that owner, unless the runner said "release" first. It retries a few times (the
 * engine may be busy with the very containers it is removing) and exits.
 */
import { dockerClient } from './docker.ts';
import { removeOwned } from './lab-instance.ts';

const owner = process.argv[2];
if (!owner) process.exit(2);

let released = false;
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  input += chunk;
  if (input.includes('release\n')) released = true;
});
process.stdin.on('error', () => undefined);
const closed = () => {
  if (released) process.exit(0);
  void reap();
};
process.stdin.on('end', closed);
process.stdin.on('close', closed);
// A SIGHUP from the runner's terminal closing must not take the watchdog with it.
process.on('SIGHUP', () => undefined);
process.on('SIGINT', () => undefined);

let reaping = false;
async function reap(): Promise<void> {
  if (reaping) return;
  reaping = true;
  const docker = dockerClient();
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      if ((await removeOwned(docker, owner!)) === 0) break;
    } catch {
      // The engine is busy or restarting: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
  }
  process.exit(0);
}
