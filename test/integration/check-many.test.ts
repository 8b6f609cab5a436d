/**
 * A course grades many submissions at once: `kalab check <lab> --solution a --solution b ...`
 * (or a folder of solution folders) runs the copies concurrently on subnets of their own, with the
 * right verdict for each, one JUnit file for all; and a second `kalab check` of a lab whose
 * canonical copy another check is using runs beside it instead of removing it.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../runner/lab/registry.ts';
import { kalab, startKalab } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';

const lab = loadLab('basic-vip');
const broken = lab.definition.broken.find((b) => b.dir.endsWith('backup-higher-priority'))!;

describe('kalab check with many solutions', () => {
  it('grades three solutions of one lab at once, one of them broken, each with its own verdict', async () => {
    const submissions = mkdtempSync(path.join(tmpdir(), 'kalab-submissions-'));
    cpSync(path.join(lab.dir, lab.definition.solution), path.join(submissions, 'alice'), { recursive: true });
    cpSync(path.join(lab.dir, 'variants', 'conf-d-include'), path.join(submissions, 'bob'), { recursive: true });
    cpSync(path.join(lab.dir, broken.dir), path.join(submissions, 'carol'), { recursive: true });
    const junit = path.join(submissions, 'grades.xml');
    const run = await kalab('check', 'basic-vip', '--solution', submissions, '--jobs', '3', '--reporter', 'json');
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as { passed: boolean; labs: { solution: string; passed: boolean; steps: { id: string; passed: boolean; diagnosis?: { code: string; causes?: { code: string }[] } }[] }[] };
    expect(report.labs.map((l) => [l.solution, l.passed])).toEqual([
      ['alice', true],
      ['bob', true],
      ['carol', false],
    ]);
    const failed = report.labs[2]!.steps.find((s) => !s.passed)!;
    expect(failed.id).toBe(broken.failsAt);
    expect(JSON.stringify(failed.diagnosis)).toContain(broken.diagnosis);
    // The copies ran on subnets of their own: the canonical addresses in the files were mapped.
    expect(run.stderr).toMatch(/addresses mapped to it in lb1\/etc\/keepalived\/keepalived\.conf/);

    const xml = await kalab('check', 'basic-vip', '--solution', path.join(submissions, 'alice'), '--solution', path.join(submissions, 'carol'), '--reporter', 'junit', '--output', junit);
    expect(xml.code).toBe(1);
    const text = readFileSync(junit, 'utf8');
    expect(text).toContain('<testsuite name="basic-vip (alice)" tests="5" failures="0"');
    expect(text).toMatch(/<testsuite name="basic-vip \(carol\)" tests="5" failures="1"/);
  }, 300_000);

  it('a second check of the same lab runs beside a first one that holds the canonical copy', async () => {
    const reference = path.join(lab.dir, lab.definition.solution);
    const first = startKalab(['check', 'basic-vip', '--solution', reference, '--reporter', 'json']);
    await waitFor(() => /basic-vip: start:/.test(first.output().stderr), { timeoutMs: 60_000, what: 'the first check to start its lab' });
    const second = await kalab('check', 'basic-vip', '--solution', reference, '--reporter', 'json');
    const firstRun = await first.done;
    expect(second.stderr).toMatch(/another kalab is using its canonical copy/);
    expect([firstRun.code, second.code]).toEqual([0, 0]);
    expect(JSON.parse(second.stdout).passed).toBe(true);
  }, 300_000);
});
