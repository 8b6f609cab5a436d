/**
 * kalab as a course's CI meets it, outside this repository: `npm pack`, `npm i ./kalab-*.tgz` into
 * an empty folder, then `npx kalab check` from there, on plain Node (tsx removed from the install
 * to prove it) with the labs and the node image's build context from the package. The verdicts
 * and exit codes are the repository's; the image is the one already on the engine (same content
 * hash, so nothing is built); the watchdog runs from the compiled JavaScript and reaps a killed
 * run; nothing is left on the engine.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../runner/engine/docker.ts';
import { ensureImages, nodeImageTag } from '../../runner/engine/images.ts';
import { LABEL_MANAGED, LABEL_OWNER, ownerFilter } from '../../runner/engine/labels.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { waitFor } from '../helpers/wait.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** npm's own variables (set when vitest runs under npx/npm) must not steer the npm commands run here. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv(), onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment of a live process (readable for our own processes), or '' once it is gone. */
function environOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return '';
  }
}

function cmdlineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Processes whose environment carries `mark`: the packaged CLI, npx's shell, the watchdog. */
function markedProcesses(mark: string): { pid: number; cmdline: string[] }[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((pid) => environOf(pid).split('\0').includes(mark))
    .map((pid) => ({ pid, cmdline: cmdlineOf(pid) }));
}

const docker = dockerClient();
const lab = loadLab('basic-vip').definition;
const broken = lab.broken.find((b) => b.dir === 'broken/vrid-mismatch')!;

let work: string;
let tarball: string;
let entries: string[];
let app: string;
let repoTag: string;
let installLog = '';

/**
 * `npx kalab <args>` from the installed folder, with a mark in its environment that tells its
 * processes, containers and networks apart from any other kalab on the engine (other test runs).
 */
