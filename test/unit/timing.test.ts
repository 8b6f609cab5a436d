import { describe, expect, it } from 'vitest';
import { parseKeepalivedConfig, type KeepalivedConfig, type VrrpInstance } from '../../runner/keepalived/config.ts';
import {
  DEFAULT_SETTLE_MARGIN_MS,
  effectivePriority,
  masterDownIntervalMs,
  settleMsForConfig,
  settleWindowMs,
  skewTimeUs,
} from '../../runner/keepalived/timing.ts';

/** One BACKUP instance with the given extra lines, parsed the way the graders parse a node's file. */
function config(body: string, before = ''): KeepalivedConfig {
  return parseKeepalivedConfig(
    `${before}vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    10.88.1.100\n  }\n${body}\n}\n`,
  );
}

function instanceOf(body: string, before = ''): VrrpInstance {
  const parsed = config(body, before);
  expect(parsed.instances).toHaveLength(1);
  return parsed.instances[0]!;
}

const CHK_NGINX = 'vrrp_script chk_nginx {\n  script "/usr/bin/killall -0 nginx"\n  interval 1\n  fall 2\n  rise 1\n  weight -30\n}\n';

describe('masterDownIntervalMs', () => {
  it('is 3 × advert_int + (256 − priority) / 256 s: 3609.375 ms at priority 100, advert_int 1', () => {
    expect(masterDownIntervalMs(instanceOf('  priority 100\n  advert_int 1'))).toBe(3609.375);
    expect(masterDownIntervalMs(instanceOf(''))).toBe(3000 + (156 / 256) * 1000);
  });

  // Each figure is keepalived 2.2.7's own "Master down timer" (SIGUSR1 dump of the real binary in
  // the lab image) for the same instance settings; keepalived truncates to whole microseconds.
  it.each([
    { version: 2, priority: 100, advert: '1', ms: 3609.375 },
    { version: 2, priority: 90, advert: '1', ms: 3648.437 },
    { version: 2, priority: 254, advert: '1', ms: 3007.812 },
    { version: 2, priority: 1, advert: '1', ms: 3996.093 },
    { version: 2, priority: 100, advert: '2', ms: 6609.375 },
    { version: 2, priority: 90, advert: '2', ms: 6648.437 },
    { version: 2, priority: 100, advert: '0.4', ms: 3609.375 }, // VRRPv2 rounds 0.4 s up to 1 s
    { version: 3, priority: 100, advert: '1', ms: 3609.375 },
    { version: 3, priority: 100, advert: '0.5', ms: 1804.687 },
    { version: 3, priority: 90, advert: '2', ms: 7296.875 },
    { version: 3, priority: 1, advert: '0.03', ms: 119.882 },
    { version: 3, priority: 100, advert: '0.555', ms: 2021.25 }, // rounded to 0.56 s
  ])('VRRPv$version, priority $priority, advert_int $advert: $ms ms, as keepalived 2.2.7 reports', ({ version, priority, advert, ms }) => {
    const inst = instanceOf(`  version ${version}\n  priority ${priority}\n  advert_int ${advert}`);
    expect(masterDownIntervalMs(inst)).toBeCloseTo(ms, 6);
  });

  it('agrees with the lab contract formula at advert_int 1, for every priority', () => {
    for (let priority = 1; priority <= 255; priority++) {
      const inst = instanceOf(`  priority ${priority}`);
      const contract = 3 * 1000 + ((256 - priority) * 1000) / 256;
      expect(Math.abs(masterDownIntervalMs(inst) - contract)).toBeLessThan(0.001);
    }
  });

  it('uses the RFC 3768 skew for VRRPv2 at longer intervals: the skew does not grow with advert_int', () => {
    const v2 = instanceOf('  priority 100\n  advert_int 2');
    const v3 = instanceOf('  version 3\n  priority 100\n  advert_int 2');
    expect(skewTimeUs(v2, 100)).toBe(609_375);
    expect(skewTimeUs(v3, 100)).toBe(1_218_750);
    expect(masterDownIntervalMs(v3) - masterDownIntervalMs(v2)).toBe(609.375);
  });

  it('gives a lower priority a longer wait, so the best backup takes over first', () => {
    const inst = instanceOf('  priority 100');
    expect(masterDownIntervalMs(inst, 70)).toBeGreaterThan(masterDownIntervalMs(inst));
    expect(masterDownIntervalMs(inst, 70)).toBe(3726.562);
    expect(masterDownIntervalMs(instanceOf('  priority 255'))).toBe(3003.906);
  });

  it('counts down_timer_adverts adverts instead of 3 when set', () => {
    expect(masterDownIntervalMs(instanceOf('  priority 100\n  down_timer_adverts 5'))).toBe(5609.375);
  });
});

