import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';
import type { NodeName } from '../../runner/lab/definition.ts';
import type { LabEvent } from '../../runner/shared/events.ts';
import type { LbFacts } from '../../runner/grade/facts.ts';
import type { CheckResult } from '../../runner/grade/check.ts';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import type { EventSource } from '../../runner/grade/wait/wait-for.ts';
import { collectAdverts, isMulticast, judgeAdverts, MIN_WATCH_MS, watchWindowMs, type AdvertSeen } from '../../runner/kinds/expectations/unicast-only.ts';

/** A judgement as the tests pin it: verdict, message and the diagnosis codes depth first; the message is the diagnosis' text. */
function pinned(r: CheckResult) {
  expect(r.diagnosis.text).toBe(r.message);
  return { passed: r.passed, message: r.message, codes: codesOf(r.diagnosis) };
}

const LB = { lb1: '10.88.4.11', lb2: '10.88.4.12' } as const;
const WEB1 = '10.88.4.21';

/** `n` copies of one advert: the judgement groups them by sender, source and destination. */
function times(n: number, advert: AdvertSeen): AdvertSeen[] {
  return Array.from({ length: n }, () => ({ ...advert }));
}

const LAB_NODES: Record<string, NodeName> = { '10.88.4.11': 'lb1', '10.88.4.12': 'lb2', '10.88.4.21': 'web1', '10.88.4.30': 'client' };
const nodeAt = (ip: string): NodeName | undefined => LAB_NODES[ip];

describe('isMulticast', () => {
  it('knows the IPv4 multicast range 224.0.0.0/4 and IPv6 ff00::/8', () => {
    expect(isMulticast('224.0.0.18')).toBe(true);
    expect(isMulticast('239.255.255.255')).toBe(true);
    expect(isMulticast('ff02::12')).toBe(true);
    expect(isMulticast('FF02::12')).toBe(true);
  });
  it('says no to unicast addresses, including the ones just outside the range', () => {
    expect(isMulticast('10.88.4.12')).toBe(false);
    expect(isMulticast('223.255.255.255')).toBe(false);
    expect(isMulticast('240.0.0.1')).toBe(false);
    expect(isMulticast('fd00::12')).toBe(false);
    expect(isMulticast('fe80::1')).toBe(false);
  });
});