async function packagedKalab(args: string[], opts: { whileRunning?: (mark: string, owners: Set<string>, stderr: () => string) => Promise<void> } = {}) {
  const mark = `KALAB_PACKAGE_TEST=${randomUUID()}`;
  const [key, value] = mark.split('=') as [string, string];
  const owners = new Set<string>();
  const images = new Set<string>();
  const processes = new Map<number, string[]>();
  let running = true;
  const watch = (async () => {
    while (running) {
      for (const p of markedProcesses(mark)) processes.set(p.pid, p.cmdline);
      const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`] } }).catch(() => []);
      for (const c of containers) {
        const owner = c.Labels[LABEL_OWNER];
        const pid = Number(owner?.split('/').at(-2));
        if (owner && !owners.has(owner) && environOf(pid).split('\0').includes(mark)) owners.add(owner);
        if (owner && owners.has(owner)) images.add(c.Image);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  let stderr = '';
  const during = run('npx', ['--no', 'kalab', ...args], app, cleanEnv({ [key]: value }), (text) => (stderr = text));
  const extra = opts.whileRunning?.(mark, owners, () => stderr);
  extra?.catch(() => undefined); // awaited below, after the run
  const result = await during;
  running = false;
  await watch;
  await extra;
  return { ...result, owners, images, processes };
}

async function leftoversOf(owners: Iterable<string>): Promise<string[]> {
  const left: string[] = [];
  for (const owner of owners) {
    const filters = ownerFilter(owner);
    left.push(...(await docker.listContainers({ all: true, filters })).map((c) => c.Names[0] ?? c.Id));
    left.push(...(await docker.listNetworks({ filters })).map((n) => n.Name));
  }
  return left;
}

beforeAll(async () => {
  // The image the repository's docker/node hashes to: present before the packaged CLI runs.
  repoTag = (await ensureImages(docker, { progress: () => undefined })).tag;
  work = mkdtempSync(path.join(tmpdir(), 'kalab-package-'));
  const packs = path.join(work, 'packs');
  mkdirSync(packs);
  const pack = await run('npm', ['pack', '--pack-destination', packs], PROJECT_ROOT);
  expect(pack.code, `npm pack failed:\n${pack.stdout}\n${pack.stderr}`).toBe(0);
  const [name] = readdirSync(packs).filter((f) => /^kalab-.*\.tgz$/.test(f));
  tarball = path.join(packs, name!);
  entries = (await run('tar', ['-tzf', tarball], work)).stdout.split('\n').filter(Boolean);

  app = path.join(work, 'course');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'course', private: true }, null, 2)}\n`);
  const install = await run('npm', ['i', tarball, '--no-audit', '--no-fund'], app);
  installLog = `${install.stdout}\n${install.stderr}`;
  expect(install.code, `npm i failed:\n${installLog}`).toBe(0);
  // No TypeScript toolchain at run time: tsx goes (the package depends on it for this
  // repository's sake only), and typescript was never there.
  rmSync(path.join(app, 'node_modules', 'tsx'), { recursive: true, force: true });
}, 420_000);

afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the compiled CLI, the labs and the node build context, and no sources or tests', () => {
    const files = entries.map((e) => e.replace(/^package\//, ''));
    for (const f of ['package.json', 'README.md', 'runner/cli/bin.js', 'dist/cli/main.js', 'dist/engine/reaper-process.js', 'labs/basic-vip/lab.yaml', 'labs/basic-vip/solution/lb1/etc/keepalived/keepalived.conf', 'docker/node/Dockerfile']) {
      expect(files, `the tarball lacks ${f}`).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.ts')), 'TypeScript sources in the tarball').toEqual([]);
    expect(files.filter((f) => /^(test|docs|node_modules|\.ci)\//.test(f) || f === 'tsconfig.json' || f === 'package-lock.json')).toEqual([]);
    expect(statSync(tarball).size, 'the tarball is a few hundred kB').toBeLessThan(1024 * 1024);
    const manifest = JSON.parse(readFileSync(path.join(app, 'node_modules/kalab/package.json'), 'utf8')) as { private?: boolean; bin: Record<string, string> };
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin.kalab).toBe('runner/cli/bin.js');
    expect(existsSync(path.join(app, 'node_modules/typescript')), 'typescript was installed with the package').toBe(false);
    expect(existsSync(path.join(app, 'node_modules/.bin/kalab'))).toBe(true);
  });

  it('hashes its docker/node to the tag the repository built, and finds that image on the engine', async () => {
    const installedTag = await nodeImageTag({ dir: path.join(app, 'node_modules/kalab/docker/node') });
    expect(installedTag, 'docker/node changed between the image build and npm pack, or the package lost a file of it').toBe(repoTag);
    const images = await run('npx', ['--no', 'kalab', 'images'], app);
    expect(images.code, images.stderr).toBe(0);
    expect(images.stdout.trim()).toBe(`${repoTag} already present`);
  });

  it('passes the reference solution from a copy outside the package: exit 0, every step passed, the same image, nothing left', async () => {
    const solution = path.join(work, 'solutions', 'reference');
    cpSync(path.join(PROJECT_ROOT, 'labs/basic-vip/solution'), solution, { recursive: true });
    const result = await packagedKalab(['check', 'basic-vip', '--solution', solution, '--reporter', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { lab: string; passed: boolean; steps: { id: string; passed: boolean; message: string }[] };
    expect(report.lab).toBe('basic-vip');
    expect(report.passed).toBe(true);
    expect(report.steps.map((s) => s.id)).toEqual(lab.steps.map((s) => s.id));
    for (const step of report.steps) expect(step.passed, `${step.id}: ${step.message}`).toBe(true);
    // The image already on the engine, not a new build.
    expect(result.stderr).not.toMatch(/building the lab node image/);
    expect(result.owners.size, 'no container of this run was seen').toBeGreaterThan(0);
    expect([...result.images]).toEqual([repoTag]);
    // The CLI and its watchdog ran the compiled JavaScript on plain Node.
    const cmdlines = [...result.processes.values()].map((c) => c.join(' '));
    expect(cmdlines.some((c) => /node_modules\/\.bin\/kalab|kalab\/runner\/cli\/bin\.js/.test(c)), cmdlines.join('\n')).toBe(true);
    const watchdog = cmdlines.filter((c) => c.includes('reaper-process'));
    expect(watchdog.length, cmdlines.join('\n')).toBeGreaterThan(0);
    for (const c of watchdog) {
      expect(c).toMatch(/node_modules\/kalab\/dist\/engine\/reaper-process\.js/);
      expect(c).not.toMatch(/tsx/);
    }
    expect(await leftoversOf(result.owners)).toEqual([]);
  });

  it(`fails a broken solution (${broken.dir}) at ${broken.failsAt} with exit 1 and the lab's diagnosis, and leaves nothing`, async () => {
    const solution = path.join(work, 'solutions', 'broken');
    cpSync(path.join(PROJECT_ROOT, 'labs/basic-vip', broken.dir), solution, { recursive: true });
    const result = await packagedKalab(['check', 'basic-vip', '--solution', solution, '--reporter', 'json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { passed: boolean; steps: { id: string; passed: boolean; message: string; diagnosis?: unknown }[] };
    expect(report.passed).toBe(false);
    const failed = report.steps.find((s) => !s.passed)!;
    expect(failed.id).toBe(broken.failsAt);
    expect(JSON.stringify(failed.diagnosis)).toContain(`"${broken.diagnosis}"`);
    expect(report.steps.slice(report.steps.indexOf(failed) + 1).every((s) => s.message === 'not run')).toBe(true);
    expect(await leftoversOf(result.owners)).toEqual([]);
  });

  it('writes a skeleton with kalab init, and refuses an unknown lab with exit 2', async () => {
    const dir = path.join(work, 'solutions', 'skeleton');
    const init = await run('npx', ['--no', 'kalab', 'init', 'notify-mail', dir], app);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'lb1/etc/keepalived/keepalived.conf'), 'utf8')).toMatch(/^vrrp_instance VI_1 \{$/m);
    expect(statSync(path.join(dir, 'lb2/etc/keepalived/notify.sh')).mode & 0o111).not.toBe(0);
    const unknown = await run('npx', ['--no', 'kalab', 'check', 'no-such-lab', '--solution', dir], app);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^kalab: Unknown lab "no-such-lab": choose one of .*basic-vip/);
  });

  it("reaps a killed run's containers with the packaged watchdog", async () => {
    const solution = path.join(work, 'solutions', 'reference');
    let killedOwners: Set<string> = new Set();
    const result = await packagedKalab(['check', 'basic-vip', '--solution', solution], {
      whileRunning: async (mark, owners, stderr) => {
        // Once the lab is up and its first step runs: no container is still being created.
        await waitFor(() => /basic-vip: start:/.test(stderr()) && owners.size > 0, { timeoutMs: 120_000, what: 'the first step' });
        killedOwners = owners;
        // SIGKILL the CLI itself (not npx): no teardown of its own runs.
        const cli = markedProcesses(mark).find((p) => p.cmdline.some((a) => /\.bin\/kalab$|runner\/cli\/bin\.js$/.test(a)));
        expect(cli, 'the packaged CLI process was not found').toBeDefined();
        process.kill(cli!.pid, 'SIGKILL');
      },
    });
    expect(result.code).not.toBe(0);
    expect(killedOwners.size).toBeGreaterThan(0);
    await waitFor(async () => (await leftoversOf(killedOwners)).length === 0, { timeoutMs: 60_000 });
  });
});
