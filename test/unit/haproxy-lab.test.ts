/**
 * What the haproxy lab adds to the grader: a step whose action is a sequence (nginx stopped and
 * haproxy started on both nodes, then keepalived), and a health-check diagnosis that names the
 * proxy the node's checks watch, haproxy, not the nginx the lab stopped at its start.
 */
import { describe, expect, it, vi } from 'vitest';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { healthCheckCause } from '../../runner/grade/diagnose.ts';
import { performAction } from '../../runner/grade/step-runner.ts';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';
import { actionOf } from '../../runner/kinds/registry.ts';
import { labSchema } from '../../runner/lab/definition.ts';
import { loadAllLabs } from '../../runner/lab/registry.ts';
import { conf, fakeLab, fakeObserver } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

const withAction = (action: unknown) => ({
  id: 'demo',
  title: 'Demo',
  summary: 'A demo.',
  subnet: '10.88.12.0/24',
  nodes: ['lb1', 'lb2', 'client'],
  steps: [{ id: 'start', title: 'Start', do: action, expect: [{ 'vip-on': 'lb1' }] }],
});

describe('sequence', () => {
  it('binds the actions it holds, in order, and names all their nodes', () => {
    const haproxy = loadAllLabs().find((l) => l.definition.id === 'haproxy')!.definition;
    const bound = actionOf(haproxy.steps[0]!.do);
    expect(bound).toMatchObject({ kind: 'sequence', effect: 'changes-lab', nodes: ['lb1', 'lb2'] });
  });

  it('refuses a button action inside it, and a sequence of one', () => {
    const freeze = labSchema.safeParse(withAction({ sequence: [{ run: { node: 'lb1', command: 'true' } }, { freeze: 'lb1' }] }));
    expect(freeze.success).toBe(false);
    expect(JSON.stringify(freeze.error?.issues)).toContain('a sequence holds only actions the learner types');
    expect(labSchema.safeParse(withAction({ sequence: [{ run: { node: 'lb1', command: 'true' } }] })).success).toBe(false);
  });

  it('performs each action once the one before has finished', async () => {
    const { lab } = fakeLab('10.88.12', {});
    const obs = fakeObserver(lab.nodes);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const exec = vi.fn(async (node: string, command: string) => {
      order.push(`${node}: ${command}`);
      if (order.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return { stdout: '', stderr: '', exitCode: 0 };
    });
    Object.assign(lab, { exec });
    const step = labSchema.parse(
      withAction({ sequence: [{ run: { node: 'lb1', command: 'systemctl start haproxy' } }, { run: { node: 'lb2', command: 'systemctl start haproxy' } }] }),
    ).steps[0]!;
    const done = performAction({ lab, observer: obs.observer }, step.do);
    await Promise.resolve();
    expect(order).toEqual(['lb1: systemctl start haproxy']); // lb2's waits for lb1's to finish
    release();
    await done;
    expect(order).toEqual(['lb1: systemctl start haproxy', 'lb2: systemctl start haproxy']);
  });
});

describe('the health check on haproxy', () => {
  const facts = (lab: string, over: { haproxyRunning: boolean }) =>
    (['lb1', 'lb2'] as const).map((node) => ({
      node,
      run: 'running' as const,
      keepalivedRunning: true,
      // The lab stopped nginx on both nodes at its start: haproxy serves instead.
      nginxRunning: false,
      haproxyRunning: node === 'lb1' ? over.haproxyRunning : true,
      config: parseKeepalivedConfig(conf(`haproxy/${lab}/${node}`)),
    }));

  it('names haproxy when its untracked check is why lb1 kept the VIP (broken/no-track-script)', () => {
    const cause = healthCheckCause(facts('broken/no-track-script', { haproxyRunning: false }), '10.88.12.100', 'lb1', 'lb2');
    expect(codesOf(cause!)).toEqual(['cause-track-script-missing']);
    expect(cause!.params).toMatchObject({ scripts: ['chk_haproxy'], service: 'haproxy' });
    expect(cause!.text).toMatch(/^lb1 kept the VIP with haproxy stopped: no track_script ties the vrrp_script chk_haproxy to vrrp_instance VI_1/);
  });

  it('blames no check while haproxy still runs on the holder, though nginx does not', () => {
    expect(healthCheckCause(facts('broken/no-track-script', { haproxyRunning: true }), '10.88.12.100', 'lb1', 'lb2')).toBeUndefined();
  });
});