describe('judgeAdverts', () => {
  it('passes unicast adverts between lb1 and lb2, one line per kind of advert', () => {
    const result = judgeAdverts({
      adverts: [
        ...times(3, { node: 'lb1', src: LB.lb1, dst: LB.lb2 }),
        ...times(1, { node: 'lb2', src: LB.lb2, dst: LB.lb1 }),
      ],
      lbAddresses: { ...LB },
      windowMs: 3000,
    });
    expect(pinned(result)).toEqual({
      passed: true,
      message: 'All 4 adverts in 3.0 s went unicast (lb1 10.88.4.11 → lb2 10.88.4.12; lb2 10.88.4.12 → lb1 10.88.4.11); none to 224.0.0.18.',
      codes: ['adverts-unicast'],
    });
    expect(result.diagnosis.params).toEqual({
      count: 4,
      windowMs: 3000,
      routes: [
        { node: 'lb1', src: LB.lb1, peer: 'lb2', dst: LB.lb2 },
        { node: 'lb2', src: LB.lb2, peer: 'lb1', dst: LB.lb1 },
      ],
    });
  });

  it('says "1 advert" for a single one', () => {
    const result = judgeAdverts({ adverts: [{ node: 'lb1', src: LB.lb1, dst: LB.lb2 }], lbAddresses: { ...LB }, windowMs: 2500 });
    expect(result.passed).toBe(true);
    expect(result.message).toBe('All 1 advert in 2.5 s went unicast (lb1 10.88.4.11 → lb2 10.88.4.12); none to 224.0.0.18.');
    expect(codesOf(result.diagnosis)).toEqual(['adverts-unicast']);
  });

  it('fails multicast adverts with the hint to configure unicast on both nodes when neither has peers', () => {
    const result = judgeAdverts({
      adverts: times(3, { node: 'lb1', src: LB.lb1, dst: '224.0.0.18' }),
      lbAddresses: { ...LB },
      windowMs: 3000,
      configuredPeers: { lb1: [], lb2: [] },
      keepalivedRunning: ['lb1', 'lb2'],
    });
    expect(pinned(result)).toEqual({
      passed: false,
      message: 'lb1 sent 3 adverts to 224.0.0.18 (multicast): set unicast_src_ip and unicast_peer on both nodes.',
      // advert-multicast is what labs/unicast/lab.yaml names for broken/no-unicast.
      codes: ['adverts-not-unicast', 'advert-multicast'],
    });
    expect(result.diagnosis.params).toEqual({ lbNodes: ['lb1', 'lb2'], configureOn: ['lb1', 'lb2'], restartOn: [] });
    expect(result.diagnosis.causes?.[0]?.params).toEqual({ node: 'lb1', count: 3, dst: '224.0.0.18' });
    expect(result.message).toMatch(/lb1 sent \d+ adverts? to 224\.0\.0\.18 \(multicast\).*set unicast_src_ip and unicast_peer on both nodes/);
  });

  it('gives the same hint when the configs are not known at all', () => {
    const result = judgeAdverts({ adverts: [{ node: 'lb1', src: LB.lb1, dst: '224.0.0.18' }], lbAddresses: { ...LB }, windowMs: 3000 });
    expect(pinned(result)).toEqual({
      passed: false,
      message: 'lb1 sent 1 advert to 224.0.0.18 (multicast): set unicast_src_ip and unicast_peer on both nodes.',
      codes: ['adverts-not-unicast', 'advert-multicast'],
    });
  });

  it('names the node without peers when only the other one has them', () => {
    const result = judgeAdverts({
      adverts: times(2, { node: 'lb2', src: LB.lb2, dst: '224.0.0.18' }),
      lbAddresses: { ...LB },
      windowMs: 3000,
      configuredPeers: { lb1: [LB.lb2], lb2: [] },
    });
    expect(result.passed).toBe(false);
    expect(result.message).toBe('lb2 sent 2 adverts to 224.0.0.18 (multicast): set unicast_src_ip and unicast_peer on lb2 as well.');
    expect(result.diagnosis.params).toEqual({ lbNodes: ['lb1', 'lb2'], configureOn: ['lb2'], restartOn: [] });
  });

  it('tells to restart keepalived when the config has unicast_peer but the adverts are still multicast', () => {
    const result = judgeAdverts({
      adverts: times(4, { node: 'lb1', src: LB.lb1, dst: '224.0.0.18' }),
      lbAddresses: { ...LB },
      windowMs: 3000,
      configuredPeers: { lb1: [LB.lb2], lb2: [LB.lb1] },
      keepalivedRunning: ['lb1', 'lb2'],
    });
    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      "lb1 sent 4 adverts to 224.0.0.18 (multicast): lb1's keepalived.conf has unicast_peer but the running keepalived still uses multicast: restart keepalived there.",
    );
    expect(result.message).not.toMatch(/set unicast_src_ip/);
    expect(result.diagnosis.params).toEqual({ lbNodes: ['lb1', 'lb2'], configureOn: [], restartOn: ['lb1'] });
  });

  it('fails an advert to a lab node that is not an lb node, naming it and the right peer', () => {
    const result = judgeAdverts({
      adverts: times(3, { node: 'lb1', src: LB.lb1, dst: WEB1 }),
      lbAddresses: { ...LB },
      windowMs: 3000,
      nodeAt,
    });
    expect(pinned(result)).toEqual({
      passed: false,
      message: "lb1 sent 3 adverts to 10.88.4.21 (web1, not an lb node): its unicast_peer must list lb2's 10.88.4.12.",
      codes: ['adverts-not-unicast', 'advert-to-non-peer'],
    });
    expect(result.diagnosis.causes?.[0]?.params).toEqual({ node: 'lb1', count: 3, dst: WEB1, dstNode: 'web1', peers: [{ node: 'lb2', address: LB.lb2 }] });
  });

  it('fails an advert to an unknown address and one to the sender itself', () => {
    const unknown = judgeAdverts({ adverts: [{ node: 'lb2', src: LB.lb2, dst: '10.88.4.99' }], lbAddresses: { ...LB }, windowMs: 3000, nodeAt });
    expect(unknown.message).toBe("lb2 sent 1 advert to 10.88.4.99 (no lb node): its unicast_peer must list lb1's 10.88.4.11.");
    const self = judgeAdverts({ adverts: [{ node: 'lb2', src: LB.lb2, dst: LB.lb2 }], lbAddresses: { ...LB }, windowMs: 3000, nodeAt });
    expect(self.passed).toBe(false);
    expect(self.message).toBe("lb2 sent 1 advert to 10.88.4.12 (its own address): its unicast_peer must list lb1's 10.88.4.11.");
    expect(codesOf(unknown.diagnosis)).toEqual(['adverts-not-unicast', 'advert-to-non-peer']);
    expect(self.diagnosis.causes?.[0]?.params).toMatchObject({ dst: LB.lb2, dstNode: 'lb2' });
  });

  it('fails adverts from the wrong source address, with the unicast_src_ip to set', () => {
    const result = judgeAdverts({
      adverts: times(2, { node: 'lb1', src: '10.88.4.100', dst: LB.lb2 }),
      lbAddresses: { ...LB },
      windowMs: 3000,
    });
    expect(pinned(result)).toEqual({
      passed: false,
      message: 'lb1 sent 2 adverts from 10.88.4.100, not from its own address 10.88.4.11: set unicast_src_ip 10.88.4.11.',
      codes: ['adverts-not-unicast', 'advert-wrong-source'],
    });
  });

  it('lists every problem when unicast and multicast adverts are mixed', () => {
    const result = judgeAdverts({
      adverts: [...times(2, { node: 'lb1', src: LB.lb1, dst: LB.lb2 }), ...times(3, { node: 'lb2', src: LB.lb2, dst: '224.0.0.18' })],
      lbAddresses: { ...LB },
      windowMs: 3000,
      configuredPeers: { lb1: [LB.lb2], lb2: [] },
    });
    expect(result.passed).toBe(false);
    expect(result.message).toBe('lb2 sent 3 adverts to 224.0.0.18 (multicast): set unicast_src_ip and unicast_peer on lb2 as well.');
    expect(codesOf(result.diagnosis)).toEqual(['adverts-not-unicast', 'advert-multicast']);
  });

  it('explains a silent window when keepalived runs on neither node', () => {
    const result = judgeAdverts({ adverts: [], lbAddresses: { ...LB }, windowMs: 3000, keepalivedRunning: [] });
    expect(pinned(result)).toEqual({
      passed: false,
      message: 'No VRRP adverts seen in 3.0 s: keepalived is not running on either lb node.',
      codes: ['adverts-none-keepalived-stopped'],
    });
  });

  it('explains a silent window when keepalived runs but sends nothing', () => {
    const result = judgeAdverts({ adverts: [], lbAddresses: { ...LB }, windowMs: 5000, keepalivedRunning: ['lb1', 'lb2'] });
    expect(pinned(result)).toEqual({
      passed: false,
      message:
        'No VRRP adverts seen in 5.0 s: keepalived runs on lb1 and lb2 but sends nothing: a node in FAULT state, or a master that never formed, is silent; read journalctl -u keepalived.',
      codes: ['adverts-none-silent'],
    });
    expect(result.diagnosis.params).toEqual({ windowMs: 5000, running: ['lb1', 'lb2'] });
  });
});

