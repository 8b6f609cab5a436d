/**
 * A step the learner does in a terminal is timed from their command when the lab has not shown
 * its effect yet (runner/server/learner-acts.ts): Check pressed right after `systemctl start
 * keepalived` must not time a hold from a change minutes old. The grader is stubbed to record the
 * moment it is given; the lab copy is a stand-in.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StepResult } from '../../runner/grade/step-runner.ts';

const given: number[] = [];
vi.mock('../../runner/grade/step-runner.ts', () => ({
  judgeStep: vi.fn((_session: unknown, _step: unknown, actionAt: number): Promise<Omit<StepResult, 'ms'>> => {
    given.push(actionAt);
    return Promise.resolve({ id: 'start', title: 'start', passed: true, message: 'ok' });
  }),
  performAction: vi.fn(),
}));

const { inputActsOnLab, LearnerActs } = await import('../../runner/server/learner-acts.ts');
const { LiveLab } = await import('../../runner/server/live-lab.ts');
const { loadLab } = await import('../../runner/lab/registry.ts');

describe('what counts as the learner acting on the lab', () => {
  it('a line or a signal key does; keystrokes that only edit the command line do not', () => {
    expect(inputActsOnLab('systemctl start keepalived\r')).toBe(true);
    expect(inputActsOnLab('ip addr show eth0\n')).toBe(true);
    expect(inputActsOnLab('\x03')).toBe(true); // Ctrl-C stops a foreground keepalived -n
    expect(inputActsOnLab('\x04')).toBe(true);
    expect(inputActsOnLab('\x1a')).toBe(true);
    expect(inputActsOnLab('systemctl st')).toBe(false);
    expect(inputActsOnLab('\x1b[A')).toBe(false); // arrow up: history
    expect(inputActsOnLab('\t')).toBe(false);
  });

  it('the action time is the later of the last act and the last observed change', () => {
    const acts = new LearnerActs();
    expect(acts.actionAt(5000)).toBe(5000);
    acts.typed('systemctl start keepalived\r', 9000);
    expect(acts.actionAt(5000)).toBe(9000); // the lab has not shown it yet
    expect(acts.actionAt(9400)).toBe(9400); // keepalived's first event came after the Enter
    acts.typed('ip a', 12_000);
    expect(acts.lastAt()).toBe(9000);
    acts.saved(13_000);
    expect(acts.actionAt(9400)).toBe(13_000);
  });
});

describe('LiveLab.checkStep times a terminal step from the learner\'s command', () => {
  beforeEach(() => {
    given.length = 0;
  });

  function runningLab(lastActivityAt: number) {
    const lab = new LiveLab(loadLab('basic-vip').definition, () => Promise.reject(new Error('no engine in unit tests')), () => undefined);
    const typed: string[] = [];
    const internals = lab as unknown as { running: unknown };
    internals.running = {
      instance: {},
      observer: { lastActivityAt: () => lastActivityAt },
      measures: { measureOf: () => undefined },
      abort: new AbortController(),
      terminals: new Map([['lb1', { input: (d: string) => (typed.push(d), Promise.resolve()) }]]),
      unsubscribe: () => undefined,
    };
    return { lab, typed };
  }

  it('Check right after a command, before its first event: judged from the command', async () => {
    const stale = Date.now() - 120_000;
    const { lab, typed } = runningLab(stale);
    const before = Date.now();
    await lab.terminalInput('lb1', 'systemctl start keepalived\r');
    await lab.checkStep('start');
    expect(typed).toEqual(['systemctl start keepalived\r']);
    expect(given[0]).toBeGreaterThanOrEqual(before);
  });

  it('with no command since the lab last changed: judged from that change', async () => {
    const changed = Date.now() - 2_000;
    const { lab } = runningLab(changed);
    await lab.terminalInput('lb1', 'systemctl sta');
    await lab.checkStep('start');
    expect(given[0]).toBe(changed);
  });
});
