/** The step runner against fakes: actions dispatched to their kinds, verdicts, and verdicts withheld when the observer lost sight. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { judgeStep, performAction, runSteps } from '../../runner/grade/step-runner.ts';
import { labSchema, type StepDefinition } from '../../runner/lab/definition.ts';
import { fakeLab, fakeObserver } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

/** 19:02:00.000 local time, so that the times in a message read the same in every time zone. */
const START = new Date(2026, 0, 5, 19, 2, 0, 0).getTime();

const step = (expect: unknown[], action: unknown = { observe: true }): StepDefinition =>
  labSchema.parse({ id: 'demo', title: 'Demo', summary: 'A demo.', subnet: '10.88.1.0/24', nodes: ['lb1', 'lb2', 'client'], steps: [{ id: 'check', title: 'Check', do: action, expect }] })
    .steps[0]!;

function session() {
  const { lab, probes } = fakeLab('10.88.1', {}, [{ ok: true, status: 200, body: 'kalab-node: lb1' }]);
  const obs = fakeObserver(lab.nodes);
  return { session: { lab, observer: obs.observer }, obs, lab, probes };
}

beforeEach(() => {
  vi.clearAllMocks();
  vi.useFakeTimers({ now: START });
});
afterEach(() => vi.useRealTimers());

describe('judgeStep', () => {
  it("passes with every check's message, and no diagnosis", async () => {
    const { session: s, obs } = session();
    obs.hold('lb1');
    const p = judgeStep(s, step([{ 'vip-on': 'lb1' }, { 'served-by': 'lb1' }]), START);
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await p;
    expect(result).toMatchObject({
      passed: true,
      message: "lb1 holds the VIP 10.88.1.100, and no other running node does. client got lb1's page from http://10.88.1.100/.",
    });
    expect(result.diagnosis).toBeUndefined();
    expect(result.checks?.map((c) => c.diagnosis.code)).toEqual(['vip-on-node', 'served-by-node']);
    expect(obs.lostDuring).not.toHaveBeenCalled();
  });

  it("fails with the failing check's diagnosis, and judges no further expectation", async () => {
    const { session: s, probes } = session();
    const p = judgeStep(s, step([{ 'vip-on': 'lb1' }, { 'served-by': 'lb1' }]), START);
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await p;
    expect(result.passed).toBe(false);
    expect(result.diagnosis?.code).toBe('vip-held-by-none');
    expect(result.message).toBe(result.diagnosis?.text);
    expect(result.message).toBe('No node holds the VIP 10.88.1.100. Check journalctl -u keepalived on the lb nodes.');
    expect(result.checks).toHaveLength(1);
    expect(probes).toEqual([]);
  });

  it('withholds a failure when the observer lost sight of a node between the action and the verdict', async () => {
    const { session: s, obs } = session();
    obs.lose({ node: 'lb1', watcher: 'adverts', from: START + 1_120, to: START + 2_870 });
    const p = judgeStep(s, step([{ 'vip-on': 'lb1' }]), START);
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await p;
    expect(result.passed).toBe(false);
    expect(result.message).toBe('could not observe lb1 (adverts) from 19:02:01.120 to 19:02:02.870: the verdict is withheld rather than guessed');
    expect(result.diagnosis).toMatchObject({
      code: 'observation-lost',
      params: { gaps: [{ node: 'lb1', watcher: 'adverts', from: START + 1_120, to: START + 2_870 }] },
    });
    // The check's own verdict is kept beside it, for whoever reads the details.
    expect(result.checks?.[0]?.diagnosis.code).toBe('vip-held-by-none');
    // Asked for the whole step: from the action to the verdict (the deadline: no config known, a 1 s settle window and 2 s of grace).
    expect(obs.lostDuring).toHaveBeenCalledWith(START, START + 3_000);
  });

  it("asks from the action's start when the runner did it, and names every gap, open ones too", async () => {
    const { session: s, obs } = session();
    obs.lose({ node: 'lb1', watcher: 'addresses', from: START + 500, to: START + 900 });
    obs.lose({ node: 'lb2', watcher: 'keepalived-log', from: START + 2_000 });
    const p = judgeStep(s, step([{ 'vip-on': 'lb1' }]), START + 1_000, undefined, START);
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await p;
    expect(obs.lostDuring).toHaveBeenCalledWith(START, START + 4_000);
    expect(result.message).toBe(
      'could not observe lb1 (addresses) from 19:02:00.500 to 19:02:00.900 and lb2 (keepalived-log) since 19:02:02.000: the verdict is withheld rather than guessed',
    );
    expect(result.diagnosis?.params).toEqual({
      gaps: [
        { node: 'lb1', watcher: 'addresses', from: START + 500, to: START + 900 },
        { node: 'lb2', watcher: 'keepalived-log', from: START + 2_000, to: null },
      ],
    });
  });

  it('does not withhold a pass: what was seen to pass passed', async () => {
    const { session: s, obs } = session();
    obs.hold('lb1');
    obs.lose({ node: 'lb2', watcher: 'adverts', from: START });
    const p = judgeStep(s, step([{ 'vip-on': 'lb1' }]), START);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await p).passed).toBe(true);
  });
});