const UNICAST_LB1 = `global_defs {
   router_id lb1
}

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int ADVERT
    unicast_src_ip 10.88.4.11
    unicast_peer {
        10.88.4.12
    }
    virtual_ipaddress {
        10.88.4.100/24 dev eth0
    }
}
`;

function facts(node: NodeName, advertInt: number, keepalivedRunning = true): LbFacts {
  return { node, run: 'running', keepalivedRunning, config: parseKeepalivedConfig(UNICAST_LB1.replace('ADVERT', String(advertInt))) };
}

describe('watchWindowMs', () => {
  it('watches at least 3 s', () => {
    expect(MIN_WATCH_MS).toBe(3000);
    expect(watchWindowMs(1000, [])).toBe(3000);
    expect(watchWindowMs(1000, [facts('lb1', 1), facts('lb2', 1)])).toBe(3000);
  });
  it('keeps a longer watchMs', () => {
    expect(watchWindowMs(4500, [facts('lb1', 1)])).toBe(4500);
  });
  it('sees at least 2.5 of the longest advert interval of a running node', () => {
    expect(watchWindowMs(3000, [facts('lb1', 1), facts('lb2', 3)])).toBe(7500);
  });
  it('ignores the interval of a node whose keepalived is not running', () => {
    expect(watchWindowMs(3000, [facts('lb1', 1), facts('lb2', 4, false)])).toBe(3000);
  });
});

