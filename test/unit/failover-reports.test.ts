/**
 * A step's failover figures wherever a step is reported: kalab check's pretty line, the JSON
 * step's field (beside the contract's), the JUnit testcase's properties and system-out, and the
 * page's timeline line.
 */
import { describe, expect, it } from 'vitest';
import { TimelineBuilder } from '../../docs/.vitepress/theme/lab/timeline.ts';
import type { LabRunResult } from '../../runner/grade/step-runner.ts';
import { prettyStep, renderJson, renderJunit } from '../../runner/report/reporters.ts';
import type { FailoverEvent, FailoverFigures } from '../../runner/shared/events.ts';

const figures: FailoverFigures = { from: 'lb1', to: 'lb2', failoverMs: 334, outageMs: 349, failedRequests: 6, requests: 29 };
const run: LabRunResult = {
  lab: 'fast-failover',
  passed: true,
  steps: [
    { id: 'start', title: 'Start', passed: true, ms: 2000, message: 'lb1 holds the VIP.' },
    { id: 'crash', title: 'Freeze lb1', passed: true, ms: 1400, message: 'lb1 → lb2 in 0.33 s.', failover: figures },
  ],
};

describe('failover figures in the reports', () => {
  it('pretty: a line under every step whose VIP moved, passed or not', () => {
    expect(prettyStep(run.steps[0]!)).not.toContain('failover');
    expect(prettyStep(run.steps[1]!).split('\n')[1]).toBe('      failover lb1 → lb2 in 0.33 s; outage 0.35 s, 6 of 29 requests failed');
    const failed = { ...run.steps[1]!, passed: false, message: 'Too slow.' };
    expect(prettyStep(failed).split('\n').slice(1)).toEqual(['      failover lb1 → lb2 in 0.33 s; outage 0.35 s, 6 of 29 requests failed', '      Too slow.']);
  });

  it("json: the step's failover object beside the contract's fields, only where the VIP moved", () => {
    const [start, crash] = JSON.parse(renderJson([run], false)).steps;
    expect(start).toEqual({ id: 'start', title: 'Start', passed: true, ms: 2000, message: 'lb1 holds the VIP.' });
    expect(crash).toEqual({ id: 'crash', title: 'Freeze lb1', passed: true, ms: 1400, message: 'lb1 → lb2 in 0.33 s.', failover: figures });
  });

  it("junit: properties and a system-out line in the step's testcase", () => {
    const xml = renderJunit([run]);
    expect(xml).toContain('<testcase classname="kalab.fast-failover" name="start: Start" time="2.000"/>');
    expect(xml).toContain(
      [
        '    <testcase classname="kalab.fast-failover" name="crash: Freeze lb1" time="1.400">',
        '      <properties>',
        '        <property name="failover.from" value="lb1"/>',
        '        <property name="failover.to" value="lb2"/>',
        '        <property name="failover.ms" value="334"/>',
        '        <property name="failover.outageMs" value="349"/>',
        '        <property name="failover.failedRequests" value="6"/>',
        '        <property name="failover.requests" value="29"/>',
        '      </properties>',
        '      <system-out>failover lb1 → lb2 in 0.33 s; outage 0.35 s, 6 of 29 requests failed</system-out>',
        '    </testcase>',
      ].join('\n'),
    );
  });

  it('the timeline: one line for the step, naming it', () => {
    const event: FailoverEvent = { type: 'failover', t: 1_800_000_000_334, node: 'lb2', step: 'crash', ...figures };
    expect(new TimelineBuilder().add([event])).toEqual([
      { key: JSON.stringify(event), t: event.t, node: 'lb2', kind: 'failover', text: 'crash: lb1 → lb2 in 0.33 s; outage 0.35 s, 6 of 29 requests failed' },
    ]);
  });
});
