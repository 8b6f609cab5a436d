import { describe, expect, it } from 'vitest';
import { parseKeepalivedData } from '../../runner/keepalived/data-dump.ts';

/** Cut from a real /tmp/keepalived.data of keepalived 2.2.7 in a lab node (basic-vip, lb1, BACKUP). */
const DUMP = `------< Global definitions >------
 Router ID = lb1
 Num adverts before down = 3
 Gratuitous ARP lower priority delay = 5
------< VRRP Topology >------
 VRRP Instance = VI_1
   VRRP Version = 2
   State = BACKUP
   Master router = ff02::12
   Master priority = 0
   Wantstate = MASTER
   Master down timer = 3609375 usecs
   Interface = eth0
   Down timer adverts = 3
   Virtual Router ID = 51
   Priority = 100
   Effective priority = 100
   Total priority = 100
   Advert interval = 1 sec
   Accept = enabled
   Preempt = enabled
   Virtual IP (1):
     10.88.1.100/24 dev eth0 scope global
 VRRP Instance = VI_2
   VRRP Version = 3
   State = MASTER
   Master down timer = 398437 usecs
   Virtual Router ID = 52
   Priority = 150
   Effective priority = 120
   Advert interval = 100 milli-sec
   Preempt = disabled
------< VRRP Sockpool >------
 fd_in 12 fd_out = 13
   Priority = 7
`;

describe("keepalived's own account of what it runs (SIGUSR1, /tmp/keepalived.data)", () => {
  it('reads every instance of the topology, with its timing and priorities', () => {
    expect(parseKeepalivedData(DUMP)).toEqual([
      { name: 'VI_1', vrid: 51, version: 2, state: 'BACKUP', priority: 100, effectivePriority: 100, advertIntS: 1, masterDownMs: 3609.375, preempt: true },
      { name: 'VI_2', vrid: 52, version: 3, state: 'MASTER', priority: 150, effectivePriority: 120, advertIntS: 0.1, masterDownMs: 398.437, preempt: false },
    ]);
  });

  it('reads nothing from a dump without a topology (keepalived not running any instance)', () => {
    expect(parseKeepalivedData('------< Global definitions >------\n Router ID = lb1\n')).toEqual([]);
    expect(parseKeepalivedData('')).toEqual([]);
  });
});