describe('collectAdverts', () => {
  beforeEach(() => vi.useFakeTimers({ now: 5_000_000 }));
  afterEach(() => vi.useRealTimers());

  function fakeEvents() {
    const emitter = new EventEmitter();
    const source: EventSource = {
      onEvent(listener) {
        emitter.on('e', listener);
        return () => emitter.off('e', listener);
      },
    };
    return {
      source,
      emit: (event: LabEvent) => emitter.emit('e', event),
      listeners: () => emitter.listenerCount('e'),
    };
  }
  const advert = (t: number, node: NodeName, src: string, dst: string): LabEvent => ({
    type: 'advert', t, node, src, dst, vrid: 51, priority: 100, intervalS: 1, version: 2,
  });

  it('counts only the adverts inside the window, and resolves at its end', async () => {
    const { source, emit, listeners } = fakeEvents();
    const done = vi.fn();
    const p = collectAdverts(source, { from: 5_001_000, to: 5_004_000 });
    void p.then(done);
    expect(listeners()).toBe(1);
    emit(advert(5_000_500, 'lb1', LB.lb1, '224.0.0.18')); // before the window
    emit(advert(5_001_000, 'lb1', LB.lb1, LB.lb2)); // at its start
    emit({ type: 'vrrp', t: 5_002_000, node: 'lb1', instance: 'VI_1', state: 'MASTER' }); // not an advert
    emit({ type: 'vip', t: 5_002_000, node: 'lb1', held: true, iface: 'eth0' });
    emit(advert(5_002_000, 'lb2', LB.lb2, LB.lb1));
    emit(advert(5_004_000, 'lb1', LB.lb1, LB.lb2)); // at its end
    emit(advert(5_004_001, 'lb1', LB.lb1, '224.0.0.18')); // stamped after it
    await vi.advanceTimersByTimeAsync(3_999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledTimes(1);
    await expect(p).resolves.toEqual([
      { node: 'lb1', src: LB.lb1, dst: LB.lb2 },
      { node: 'lb2', src: LB.lb2, dst: LB.lb1 },
      { node: 'lb1', src: LB.lb1, dst: LB.lb2 },
    ]);
    expect(listeners()).toBe(0);
  });

  it('ignores adverts emitted after it resolved', async () => {
    const { source, emit } = fakeEvents();
    const p = collectAdverts(source, { from: 5_000_000, to: 5_001_000 });
    emit(advert(5_000_100, 'lb1', LB.lb1, LB.lb2));
    await vi.advanceTimersByTimeAsync(1_000);
    const seen = await p;
    emit(advert(5_000_900, 'lb1', LB.lb1, '224.0.0.18'));
    expect(seen).toEqual([{ node: 'lb1', src: LB.lb1, dst: LB.lb2 }]);
  });

  it('resolves early with what it has when aborted, and unsubscribes', async () => {
    const { source, emit, listeners } = fakeEvents();
    const controller = new AbortController();
    const done = vi.fn();
    const p = collectAdverts(source, { from: 5_000_000, to: 5_010_000, signal: controller.signal });
    void p.then(done);
    await vi.advanceTimersByTimeAsync(1_000);
    emit(advert(5_001_000, 'lb2', LB.lb2, LB.lb1));
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toHaveBeenCalledWith([{ node: 'lb2', src: LB.lb2, dst: LB.lb1 }]);
    expect(Date.now()).toBe(5_001_000);
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves at once, with nothing, when the signal was aborted before it began', async () => {
    const { source, listeners } = fakeEvents();
    const controller = new AbortController();
    controller.abort();
    await expect(collectAdverts(source, { from: 5_000_000, to: 5_010_000, signal: controller.signal })).resolves.toEqual([]);
    expect(Date.now()).toBe(5_000_000);
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves at once when the window already ended', async () => {
    const { source, listeners } = fakeEvents();
    const p = collectAdverts(source, { from: 4_990_000, to: 4_995_000 });
    await vi.advanceTimersByTimeAsync(0);
    await expect(p).resolves.toEqual([]);
    expect(listeners()).toBe(0);
  });
});