describe('effectivePriority', () => {
  it('subtracts a negative weight while the script fails (weight -30: 100 → 70)', () => {
    const parsed = config('  priority 100\n  track_script {\n    chk_nginx\n  }', CHK_NGINX);
    const inst = parsed.instances[0]!;
    expect(effectivePriority(inst, parsed.scripts, new Set())).toBe(100);
    expect(effectivePriority(inst, parsed.scripts, new Set(['chk_nginx']))).toBe(70);
  });

  it('adds a positive weight while the script succeeds (seed 004: 101 + 2 = 103)', () => {
    const parsed = config('  priority 101\n  track_script {\n    check_http\n  }', 'vrrp_script check_http {\n  script "/root/check_nginx.sh"\n  interval 2\n  weight 2\n}\n');
    const inst = parsed.instances[0]!;
    expect(effectivePriority(inst, parsed.scripts, new Set())).toBe(103);
    expect(effectivePriority(inst, parsed.scripts, new Set(['check_http']))).toBe(101);
  });

  it('uses the weight written on the track_script line over the script own', () => {
    const parsed = config('  priority 100\n  track_script {\n    chk_nginx weight -60\n  }', CHK_NGINX);
    expect(effectivePriority(parsed.instances[0]!, parsed.scripts, new Set(['chk_nginx']))).toBe(40);
  });

  it('turns the adjustment round with `reverse`', () => {
    const scripts = 'vrrp_script up {\n  script /bin/true\n  weight 10 reverse\n}\nvrrp_script down {\n  script /bin/true\n  weight -20\n}\n';
    const parsed = config('  priority 100\n  track_script {\n    up\n    down weight -20 reverse\n  }', scripts);
    const inst = parsed.instances[0]!;
    expect(effectivePriority(inst, parsed.scripts, new Set())).toBe(90);
    expect(effectivePriority(inst, parsed.scripts, new Set(['up']))).toBe(100);
    expect(effectivePriority(inst, parsed.scripts, new Set(['down']))).toBe(110);
  });

  it('adds up several scripts and keeps the result within 1..254', () => {
    const scripts = CHK_NGINX + 'vrrp_script chk_disk {\n  script /bin/true\n  weight -50\n}\nvrrp_script bonus {\n  script /bin/true\n  weight 100\n}\n';
    const low = config('  priority 60\n  track_script {\n    chk_nginx\n    chk_disk\n  }', scripts);
    expect(effectivePriority(low.instances[0]!, low.scripts, new Set(['chk_nginx']))).toBe(30);
    expect(effectivePriority(low.instances[0]!, low.scripts, new Set(['chk_nginx', 'chk_disk']))).toBe(1);
    const high = config('  priority 200\n  track_script {\n    bonus\n  }', scripts);
    expect(effectivePriority(high.instances[0]!, high.scripts, new Set())).toBe(254);
  });

  it('returns 0 (FAULT: the instance gives up the VIP) when a weight-0 script fails', () => {
    const parsed = config('  priority 100\n  track_script {\n    chk\n  }', 'vrrp_script chk {\n  script "/usr/bin/killall -0 nginx"\n}\n');
    const inst = parsed.instances[0]!;
    expect(effectivePriority(inst, parsed.scripts, new Set())).toBe(100);
    expect(effectivePriority(inst, parsed.scripts, new Set(['chk']))).toBe(0);
  });

  it('never changes an address owner by weight, and ignores names it does not track', () => {
    const parsed = config('  priority 100\n  track_script {\n    chk_nginx\n  }', CHK_NGINX);
    const owner: VrrpInstance = { ...parsed.instances[0]!, priority: 255 };
    expect(effectivePriority(owner, parsed.scripts, new Set(['chk_nginx']))).toBe(255);
    expect(effectivePriority(parsed.instances[0]!, parsed.scripts, new Set(['other']))).toBe(100);
    expect(effectivePriority(parsed.instances[0]!, {}, new Set(['chk_nginx']))).toBe(100);
  });
});

