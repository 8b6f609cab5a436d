/**
 * The runner's faults, against a fake lab that records what they run and where: the heartbeat cut
 * in the node's network namespace from its eyes (nftables, a table of the lab's own), disconnect
 * and reconnect as the link going down and up there, services stopped through the node's own
 * systemctl; and a fault that does not take says so in one sentence.
 */
import { describe, expect, it, vi } from 'vitest';
import type { LabSession } from '../../runner/grade/step-runner.ts';
import { actionOf } from '../../runner/kinds/registry.ts';
import type { NodeName } from '../../runner/lab/definition.ts';
import { KalabError } from '../../runner/shared/errors.ts';

interface Ran {
  where: 'beside' | 'in';
  node: NodeName;
  command: string;
}

function fakeSession(exitCode = 0, stderr = '') {
  const ran: Ran[] = [];
  const result = async () => ({ exitCode, stdout: '', stderr });
  const lab = {
    addresses: { gateway: '10.88.8.1', node: { lb1: '10.88.8.11', lb2: '10.88.8.12' } },
    execBeside: vi.fn(async (node: NodeName, command: string) => (ran.push({ where: 'beside', node, command }), result())),
    exec: vi.fn(async (node: NodeName, command: string) => (ran.push({ where: 'in', node, command }), result())),
  };
  const observer = { noteActivity: vi.fn() };
  return { session: { lab, observer } as unknown as LabSession, ran, observer };
}

describe('the fault actions', () => {
  it('cut the heartbeat with a drop of IP protocol 112 in a table of their own, run beside the node', async () => {
    const { session, ran, observer } = fakeSession();
    await actionOf({ 'drop-vrrp': { to: 'lb2' } }).perform(session);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ where: 'beside', node: 'lb2' });
    expect(ran[0]!.command).toContain('add table inet kalab_fault');
    expect(ran[0]!.command).toContain('type filter hook input priority -300; policy accept;');
    expect(ran[0]!.command).toMatch(/add rule inet kalab_fault input ip protocol 112 counter drop/);
    expect(observer.noteActivity).toHaveBeenCalled();
  });

  it('cut only what comes from one node when `from` is given', async () => {
    const { session, ran } = fakeSession();
    await actionOf({ 'drop-vrrp': { to: 'lb2', from: 'lb1' } }).perform(session);
    expect(ran[0]!.command).toMatch(/add rule inet kalab_fault input ip saddr 10\.88\.8\.11 ip protocol 112 counter drop/);
  });

  it('heal by deleting that table, and only if it is there', async () => {
    const { session, ran } = fakeSession();
    await actionOf({ 'heal-vrrp': 'lb2' }).perform(session);
    expect(ran).toEqual([{ where: 'beside', node: 'lb2', command: 'if nft list table inet kalab_fault >/dev/null 2>&1; then nft delete table inet kalab_fault; fi' }]);
  });

  it('disconnect and reconnect as the link going down and up, the default route put back', async () => {
    const { session, ran } = fakeSession();
    await actionOf({ disconnect: 'lb1' }).perform(session);
    await actionOf({ reconnect: 'lb1' }).perform(session);
    expect(ran).toEqual([
      { where: 'beside', node: 'lb1', command: 'ip link set eth0 down' },
      { where: 'beside', node: 'lb1', command: 'ip link set eth0 up && ip route replace default via 10.88.8.1 dev eth0' },
    ]);
  });

  it("stop keepalived and nginx through the node's systemctl", async () => {
    const { session, ran, observer } = fakeSession();
    await actionOf({ 'stop-keepalived': 'lb1' }).perform(session);
    await actionOf({ 'stop-nginx': 'lb2' }).perform(session);
    expect(ran).toEqual([
      { where: 'in', node: 'lb1', command: 'systemctl stop keepalived' },
      { where: 'in', node: 'lb2', command: 'systemctl stop nginx' },
    ]);
    expect(observer.noteActivity).toHaveBeenCalledTimes(2);
  });

  it('say in one sentence when a fault does not take', async () => {
    const { session } = fakeSession(1, 'Error: Could not process rule: Operation not permitted\nmore');
    const cut = actionOf({ 'drop-vrrp': { to: 'lb2' } }).perform(session);
    await expect(cut).rejects.toBeInstanceOf(KalabError);
    await expect(cut).rejects.toThrow('Could not drop VRRP at lb2: Error: Could not process rule: Operation not permitted.');
  });
});
