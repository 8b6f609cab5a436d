import { describe, expect, it } from 'vitest';
import { parseAddressLine, parseAdvertLine, parseKeepalivedLogLine } from '../../runner/observe/parse.ts';

describe('ip -o monitor address lines', () => {
  it('parses an added and a deleted address (format seen from iproute2 6.1)', () => {
    expect(parseAddressLine('2: eth0    inet 10.88.1.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever')).toEqual({
      deleted: false, iface: 'eth0', address: '10.88.1.100', prefix: 24,
    });
    expect(parseAddressLine('Deleted 2: eth0    inet 10.88.1.100/32 scope global eth0\\       valid_lft forever preferred_lft forever')).toMatchObject({
      deleted: true, address: '10.88.1.100', prefix: 32,
    });
  });
  it('handles [ADDR] prefixes, veth-style names and IPv6, and ignores other lines', () => {
    expect(parseAddressLine('[ADDR]2: eth0@if7    inet 10.88.1.100/24 scope global eth0')).toMatchObject({ iface: 'eth0', address: '10.88.1.100' });
    expect(parseAddressLine('1: lo    inet6 ::1/128 scope host')).toMatchObject({ address: '::1', prefix: 128 });
    expect(parseAddressLine('3: eth0: <BROADCAST,MULTICAST,UP> mtu 1500')).toBeUndefined();
    expect(parseAddressLine('')).toBeUndefined();
  });
});

describe('tcpdump VRRP lines', () => {
  it('parses a multicast VRRPv2 advert', () => {
    expect(parseAdvertLine('12:00:01.123456 IP 10.88.1.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20')).toEqual({
      src: '10.88.1.11', dst: '224.0.0.18', version: 2, vrid: 51, priority: 100, intervalS: 1,
    });
  });
  it('parses a unicast advert and a VRRPv3 interval in centiseconds', () => {
    expect(parseAdvertLine('IP 10.88.4.12 > 10.88.4.11: VRRPv2, Advertisement, vrid 51, prio 70, authtype none, intvl 2s, length 20')).toMatchObject({ dst: '10.88.4.11', priority: 70, intervalS: 2 });
    expect(parseAdvertLine('IP 10.88.6.11 > 224.0.0.18: VRRPv3, Advertisement, vrid 7, prio 100, intvl 50cs, length 12')).toMatchObject({ version: 3, intervalS: 0.5 });
  });
  it('ignores lines that are not adverts', () => {
    expect(parseAdvertLine('listening on eth0, link-type EN10MB')).toBeUndefined();
  });
});

describe('keepalived log lines', () => {
  it('finds state changes whatever the instance is called', () => {
    expect(parseKeepalivedLogLine('Wed Nov 25 07:00:00 2026: (VI_1) Entering MASTER STATE')).toEqual({ kind: 'state', instance: 'VI_1', state: 'MASTER' });
    expect(parseKeepalivedLogLine('(web-ha) Entering BACKUP STATE (init)')).toEqual({ kind: 'state', instance: 'web-ha', state: 'BACKUP' });
    expect(parseKeepalivedLogLine('(VIP1) Entering FAULT STATE')).toMatchObject({ state: 'FAULT' });
  });
  it('finds the daemon starting and stopping', () => {
    expect(parseKeepalivedLogLine('Starting Keepalived v2.2.7 (01/16,2022)')).toEqual({ kind: 'daemon', running: true });
    expect(parseKeepalivedLogLine('Stopped Keepalived v2.2.7 (01/16,2022)')).toEqual({ kind: 'daemon', running: false });
    expect(parseKeepalivedLogLine('Opening file /etc/keepalived/keepalived.conf.')).toBeUndefined();
  });
});
