import { describe, expect, it } from 'vitest';
import { renderJson, renderJunit, prettyStep } from '../../runner/report/reporters.ts';
import type { Diagnosis } from '../../runner/grade/diagnosis.ts';
import type { LabRunResult } from '../../runner/grade/step-runner.ts';

const splitBrain: Diagnosis = {
  code: 'vip-split-brain',
  params: { holders: ['lb1', 'lb2'], vip: '10.88.1.100' },
  text: 'Split brain: lb1 and lb2 "both" hold it.',
  causes: [{ code: 'cause-vrid-differs', params: { a: 'lb1', aVrid: 51, b: 'lb2', bVrid: 52 }, text: 'virtual_router_id differs' }],
};

const failed: LabRunResult = {
  lab: 'basic-vip',
  passed: false,
  steps: [
    { id: 'start', title: 'Start keepalived', passed: true, ms: 8123, message: 'lb1 holds the VIP.', settleMs: 4600 },
    { id: 'failover', title: 'Stop <lb1> & see', passed: false, ms: 6900, message: 'Split brain: lb1 and lb2 "both" hold it.', diagnosis: splitBrain, settleMs: 4600 },
    { id: 'preempt', title: 'Start lb1 again', passed: false, ms: 0, message: 'not run' },
  ],
};

describe('json reporter', () => {
  it("prints the contract's object for one lab, a failed step's diagnosis as data, and nothing else", () => {
    const parsed = JSON.parse(renderJson([failed], false));
    expect(parsed).toEqual({
      lab: 'basic-vip',
      passed: false,
      steps: [
        { id: 'start', title: 'Start keepalived', passed: true, ms: 8123, message: 'lb1 holds the VIP.' },
        {
          id: 'failover',
          title: 'Stop <lb1> & see',
          passed: false,
          ms: 6900,
          message: 'Split brain: lb1 and lb2 "both" hold it.',
          diagnosis: {
            code: 'vip-split-brain',
            params: { holders: ['lb1', 'lb2'], vip: '10.88.1.100' },
            causes: [{ code: 'cause-vrid-differs', params: { a: 'lb1', aVrid: 51, b: 'lb2', bVrid: 52 } }],
          },
        },
        { id: 'preempt', title: 'Start lb1 again', passed: false, ms: 0, message: 'not run' },
      ],
    });
  });
  it('leaves out causes when there are none, and the diagnosis of a step that did not run', () => {
    const noCauses: LabRunResult = {
      ...failed,
      steps: [{ id: 'start', title: 'Start', passed: false, ms: 10, message: 'x', diagnosis: { code: 'served-timeout', params: { node: 'lb1', url: 'http://10.88.1.100/' }, text: 'x' } }],
    };
    expect(JSON.parse(renderJson([noCauses], false)).steps[0].diagnosis).toEqual({ code: 'served-timeout', params: { node: 'lb1', url: 'http://10.88.1.100/' } });
    expect(JSON.parse(renderJson([failed], false)).steps[2]).not.toHaveProperty('diagnosis');
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
    expect(xml).toContain('<failure message="Split brain: lb1 and lb2 &quot;both&quot; hold it." type="vip-split-brain">Split brain: lb1 and lb2 &quot;both&quot; hold it.</failure>');
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
