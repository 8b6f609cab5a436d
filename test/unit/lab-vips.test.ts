/**
 * A lab's VIPs: host numbers in lab.yaml (default [100]), every address of them on the lab's
 * subnet, and the checks a lab definition makes (no VIP on a node's address, no expectation naming
 * a VIP the lab does not have).
 */
import { describe, expect, it } from 'vitest';
import { addressesFor, vipAddress } from '../../runner/lab/addresses.ts';
import { labSchema } from '../../runner/lab/definition.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { welcomeFor } from '../../runner/server/lab-rules.ts';

const lab = (over: object) => ({
  id: 'demo',
  title: 'Demo',
  summary: 'A demo lab.',
  subnet: '10.88.7.0/24',
  nodes: ['lb1', 'lb2', 'client'],
  steps: [{ id: 'start', title: 'Start', do: { 'start-keepalived': ['lb1', 'lb2'] }, expect: [{ 'vip-on': 'lb1' }] }],
  ...over,
});

describe("a lab's VIPs", () => {
  it('default to one, .100, and the first VIP is the VIP', () => {
    expect(labSchema.parse(lab({})).vips).toEqual([100]);
    expect(addressesFor('10.88.1.0/24')).toMatchObject({ vip: '10.88.1.100', vips: ['10.88.1.100'] });
    const two = addressesFor('10.88.7.0/24', [100, 101]);
    expect(two).toMatchObject({ vip: '10.88.7.100', vips: ['10.88.7.100', '10.88.7.101'] });
    expect(vipAddress(two)).toBe('10.88.7.100');
    expect(vipAddress(two, 101)).toBe('10.88.7.101');
    expect(() => vipAddress(two, 10)).toThrow('VIP .10 is not one of this lab');
  });

  it('refuse a VIP on a node address, a VIP twice, and an expectation naming a VIP the lab lacks', () => {
    const message = (over: object) => labSchema.safeParse(lab(over)).error?.issues[0]?.message;
    expect(message({ vips: [100, 11] })).toBe("VIP host number 11 is a node's address or another VIP: pick a free one such as 100 or 101");
    expect(message({ vips: [100, 100] })).toMatch(/VIP host number 100 is a node's address or another VIP/);
    expect(message({ steps: [{ id: 'a', title: 'A', do: { observe: true }, expect: [{ 'vip-on': { node: 'lb2', vip: 101 } }] }] })).toBe(
      'step "a" names VIP .101, which is not in the lab\'s vips (100)',
    );
    expect(labSchema.safeParse(lab({ vips: [100, 101], steps: [{ id: 'a', title: 'A', do: { observe: true }, expect: [{ 'served-by': { node: 'lb2', vip: 101 } }] }] })).success).toBe(true);
  });

  it('master-master declares two, and names them in its expectations', () => {
    const { definition } = loadLab('master-master');
    expect(definition.vips).toEqual([100, 101]);
    expect(definition.steps[0]!.expect).toContainEqual({ 'vip-on': { node: 'lb2', vip: 101 } });
  });

  it('split-brain offers its faults as buttons beside their steps', () => {
    const steps = welcomeFor(loadLab('split-brain').definition).steps;
    expect(steps.find((s) => s.id === 'cut-heartbeat')).toMatchObject({ action: 'drop-vrrp', node: 'lb2', button: '✂ Cut the heartbeat to lb2' });
    expect(steps.find((s) => s.id === 'heal')).toMatchObject({ action: 'heal-vrrp', node: 'lb2', button: '✚ Heal the heartbeat to lb2' });
  });
});
