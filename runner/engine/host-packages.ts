/**
 * The host tools kalab may install for the user (Docker, debootstrap, Chromium): finding them,
 * and installing Debian packages with apt-get when we are root on a Debian-like system.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Progress } from '../shared/progress.ts';
import { KalabError } from '../shared/errors.ts';
import { CondensedProgress } from './condensed-progress.ts';

/** Root's tool directories are searched too: a user's PATH often lacks /usr/sbin (dockerd, debootstrap). */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Root on a Debian-like system with apt-get: the only case in which kalab installs software. */
export function canInstallPackages(): boolean {
  return isRoot() && existsSync('/etc/debian_version') && findExecutable('apt-get') !== undefined;
}

export interface RunResult {
  code: number | null;
  /** The last lines of output, for an error message. */
  tail: string[];
}

/** Run a command, feeding its output (stdout and stderr) to `onOutput` as it comes. */
export function runStreaming(
  command: string,
  args: string[],
  opts: { onOutput?: (text: string) => void; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      opts.onOutput?.(text);
      for (const line of text.split(/\r?\n/)) if (line.trim()) tail.push(line.trim());
      if (tail.length > 20) tail.splice(0, tail.length - 20);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, tail }));
  });
}

function aptListsPresent(): boolean {
  try {
    return readdirSync('/var/lib/apt/lists').some((f) => /_Packages(\.\w+)?$/.test(f));
  } catch {
    return false;
  }
}

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

async function aptGet(args: string[], progress: Progress): Promise<RunResult> {
  const condensed = new CondensedProgress(progress, { important: /^E: / }).start();
  try {
    // Another apt (unattended upgrades, a second kalab) holds the lock: wait for it a while.
    return await runStreaming('apt-get', ['-o', 'DPkg::Lock::Timeout=120', ...args], {
      env: APT_ENV,
      onOutput: (text) => condensed.write(text),
    });
  } finally {
    condensed.stop();
  }
}

/**
 * `apt-get install -y --no-install-recommends <packages>`, running `apt-get update` first when the
 * package lists are missing, and once more if the install cannot find a package.
 */
export async function aptInstall(packages: string[], progress: Progress): Promise<void> {
  if (!canInstallPackages()) {
    throw new KalabError(`Installing ${packages.join(', ')} needs root on a Debian-like system: install ${packages.length > 1 ? 'them' : 'it'} yourself (apt-get install ${packages.join(' ')}).`);
  }
  const install = ['install', '-y', '-q', '--no-install-recommends', ...packages];
  let updated = false;
  if (!aptListsPresent()) {
    progress('apt-get update (the package lists are missing)');
    await aptGet(['update', '-q'], progress);
    updated = true;
  }
  let result = await aptGet(install, progress);
  if (result.code !== 0 && !updated) {
    progress('apt-get install failed; refreshing the package lists (apt-get update) and trying once more');
    await aptGet(['update', '-q'], progress);
    result = await aptGet(install, progress);
  }
  if (result.code !== 0) {
    const reason = result.tail.filter((l) => l.startsWith('E:')).join(' ') || result.tail.slice(-3).join(' ');
    throw new KalabError(`apt-get install ${packages.join(' ')} failed (${reason}): fix apt (try apt-get update) and run this again.`);
  }
}

/**
 * A host tool kalab needs: its path if present; else installed from `pkg` when allowed (and
 * possible), saying so; else a KalabError built by `missing`.
 */
export async function ensureHostTool(opts: {
  tool: string;
  pkg: string;
  why: string;
  progress: Progress;
  install: boolean;
  missing: (reason: string) => KalabError;
}): Promise<string> {
  const found = findExecutable(opts.tool);
  if (found) return found;
  if (!opts.install) throw opts.missing(`${opts.tool} is not installed`);
  if (!canInstallPackages()) throw opts.missing(`${opts.tool} is not installed and kalab can install it only as root on Debian`);
  opts.progress(`${opts.tool} is missing: installing Debian's ${opts.pkg} package (${opts.why})`);
  await aptInstall([opts.pkg], opts.progress);
  const installed = findExecutable(opts.tool);
  if (!installed) throw opts.missing(`the ${opts.pkg} package installed but ${opts.tool} is still not found`);
  return installed;
}
