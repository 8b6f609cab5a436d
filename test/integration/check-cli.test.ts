/**
 * `kalab check` as a CI pipeline meets it: reporters, exit codes, bad input that starts nothing,
 * other people's solutions, and Ctrl-C in the middle of a run leaving nothing behind.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { kalab, startKalab } from '../helpers/cli.ts';
import { leftovers, runningExecs } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait.ts';

const REFERENCE = path.join(PROJECT_ROOT, 'labs/basic-vip/solution');
const OTHER_STYLE = path.join(PROJECT_ROOT, 'test/fixtures/solutions/basic-vip-other-style');

function copyOfReference(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kalab-bad-'));
  cpSync(REFERENCE, dir, { recursive: true });
  return dir;
}

describe('kalab check refuses bad input with exit 2 and starts nothing', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown lab', () => ['check', 'no-such-lab', '--solution', REFERENCE], /Unknown lab "no-such-lab": choose one of .*basic-vip/],
    ['a missing solution directory', () => ['check', 'basic-vip', '--solution', '/nonexistent/dir'], /does not exist/],
    ['a folder for an unknown node', () => {
      const dir = copyOfReference();
      mkdirSync(path.join(dir, 'lb9'));
      return ['check', 'basic-vip', '--solution', dir];
    }, /"lb9", which is not a node of this lab/],
    ['a ../ symlink escaping the node root', () => {
      const dir = copyOfReference();
      symlinkSync('../../../../../etc/shadow', path.join(dir, 'lb1/etc/keepalived/escape.conf'));
      return ['check', 'basic-vip', '--solution', dir];
    }, /escape\.conf is a symlink/],
    ['a symlinked node folder', () => {
      const dir = copyOfReference();
      symlinkSync(path.join(dir, 'lb1'), path.join(dir, 'web1'));
      return ['check', 'basic-vip', '--solution', dir];
    }, /web1 is a symlink/],
    ['no solution at all', () => ['check', 'basic-vip'], /Pass the solution to check/],
  ];
  it.each(cases)('%s', async (_what, args, message) => {
    const run = await kalab(...args());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(await leftovers('basic-vip')).toEqual({ containers: [], networks: [] });
  });
});

describe('kalab check basic-vip', () => {
  it("passes a solution written in another style (names, priorities, comments) and writes JUnit", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'kalab-junit-')), 'report.xml');
    const run = await kalab('check', 'basic-vip', '--solution', OTHER_STYLE, '--reporter', 'junit', '--output', out);
    const xml = readFileSync(out, 'utf8');
    expect(run.code, run.stderr).toBe(0);
    expect(xml).toContain('<testsuite name="basic-vip" tests="5" failures="0" skipped="0"');
    for (const id of ['start', 'failover', 'preempt', 'crash', 'recover']) expect(xml).toContain(`name="${id}: `);
    expect(await leftovers('basic-vip')).toEqual({ containers: [], networks: [] });
  });

  it('prints progress on stderr and steps on stdout with the pretty reporter', async () => {
    const dir = copyOfReference();
    // Break it so the run is short: lb2 claims a higher priority.
    const conf = path.join(dir, 'lb2/etc/keepalived/keepalived.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/priority\s+\d+/, 'priority 200'));
    const run = await kalab('check', 'basic-vip', '--solution', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/kalab: starting basic-vip/);
    expect(run.stdout).toMatch(/✘ start: .*\n\s+lb2 holds the VIP 10\.88\.1\.100, not lb1: lb2's priority \(200\) is higher than lb1's/);
    expect(run.stdout).toMatch(/– failover/);
    expect(run.stdout).toMatch(/FAIL basic-vip: 0\/5 steps passed/);
  });

  it('tears everything down on Ctrl-C in the middle of a step and exits 130', async () => {
    const run = startKalab(['check', 'basic-vip', '--solution', REFERENCE]);
    // Interrupt once the lab is running its first step.
    await waitFor(() => /basic-vip: start:/.test(run.output().stderr), { timeoutMs: 120_000 });
    expect((await leftovers('basic-vip')).containers.length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Interrupted by SIGINT; the lab was torn down/);
    expect(await leftovers('basic-vip')).toEqual({ containers: [], networks: [] });
    expect(await runningExecs('basic-vip')).toBe(0);
  });
});