describe('settleMsForConfig', () => {
  it('is the Master_Down_Interval for a plain instance, and 0 without instances', () => {
    expect(settleMsForConfig(config('  priority 90'))).toBe(3648.437);
    expect(settleMsForConfig(parseKeepalivedConfig('global_defs {\n  router_id lb1\n}\n'))).toBe(0);
  });

  it('adds interval × max(fall, rise) for a tracked script, at the lowest priority it can cause', () => {
    // The equal-priority lab: priority 100, weight -30 (down to 70), interval 1, fall 2, rise 1.
    const parsed = config('  priority 100\n  track_script {\n    chk_nginx\n  }', CHK_NGINX);
    expect(settleMsForConfig(parsed)).toBe(3726.562 + 2000);
    // An untracked vrrp_script changes nothing.
    expect(settleMsForConfig(config('  priority 100', CHK_NGINX))).toBe(3609.375);
  });

  it('uses rise when it is larger than fall', () => {
    const parsed = config('  priority 100\n  track_script {\n    chk\n  }', 'vrrp_script chk {\n  script /bin/true\n  interval 2\n  fall 1\n  rise 4\n}\n');
    expect(settleMsForConfig(parsed)).toBe(3609.375 + 8000);
  });

  it('adds preempt_delay where set', () => {
    expect(settleMsForConfig(config('  priority 100\n  preempt_delay 4.5'))).toBe(3609.375 + 4500);
  });

  it('takes the slowest instance of a master/master node (seed 002)', () => {
    const scripts = 'vrrp_script chk_down {\n  script /bin/true\n  interval 2\n  weight -50\n  fall 3\n  rise 5\n}\nvrrp_script linux_ping {\n  script /bin/true\n  interval 2\n  weight -50\n  fall 3\n  rise 5\n}\n';
    const parsed = parseKeepalivedConfig(
      scripts +
        'vrrp_instance VIP1 {\n  state MASTER\n  priority 100\n  advert_int 2\n  virtual_router_id 76\n  virtual_ipaddress {\n    172.20.76.187\n  }\n  track_script {\n    chk_down\n  }\n}\n' +
        'vrrp_instance VIP2 {\n  state BACKUP\n  priority 80\n  advert_int 2\n  virtual_router_id 176\n  virtual_ipaddress {\n    172.20.76.189\n  }\n  track_script {\n    linux_ping weight -20\n  }\n}\n',
    );
    expect(parsed.warnings).toEqual([]);
    // VIP1 can fall to 50: 6 s + 206/256 s, plus 2 s × 5; VIP2 to 60: 6 s + 196/256 s, plus 10 s.
    expect(settleMsForConfig(parsed)).toBe(6804.687 + 10_000);
  });
});

describe('settleWindowMs', () => {
  const lb1 = config('  priority 100', '');
  const lb2 = config('  priority 90\n  track_script {\n    chk_nginx\n  }', CHK_NGINX);

  it('is the margin alone when nothing runs', () => {
    expect(DEFAULT_SETTLE_MARGIN_MS).toBe(1000);
    expect(settleWindowMs([])).toBe(1000);
    expect(settleWindowMs([], { marginMs: 250 })).toBe(250);
    expect(settleWindowMs([parseKeepalivedConfig('')])).toBe(1000);
  });

  it('is the slowest running node plus the margin, rounded up to whole milliseconds', () => {
    expect(settleWindowMs([lb1])).toBe(Math.ceil(3609.375 + 1000));
    // lb2 can fall to 60 (3 s + 196/256 s) and needs 2 failed checks 1 s apart first.
    expect(settleWindowMs([lb1, lb2])).toBe(Math.ceil(3765.625 + 2000 + 1000));
    expect(settleWindowMs([lb2, lb1], { marginMs: 0 })).toBe(5766);
  });

  it('refuses a margin that is negative or not a number', () => {
    expect(() => settleWindowMs([lb1], { marginMs: -1 })).toThrow(RangeError);
    expect(() => settleWindowMs([lb1], { marginMs: Number.NaN })).toThrow(/marginMs/);
  });
});