describe('performAction', () => {
  it('freezes through the lab and returns once the observer saw the node frozen', async () => {
    const { session: s, obs, lab } = session();
    const frozen: string[] = [];
    Object.assign(lab, { freeze: async (node: 'lb1') => void frozen.push(node) });
    let done = false;
    void performAction(s, { freeze: 'lb1' }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(300);
    expect(frozen).toEqual(['lb1']);
    expect(done).toBe(false); // Docker's pause event has not arrived yet
    obs.freeze('lb1');
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it("runs a command on its node and tells the observer, which cannot see what the command changed", async () => {
    const { session: s, obs, lab } = session();
    const exec = vi.fn(async () => ({ stdout: '', stderr: '', exitCode: 0 }));
    Object.assign(lab, { exec });
    await performAction(s, { run: { node: 'lb1', command: 'systemctl stop nginx' } });
    expect(exec).toHaveBeenCalledWith('lb1', 'systemctl stop nginx', { timeoutS: 60 });
    expect(vi.mocked(s.observer.noteActivity)).toHaveBeenCalledTimes(1);
    expect(obs.listeners()).toBe(0);
  });

  it('does nothing for observe', async () => {
    const { session: s, lab } = session();
    const exec = vi.fn();
    Object.assign(lab, { exec });
    await performAction(s, { observe: true });
    expect(exec).not.toHaveBeenCalled();
  });
});

/** A small lab on lb1, lb2 and the client with these steps. */
const demoLab = (steps: unknown[]) =>
  labSchema.parse({ id: 'demo', title: 'Demo', summary: 'A demo.', subnet: '10.88.1.0/24', nodes: ['lb1', 'lb2', 'client'], steps });

describe('runSteps', () => {
  it('reports the steps after a failure as not run, with no diagnosis', async () => {
    const { session: s } = session();
    const lab = demoLab([
        { id: 'one', title: 'One', do: { observe: true }, expect: [{ 'vip-on': 'lb1' }] },
        { id: 'two', title: 'Two', do: { observe: true }, expect: [{ 'vip-on': 'lb1' }] },
    ]);
    const p = runSteps(s, lab);
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await p;
    expect(result.passed).toBe(false);
    expect(codesOf(result.steps[0]!.diagnosis!)).toEqual(['vip-held-by-none']);
    expect(result.steps[1]).toEqual({ id: 'two', title: 'Two', passed: false, ms: 0, message: 'not run' });
  });

  it('fails a step whose action the engine refuses, saying so, and runs nothing after it', async () => {
    const { session: s, lab: fake } = session();
    Object.assign(fake, { freeze: async () => Promise.reject(new Error('(HTTP code 500) server error - Cannot pause container 72d8: OCI runtime pause failed: unable to freeze: unknown')) });
    const lab = demoLab([
        { id: 'crash', title: 'Crash', do: { freeze: 'lb1' }, expect: [{ 'vip-on': 'lb2' }] },
        { id: 'recover', title: 'Recover', do: { unfreeze: 'lb1' }, expect: [{ 'vip-on': 'lb1' }] },
    ]);
    const result = await runSteps(s, lab);
    expect(result.steps[0]).toMatchObject({ id: 'crash', passed: false, diagnosis: { code: 'action-failed', params: { step: 'crash' } } });
    expect(result.steps[0]!.message).toBe("The runner could not do step crash's action: server error - Cannot pause container 72d8: OCI runtime pause failed: unable to freeze: unknown");
    expect(result.steps[1]!.message).toBe('not run');
  });
});
