import { describe, expect, it } from 'vitest';
import { renderJson, renderJunit, prettyStep } from '../../runner/report/reporters.ts';
import type { LabRunResult } from '../../runner/grade/step-runner.ts';

const failed: LabRunResult = {
  lab: 'basic-vip',
  passed: false,
  steps: [
    { id: 'start', title: 'Start keepalived', passed: true, ms: 8123, message: 'lb1 holds the VIP.', settleMs: 4600 },
    { id: 'failover', title: 'Stop <lb1> & see', passed: false, ms: 6900, message: 'Split brain: lb1 and lb2 "both" hold it.', settleMs: 4600 },
    { id: 'preempt', title: 'Start lb1 again', passed: false, ms: 0, message: 'not run' },
  ],
};

describe('json reporter', () => {
  it("prints the contract's object for one lab, and nothing else", () => {
    const parsed = JSON.parse(renderJson([failed], false));
    expect(parsed).toEqual({
      lab: 'basic-vip',
      passed: false,
      steps: [
        { id: 'start', title: 'Start keepalived', passed: true, ms: 8123, message: 'lb1 holds the VIP.' },
        { id: 'failover', title: 'Stop <lb1> & see', passed: false, ms: 6900, message: 'Split brain: lb1 and lb2 "both" hold it.' },
        { id: 'preempt', title: 'Start lb1 again', passed: false, ms: 0, message: 'not run' },
      ],
    });
  });
  it('wraps every lab for --all', () => {
    const parsed = JSON.parse(renderJson([failed, { ...failed, lab: 'x', passed: true }], true));
    expect(parsed.passed).toBe(false);
    expect(parsed.labs.map((l: { lab: string }) => l.lab)).toEqual(['basic-vip', 'x']);
  });
});

describe('junit reporter', () => {
  it('writes one testcase per step: passed, failed with the message, not run as skipped; XML escaped', () => {
    const xml = renderJunit([failed]);
    expect(xml).toContain('<testsuite name="basic-vip" tests="3" failures="1" skipped="1" time="15.023">');
    expect(xml).toContain('<testcase classname="kalab.basic-vip" name="start: Start keepalived" time="8.123"/>');
    expect(xml).toContain('name="failover: Stop &lt;lb1&gt; &amp; see"');
    expect(xml).toContain('<failure message="Split brain: lb1 and lb2 &quot;both&quot; hold it.">');
    expect(xml).toContain('<skipped message="not run: an earlier step failed"/>');
  });
});

describe('pretty reporter', () => {
  it('shows the diagnosis under a failed step only', () => {
    expect(prettyStep(failed.steps[0]!)).not.toContain('\n');
    expect(prettyStep(failed.steps[1]!)).toMatch(/failover: Stop <lb1> & see \(6\.9 s\)\n\s+Split brain/);
    expect(prettyStep(failed.steps[2]!)).not.toMatch(/\(0\.0 s\)/);
  });
});
