/** The VIP and HTTP checks against a fake observer and fake lab, on the fake clock. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckContext, CheckResult } from '../../runner/grade/check.ts';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { collectLbFacts, configTestError } from '../../runner/grade/facts.ts';
import { servedBy } from '../../runner/kinds/expectations/served-by.ts';
import { vipOn } from '../../runner/kinds/expectations/vip-on.ts';
import { vipStays } from '../../runner/kinds/expectations/vip-stays.ts';
import { conf, fakeLab, fakeObserver, STRICT_RULESET, T0, timing, track as trackAny } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

const track = (p: Promise<CheckResult>) => trackAny(p);
const factsReads = () => vi.mocked(collectLbFacts).mock.calls.length;

/** A check's result as the tests pin it: verdict, message and the diagnosis codes depth first; the message is the diagnosis' text. */
function pinned(r: CheckResult | undefined) {
  if (!r) return r;
  expect(r.diagnosis.text).toBe(r.message);
  return { passed: r.passed, message: r.message, codes: codesOf(r.diagnosis) };
}

beforeEach(() => vi.clearAllMocks());

describe('vipOn', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('has a label', () => {
    expect(vipOn.check('lb1').label).toBe('VIP on lb1 only');
  });

  it('passes as soon as the settle window ends when the VIP is on the node', async () => {
    const { lab } = fakeLab('10.88.1', {});
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const ctx: CheckContext = { lab, observer: obs.observer, timing: timing(), facts: [] };
    const seen = track(vipOn.check('lb1').judge(ctx));
    await vi.advanceTimersByTimeAsync(4_609);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(pinned(seen.result)).toEqual({ passed: true, message: 'lb1 holds the VIP 10.88.1.100, and no other running node does.', codes: ['vip-on-node'] });
    expect(seen.result?.diagnosis.params).toEqual({ node: 'lb1', vip: '10.88.1.100' });
    expect(seen.at).toBe(T0 + 4_610);
    expect(factsReads()).toBe(0); // a pass reads no node
    expect(obs.listeners()).toBe(0);
  });

  it('is woken by the VIP arriving after the window, without waiting for the deadline', async () => {
    const { lab } = fakeLab('10.88.1', {});
    const obs = fakeObserver(lab.nodes);
    const seen = track(vipOn.check('lb2').judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(6_000);
    expect(seen.result).toBeUndefined();
    obs.hold('lb2');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result?.passed).toBe(true);
    expect(seen.result?.diagnosis.code).toBe('vip-on-node');
    expect(seen.at).toBe(T0 + 6_000);
  });

  it('does not pass early: a backup with a higher priority takes the VIP at 3.5 s, and the verdict names it', async () => {
    const { lab } = fakeLab('10.88.1', {
      lb1: { config: conf('basic-vip/solution/lb1') },
      lb2: { config: conf('basic-vip/broken/backup-higher-priority/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    obs.advertise('lb1', 100);
    const t = timing();
    const seen = track(vipOn.check('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(3_500);
    expect(seen.result).toBeUndefined(); // the VIP was on lb1 all along, but the verdict is not due yet
    obs.advertise('lb2', 150);
    obs.hold('lb2');
    await vi.advanceTimersByTimeAsync(t.deadline - T0 - 3_500 - 1);
    expect(seen.result).toBeUndefined(); // waits for the VIP to come back until the deadline
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at).toBe(t.deadline);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: "lb2 holds the VIP 10.88.1.100, not lb1: lb2's priority (150) is higher than lb1's (100). The node meant to be MASTER needs the higher priority.",
      // cause-priority-higher is what labs/basic-vip/lab.yaml names for broken/backup-higher-priority.
      codes: ['vip-held-by-other', 'cause-priority-higher'],
    });
    expect(seen.result?.message).toMatch(/lb2 holds the VIP.*priority \(\d+\) is higher than lb1's/);
    expect(seen.result?.diagnosis.params).toEqual({ holder: 'lb2', vip: '10.88.1.100', expected: 'lb1' });
    expect(seen.result?.diagnosis.causes?.[0]?.params).toEqual({ holder: 'lb2', holderPriority: 150, expected: 'lb1', expectedPriority: 100 });
    // The nodes are read once, at the verdict: what they look like then explains the failure best.
    expect(factsReads()).toBe(1);
  });

  it('fails at the deadline with "Split brain" and the cause when both hold the VIP', async () => {
    const { lab } = fakeLab('10.88.1', {
      lb1: { config: conf('basic-vip/solution/lb1') },
      lb2: { config: conf('basic-vip/broken/vrid-mismatch/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1', 'lb2');
    const t = timing();
    const seen = track(vipOn.check('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0 - 1);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at).toBe(t.deadline);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message:
        "Split brain: lb1 and lb2 both hold the VIP 10.88.1.100. Likely cause: virtual_router_id differs (lb1: 51, lb2: 52): each ignores the other's adverts as another router's, so both become MASTER; use the same id on both.",
      codes: ['vip-split-brain', 'cause-vrid-differs'],
    });
    expect(seen.result?.diagnosis.params).toEqual({ holders: ['lb1', 'lb2'], vip: '10.88.1.100' });
    expect(seen.result?.diagnosis.causes?.[0]?.params).toEqual({ a: 'lb1', aVrid: 51, b: 'lb2', bVrid: 52 });
  });

  it("does not count a frozen holder, and explains that keepalived is not running on the expected node with the config test's error", async () => {
    const { lab } = fakeLab('10.88.1', {
      lb1: {
        keepalived: false,
        config: conf('basic-vip/solution/lb1'),
        configTestError: "(Line 10) Unknown keyword 'prioity'",
      },
      lb2: { config: conf('basic-vip/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const t = timing();
    const seen = track(vipOn.check('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: "lb2 holds the VIP: keepalived is not running on lb1. keepalived --config-test says: (Line 10) Unknown keyword 'prioity'",
      codes: ['keepalived-not-running', 'cause-config-test-error'],
    });
    expect(seen.result?.diagnosis.causes?.[0]?.params).toEqual({ node: 'lb1', error: "(Line 10) Unknown keyword 'prioity'" });
    expect(vi.mocked(configTestError).mock.calls.map(([, node]) => node)).toEqual(['lb1']);
  });
});

describe('vipStays', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('has a label', () => {
    expect(vipStays.check({ node: 'lb2', intervals: 2 }).label).toBe('VIP stays on lb2 for 2 Master_Down_Intervals');
  });

  it('passes when the VIP stays for intervals × masterDownMs', async () => {
    const { lab } = fakeLab('10.88.2', {});
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays.check({ node: 'lb2', intervals: 2 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(3_000);
    obs.advertise('lb2', 90); // an event that changes nothing
    await vi.advanceTimersByTimeAsync(7_219 - 3_000 - 1); // 2 × 3609.375 = 7218.75, rounded
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(pinned(seen.result)).toEqual({ passed: true, message: 'lb2 kept the VIP 10.88.2.100 for 7.2 s.', codes: ['vip-stayed'] });
    expect(seen.result?.diagnosis.params).toEqual({ node: 'lb2', vip: '10.88.2.100', heldMs: 7_219 });
    expect(seen.at).toBe(T0 + 7_219);
    expect(factsReads()).toBe(0);
    expect(obs.listeners()).toBe(0);
  });

  it('fails at the first change with the time it moved and the cause from the configs', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/broken/master-with-nopreempt/lb1') },
      lb2: { config: conf('nopreempt/broken/master-with-nopreempt/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays.check({ node: 'lb2', intervals: 3 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(3_600);
    obs.hold('lb1', 'lb2'); // the handover: for a moment both hold it
    await vi.advanceTimersByTimeAsync(100);
    expect(seen.result).toBeUndefined(); // it waits for the VIP to land before saying who took it
    obs.hold('lb1');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at).toBe(T0 + 3_700);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message:
        'The VIP did not stay on lb2: 3.6 s after the action lb1 took it. lb1 took the VIP back although nopreempt is set: nopreempt is ignored when the initial state is MASTER (keepalived clears it and logs "nopreempt will not work"); set state BACKUP on both nodes.',
      codes: ['vip-moved', 'cause-nopreempt-with-master'],
    });
    expect(seen.result?.diagnosis.params).toEqual({ node: 'lb2', afterMs: 3_600, move: 'taken', holders: ['lb1'] });
  });

  it('says a missing nopreempt and the higher priority when that explains the move', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/broken/no-nopreempt/lb1') },
      lb2: { config: conf('nopreempt/broken/no-nopreempt/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays.check({ node: 'lb2', intervals: 3 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(4_200);
    obs.hold('lb1');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result?.passed).toBe(false);
    expect(seen.result?.message).toMatch(/^The VIP did not stay on lb2: 4\.2 s after the action lb1 took it\. lb1 has no nopreempt and a higher priority \(100 > 90\).*add nopreempt/);
    expect(codesOf(seen.result!.diagnosis)).toEqual(['vip-moved', 'cause-no-nopreempt']);
    expect(seen.result?.diagnosis.causes?.[0]?.params).toEqual({ taker: 'lb1', takerPriority: 100, keeper: 'lb2', keeperPriority: 90 });
  });

  it('says no node held it when the VIP vanished and did not land within the settle margin', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/solution/lb1') },
      lb2: { config: conf('nopreempt/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays.check({ node: 'lb2', intervals: 2 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(1_500);
    obs.hold();
    await vi.advanceTimersByTimeAsync(999);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at).toBe(T0 + 2_500);
    expect(pinned(seen.result)).toEqual({ passed: false, message: 'The VIP did not stay on lb2: 1.5 s after the action no node held it.', codes: ['vip-moved'] });
    expect(seen.result?.diagnosis.params).toMatchObject({ move: 'none', holders: [] });
  });

  it('fails a moment of split brain that resolves back to the node, naming the node that held it too', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/solution/lb1') },
      lb2: { config: conf('nopreempt/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb2');
    const seen = track(vipStays.check({ node: 'lb2', intervals: 3 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(3_600);
    obs.hold('lb1', 'lb2');
    await vi.advanceTimersByTimeAsync(200);
    obs.hold('lb2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: 'The VIP did not stay on lb2: 3.6 s after the action lb1 and lb2 held it for a moment, then lb2 alone again.',
      codes: ['vip-moved'],
    });
    expect(seen.result?.diagnosis.params).toMatchObject({ move: 'came-back', holders: ['lb1', 'lb2'] });
  });

  it('fails at once when the VIP is not on the node to begin with', async () => {
    const { lab } = fakeLab('10.88.2', {
      lb1: { config: conf('nopreempt/solution/lb1') },
      lb2: { config: conf('nopreempt/solution/lb2') },
    });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const seen = track(vipStays.check({ node: 'lb2', intervals: 2 }).judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(0);
    // lb1 has nopreempt and state BACKUP: the configs explain nothing, so no cause is added.
    expect(pinned(seen.result)).toEqual({ passed: false, message: 'The VIP did not stay on lb2: 0.0 s after the action lb1 took it.', codes: ['vip-moved'] });
  });
});

describe('servedBy', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  const page = (node: string) => ({ ok: true as const, status: 200, body: `<h1>${node}</h1>\n<!-- kalab-node: ${node} -->\n` });
  const timedOut = { ok: false as const, reason: 'timeout' as const, detail: 'no answer within 2 s' };
  const refused = { ok: false as const, reason: 'error' as const, detail: 'Failed to connect to 10.88.1.100 port 80 after 0 ms: Connection refused' };

  it('has a label', () => {
    expect(servedBy.check('lb1').label).toBe('client served by lb1 at the VIP');
  });

  it("passes at the first answer with the node's page, asked through the grader's own HTTP probe", async () => {
    const { lab, probes } = fakeLab('10.88.1', {}, [page('lb1')]);
    const obs = fakeObserver(lab.nodes);
    const seen = track(servedBy.check('lb1').judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(0);
    expect(pinned(seen.result)).toEqual({ passed: true, message: "client got lb1's page from http://10.88.1.100/.", codes: ['served-by-node'] });
    expect(probes).toEqual([{ url: 'http://10.88.1.100/', at: T0 }]);
  });

  it('asks again at a bounded, growing pace while the VIP moves, and passes once the node answers', async () => {
    const { lab, probes } = fakeLab('10.88.1', {}, [timedOut, refused, page('lb2')]);
    const obs = fakeObserver(lab.nodes);
    const seen = track(servedBy.check('lb2').judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(349);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result?.passed).toBe(true);
    expect(probes.map((p) => p.at - T0)).toEqual([0, 100, 350]);
  });

  it("fails at once on another node's page: the VIP is elsewhere, asking again changes nothing", async () => {
    const { lab, probes, beside } = fakeLab('10.88.1', {}, [page('lb1')]);
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const seen = track(servedBy.check('lb2').judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(0);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: "client was not served by lb2: http://10.88.1.100/ answered with lb1's page.",
      codes: ['served-wrong-node'],
    });
    expect(seen.result?.diagnosis.params).toEqual({ node: 'lb2', url: 'http://10.88.1.100/', answered: 'lb1' });
    expect(probes).toHaveLength(1);
    expect(beside).toEqual([]);
  });

  it("times out until the deadline, pacing its tries, and names vrrp_strict's firewall on the holder (unicast broken/vrrp-strict)", async () => {
    const { lab, probes, beside } = fakeLab('10.88.4', { lb1: { nftRuleset: STRICT_RULESET } }, [timedOut]);
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const t = timing();
    const seen = track(servedBy.check('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0 - 1);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message:
        "client was not served by lb1: http://10.88.4.100/ timed out. lb1 holds the VIP but keepalived's strict mode installed nftables rules that drop traffic to it (table ip keepalived: chain out: ip saddr @vips drop; chain in: ip daddr @vips drop): add accept to the vrrp_instance to keep strict mode and still take traffic for the VIP, or remove vrrp_strict from global_defs.",
      // strict-drops-http is what labs/unicast/lab.yaml names for broken/vrrp-strict.
      codes: ['served-timeout', 'strict-drops-http'],
    });
    // 9.6 s of tries: 0, 0.1, 0.35, 0.85 s, then every second, and one at the deadline.
    expect(probes.map((p) => p.at - T0)).toEqual([0, 100, 350, 850, 1_850, 2_850, 3_850, 4_850, 5_850, 6_850, 7_850, 8_850, 9_610]);
    expect(beside).toEqual([{ node: 'lb1', command: 'nft list ruleset' }]);
  });

  it('says to check nginx on the holder when nothing answers and no firewall rules are there', async () => {
    const { lab } = fakeLab('10.88.1', { lb1: { nftRuleset: 'table inet filter {\n}\n' } }, [refused]);
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const t = timing();
    const seen = track(servedBy.check('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message:
        'client was not served by lb1: http://10.88.1.100/ failed (Failed to connect to 10.88.1.100 port 80 after 0 ms: Connection refused). lb1 holds the VIP: check that nginx runs there (systemctl status nginx).',
      codes: ['served-error', 'cause-holder-not-serving'],
    });
  });

  it('adds no cause when no node holds the VIP, and reads no node', async () => {
    const { lab, beside } = fakeLab('10.88.1', {}, [timedOut]);
    const obs = fakeObserver(lab.nodes);
    const t = timing();
    const seen = track(servedBy.check('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0);
    expect(pinned(seen.result)).toEqual({ passed: false, message: 'client was not served by lb1: http://10.88.1.100/ timed out.', codes: ['served-timeout'] });
    expect(beside).toEqual([]);
  });

  it("keeps asking when an answer is no node's page, and says so at the deadline", async () => {
    const { lab, probes } = fakeLab('10.88.1', {}, [{ ok: true, status: 502, body: '<h1>502 Bad Gateway</h1>' }]);
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const t = timing();
    const seen = track(servedBy.check('lb1').judge({ lab, observer: obs.observer, timing: t, facts: [] }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0);
    expect(pinned(seen.result)).toEqual({
      passed: false,
      message: "client was not served by lb1: http://10.88.1.100/ answered HTTP 502 without a node's page.",
      codes: ['served-no-node-page'],
    });
    expect(probes.length).toBeGreaterThan(1);
  });

  it('withholds the verdict when the check is stopped before its first answer', async () => {
    const { lab } = fakeLab('10.88.1', {}, [page('lb1')]);
    const obs = fakeObserver(lab.nodes);
    const controller = new AbortController();
    controller.abort();
    const result = await servedBy.check('lb1').judge({ lab, observer: obs.observer, timing: timing(), facts: [], signal: controller.signal });
    expect(pinned(result)).toEqual({ passed: false, message: 'The check was stopped before it reached a verdict.', codes: ['check-aborted'] });
  });
});
