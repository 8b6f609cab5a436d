/** Runs the real `kalab` command as a user would, capturing its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const KALAB_BIN = path.join(PROJECT_ROOT, 'runner/cli/bin.js');

export function startKalab(args: string[]): { child: ChildProcess; done: Promise<CliRun>; output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [KALAB_BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => ({ stdout, stderr }) };
}

export function kalab(...args: string[]): Promise<CliRun> {
  return startKalab(args).done;
}
