/**
 * Pool-hit start, apart from cold start: a copy of basic-vip waits in a hot pool of one
 * (runner/server/hot-pool.ts, with its shells already open), and a "learner" takes it and gets a
 * working lb1 terminal: its prompt, then a command's answer. Measured `times` times, the pool
 * refilling in between. The browser's figure (Start pressed to a working terminal) is measured by
 * test/e2e/classroom.test.ts; this one is the runner's part of it.
 */
import type Docker from 'dockerode';
import type { ShellSession } from '../../runner/engine/exec.ts';
import { subnetPool } from '../../runner/engine/subnet-pool.ts';
import type { LabDefinition, NodeName } from '../../runner/lab/definition.ts';
import { discardCopy, HotPool } from '../../runner/server/hot-pool.ts';

const READY_WITHIN_MS = 120_000;

/** Resolves when `text` has appeared in the shell's output (read from now on), or rejects at the deadline. */
function outputShows(shell: ShellSession, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`the shell did not print "${text}" within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (seen.includes(text)) done();
    };
    const done = (err?: Error) => {
      clearTimeout(timer);
      shell.stream.off('data', onData);
      if (err) reject(err);
      else resolve();
    };
    shell.stream.on('data', onData);
  });
}

/** Until the pool holds a ready copy, looked at every 100 ms against a deadline. */
async function poolReady(pool: HotPool, lab: string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (pool.readyCount(lab) === 0) {
    if (Date.now() > deadline) throw new Error(`the hot pool had no ${lab} copy ready within ${READY_WITHIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function hotStartsMs(docker: Docker, image: string, lab: LabDefinition, times: number): Promise<number[]> {
  const pool = new HotPool({ engine: () => Promise.resolve({ docker, image }), log: (line) => process.stderr.write(`${line}\n`), size: 1, subnetPool: subnetPool() });
  const figures: number[] = [];
  try {
    pool.keepReady(lab);
    for (let i = 0; i < times; i++) {
      await poolReady(pool, lab.id);
      const began = performance.now();
      const copy = pool.take(lab.id)!;
      const node = 'lb1' as NodeName;
      const size = { cols: 120, rows: 32 };
      const shell = (await copy.shells?.take(node, size)) ?? (await copy.lab.shell(node, size));
      try {
        const prompt = outputShows(shell, 'root@lb1:', 10_000);
        shell.stream.resume();
        await prompt;
        const answer = outputShows(shell, 'kalab-42', 10_000);
        shell.stream.write('echo kalab-$((6*7))\r');
        await answer;
        figures.push(performance.now() - began);
      } finally {
        shell.stream.destroy();
        await discardCopy(copy);
      }
    }
  } finally {
    await pool.close();
  }
  return figures;
}
