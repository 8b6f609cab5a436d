/**
 * The observer's VIP tracking with a lab of two VIPs (master-master): holders per VIP, the first
 * VIP the default, events that say which VIP, and a snapshot that replaces what was known for
 * every VIP. Fed the eyes' address lines directly, as followEyes would hand them over.
 */
import { describe, expect, it } from 'vitest';
import type { LabInstance } from '../../runner/engine/lab-instance.ts';
import { addressesFor } from '../../runner/lab/addresses.ts';
import type { NodeName } from '../../runner/lab/definition.ts';
import { LabObserver } from '../../runner/observe/lab-observer.ts';
import type { LabEvent } from '../../runner/shared/events.ts';

/** The handlers followEyes calls (private to the observer: its eyes are its only input). */
interface AddressHandlers {
  applyAddressLine(node: NodeName, line: string): void;
  applyAddressSnapshot(node: NodeName, lines: string[]): void;
}

const line = (address: string, deleted = false) => `${deleted ? 'Deleted ' : ''}2: eth0    inet ${address}/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever`;

function observerOfTwoVips() {
  const lab = { nodes: ['lb1', 'lb2', 'client'], addresses: addressesFor('10.88.7.0/24', [100, 101]) } as unknown as LabInstance;
  const observer = new LabObserver(lab);
  const events: LabEvent[] = [];
  observer.onEvent((e) => events.push(e));
  return { observer, eyes: observer as unknown as AddressHandlers, events };
}

describe('the observer with two VIPs', () => {
  it('tracks the holders of each VIP, the first by default', () => {
    const { observer, eyes, events } = observerOfTwoVips();
    eyes.applyAddressSnapshot('lb1', [line('10.88.7.11'), line('10.88.7.100'), line('10.88.7.101')]);
    eyes.applyAddressSnapshot('lb2', [line('10.88.7.12')]);
    expect(observer.vip().holders).toEqual(['lb1']);
    expect(observer.vip()).toMatchObject({ address: '10.88.7.100' });
    expect(observer.vip('10.88.7.101').holders).toEqual(['lb1']);

    // lb2 preempts VI_2: .101 moves, .100 stays.
    eyes.applyAddressLine('lb2', line('10.88.7.101'));
    eyes.applyAddressLine('lb1', line('10.88.7.101', true));
    expect(observer.vip('10.88.7.100').runningHolders).toEqual(['lb1']);
    expect(observer.vip('10.88.7.101').runningHolders).toEqual(['lb2']);
    expect(observer.view('lb1')).toMatchObject({ holdsVip: true, vips: ['10.88.7.100'] });
    expect(observer.view('lb2')).toMatchObject({ holdsVip: false, vips: ['10.88.7.101'] });

    const vipEvents = events.filter((e) => e.type === 'vip').map((e) => e.type === 'vip' && [e.node, e.address, e.held]);
    expect(vipEvents).toEqual([
      ['lb1', '10.88.7.100', true],
      ['lb1', '10.88.7.101', true],
      ['lb2', '10.88.7.101', true],
      ['lb1', '10.88.7.101', false],
    ]);
  });

  it('keeps the VIPs in the lab\'s order on a node, and ignores addresses that are not VIPs', () => {
    const { observer, eyes, events } = observerOfTwoVips();
    eyes.applyAddressLine('lb2', line('10.88.7.101'));
    eyes.applyAddressLine('lb2', line('10.88.7.100'));
    eyes.applyAddressLine('lb2', line('10.88.7.102'));
    expect(observer.view('lb2').vips).toEqual(['10.88.7.100', '10.88.7.101']);
    expect(events.filter((e) => e.type === 'vip')).toHaveLength(2);
  });

  it('lets a snapshot replace what was known for every VIP (a delete inside it wins over an earlier add)', () => {
    const { observer, eyes } = observerOfTwoVips();
    eyes.applyAddressLine('lb1', line('10.88.7.100'));
    eyes.applyAddressLine('lb1', line('10.88.7.101'));
    eyes.applyAddressSnapshot('lb1', [line('10.88.7.11'), line('10.88.7.101'), line('10.88.7.101', true)]);
    expect(observer.view('lb1').vips).toEqual([]);
    expect(observer.vip().holders).toEqual([]);
  });

  it('finds the latest advert per virtual router', () => {
    const { observer } = observerOfTwoVips();
    const adverts = observer as unknown as { applyAdvert(node: NodeName, line: string): void };
    adverts.applyAdvert('lb1', 'IP 10.88.7.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20');
    adverts.applyAdvert('lb1', 'IP 10.88.7.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 52, prio 90, authtype simple, intvl 1s, length 20');
    expect(observer.lastAdvert('lb1', 51)?.priority).toBe(100);
    expect(observer.lastAdvert('lb1', 52)?.priority).toBe(90);
    expect(observer.lastAdvert('lb1')?.vrid).toBe(52);
    expect(observer.lastAdvert('lb2')).toBeUndefined();
    expect(observer.view('lb1').priorities).toEqual({ 51: 100, 52: 90 });
  });

  it("notes activity when a virtual router's priority changes, not when two routers' adverts alternate", async () => {
    const { observer } = observerOfTwoVips();
    const adverts = observer as unknown as { applyAdvert(node: NodeName, line: string): void };
    const advert = (vrid: number, prio: number) => adverts.applyAdvert('lb1', `IP 10.88.7.11 > 224.0.0.18: VRRPv2, Advertisement, vrid ${vrid}, prio ${prio}, authtype simple, intvl 1s, length 20`);
    advert(51, 100);
    advert(52, 90);
    const before = observer.lastActivityAt();
    await new Promise((r) => setTimeout(r, 5));
    advert(51, 100);
    advert(52, 90);
    expect(observer.lastActivityAt()).toBe(before);
    advert(51, 70);
    expect(observer.lastActivityAt()).toBeGreaterThan(before);
  });
});
