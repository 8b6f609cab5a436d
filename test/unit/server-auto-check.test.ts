/**
 * The runner's side of steps that check themselves (runner/server/live-lab.ts `checkStep` with
 * `auto`): the grader is stubbed, the lab copy is a stand-in, the verdicts are real. An automatic
 * failure never replaces a pass (a Check pressed does); a Check pressed while an automatic check
 * of the step is being judged makes its verdict a manual one; automatic failures are not reported
 * to the classroom (its "where the class is stuck" counts the checks learners ask for).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StepResult } from '../../runner/grade/step-runner.ts';

const judged: { next: (() => Promise<Omit<StepResult, 'ms'>>)[] } = { next: [] };
vi.mock('../../runner/grade/step-runner.ts', () => ({
  judgeStep: vi.fn(() => {
    const verdict = judged.next.shift();
    if (!verdict) throw new Error('no verdict scripted');
    return verdict();
  }),
  performAction: vi.fn(),
}));

const { LiveLab } = await import('../../runner/server/live-lab.ts');
const { loadLab } = await import('../../runner/lab/registry.ts');
type ServerMessage = import('../../runner/shared/protocol.ts').ServerMessage;
type StepVerdict = import('../../runner/shared/protocol.ts').StepVerdict;

const pass = (): Promise<Omit<StepResult, 'ms'>> => Promise.resolve({ id: 'start', title: 'start', passed: true, message: 'lb1 holds the VIP.' });
const fail = (): Promise<Omit<StepResult, 'ms'>> => Promise.resolve({ id: 'start', title: 'start', passed: false, message: 'lb2 holds the VIP.' });

function setup() {
  const reported: StepVerdict[] = [];
  const lab = new LiveLab(loadLab('basic-vip').definition, () => Promise.reject(new Error('no engine in unit tests')), () => undefined, {
    instance: 'c-test-basic-vip',
    pool: '10.89.0.0/16',
    verdicts: [],
    adoptRunning: false,
    expiresAt: () => undefined,
    onStarted: () => undefined,
    onStopped: () => undefined,
    onReset: () => undefined,
    onVerdict: (v) => reported.push(v),
    onChange: () => undefined,
  });
  // A running copy, as far as checkStep looks at one.
  const internals = lab as unknown as { running: unknown; peers: Set<{ send(m: ServerMessage): void }> };
  internals.running = { instance: {}, observer: { lastActivityAt: () => 0 }, measures: { measureOf: () => undefined }, abort: new AbortController(), terminals: new Map(), unsubscribe: () => undefined };
  const sent: ServerMessage[] = [];
  internals.peers.add({ send: (m) => sent.push(m) });
  const results = () => sent.filter((m): m is Extract<ServerMessage, { type: 'step.result' }> => m.type === 'step.result').map((m) => m.verdict);
  const progress = () => lab.progress().find((v) => v.step === 'start');
  return { lab, reported, results, progress };
}

describe('LiveLab.checkStep with auto', () => {
  beforeEach(() => {
    judged.next = [];
  });

  it('an automatic pass counts like any pass, and says it was automatic', async () => {
    const { lab, reported, results, progress } = setup();
    judged.next.push(pass);
    await lab.checkStep('start', true);
    expect(results()).toEqual([expect.objectContaining({ step: 'start', passed: true, auto: true })]);
    expect(progress()?.passed).toBe(true);
    expect(reported).toHaveLength(1);
  });

  it('an automatic failure does not replace a pass, and is not reported; a Check pressed does replace it', async () => {
    const { lab, reported, results, progress } = setup();
    judged.next.push(pass, fail, fail);
    await lab.checkStep('start');
    await lab.checkStep('start', true);
    // Every page hears the verdict (they showed "checking"), flagged automatic; the pass stands.
    expect(results()[1]).toEqual(expect.objectContaining({ passed: false, auto: true }));
    expect(progress()?.passed).toBe(true);
    expect(reported.map((v) => v.passed)).toEqual([true]);
    await lab.checkStep('start');
    expect(results()[2]).not.toHaveProperty('auto');
    expect(progress()?.passed).toBe(false);
    expect(reported.map((v) => v.passed)).toEqual([true, false]);
  });

  it('an automatic failure of a step not passed is its latest verdict (the hint reads it), still not reported', async () => {
    const { lab, reported, progress } = setup();
    judged.next.push(fail);
    await lab.checkStep('start', true);
    expect(progress()).toEqual(expect.objectContaining({ passed: false, auto: true, message: 'lb2 holds the VIP.' }));
    expect(reported).toEqual([]);
  });

  it('a Check pressed during an automatic check of the step waits for it, and makes it a manual verdict', async () => {
    const { lab, results, progress, reported } = setup();
    judged.next.push(pass);
    await lab.checkStep('start');
    let finish!: () => void;
    judged.next.push(() => new Promise((resolve) => (finish = () => resolve({ id: 'start', title: 'start', passed: false, message: 'lb2 holds the VIP.' }))));
    const automatic = lab.checkStep('start', true);
    await Promise.resolve();
    const pressed = lab.checkStep('start');
    finish();
    await Promise.all([automatic, pressed]);
    expect(results()).toHaveLength(2); // one verdict for both asks
    expect(results()[1]).not.toHaveProperty('auto');
    expect(progress()?.passed).toBe(false);
    expect(reported.map((v) => v.passed)).toEqual([true, false]);
  });
});
