/**
 * Strict mode, against fakes and the strict-mode lab's own files: keepalived's nftables table read
 * from `nft list ruleset`, the strict-mode check (on, off, and the firewall it reports), and the
 * VIP's ping with the drop rule named as its cause.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { keepalivedTables } from '../../runner/grade/strict-firewall.ts';
import { pingable } from '../../runner/kinds/expectations/pingable.ts';
import { strictMode } from '../../runner/kinds/expectations/strict-mode.ts';
import { conf, fakeLab, fakeObserver, lbFacts, STRICT_RULESET, T0, timing, track } from './grade-fakes.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

beforeEach(() => {
  vi.clearAllMocks();
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => vi.useRealTimers());

describe('keepalivedTables', () => {
  it("reads keepalived's table: its VIPs and the rules that drop, chain by chain", () => {
    expect(keepalivedTables(STRICT_RULESET)).toEqual([
      {
        table: 'ip keepalived',
        vips: ['10.88.4.100'],
        drops: [
          { chain: 'out', rule: 'ip saddr @vips drop' },
          { chain: 'in', rule: 'ip daddr @vips drop' },
        ],
      },
    ]);
  });
  it("finds none with accept (keepalived installs no table), and ignores other programs' tables", () => {
    expect(keepalivedTables('table ip nat {\n\tchain OUTPUT {\n\t}\n}\n')).toEqual([]);
    const fault = 'table inet kalab_fault {\n\tchain input {\n\t\ttype filter hook input priority -300; policy accept;\n\t\tip protocol 112 counter packets 3 bytes 120 drop\n\t}\n}\n';
    expect(keepalivedTables(fault)).toEqual([]);
  });
});

const strictLab = (ruleset = '') => {
  const state = { lb1: { config: conf('strict-mode/solution/lb1'), nftRuleset: ruleset }, lb2: { config: conf('strict-mode/solution/lb2') } };
  const { lab, beside } = fakeLab('10.88.11', state);
  return { lab, beside, facts: lbFacts(state) };
};

describe('strict-mode', () => {
  it('passes on the reference solution, and says that with accept nothing drops traffic to the VIP', async () => {
    const { lab, facts, beside } = strictLab();
    const obs = fakeObserver(lab.nodes);
    const result = await strictMode.check('lb1').judge({ lab, observer: obs.observer, timing: timing(), facts });
    expect(result).toMatchObject({ passed: true, message: 'lb1 runs vrrp_instance VI_1 in strict mode (vrrp_strict in global_defs); keepalived has no rule here that drops traffic to the VIP.' });
    expect(beside).toEqual([{ node: 'lb1', command: 'nft list ruleset' }]);
  });

  it('passes without accept too (strict mode is on), naming the rules that drop', async () => {
    const { lab, facts } = strictLab(STRICT_RULESET);
    const obs = fakeObserver(lab.nodes);
    const result = await strictMode.check('lb1').judge({ lab, observer: obs.observer, timing: timing(), facts });
    expect(result.passed).toBe(true);
    expect(result.diagnosis.params).toEqual({
      node: 'lb1',
      instance: 'VI_1',
      by: 'vrrp_strict',
      table: 'ip keepalived',
      rules: [
        { chain: 'out', rule: 'ip saddr @vips drop' },
        { chain: 'in', rule: 'ip daddr @vips drop' },
      ],
    });
  });

  it('takes strict_mode on in the instance for strict mode (the lab variant)', async () => {
    const state = { lb2: { config: conf('strict-mode/variants/instance-strict-mode/lb2') } };
    const { lab } = fakeLab('10.88.11', state);
    const result = await strictMode.check('lb2').judge({ lab, observer: fakeObserver(lab.nodes).observer, timing: timing(), facts: lbFacts(state) });
    expect(result).toMatchObject({ passed: true, diagnosis: { code: 'strict-mode-on', params: { instance: 'web_vip', by: 'strict_mode' } } });
  });

  it('fails broken/no-strict with strict-mode-off, and reads no firewall', async () => {
    const state = { lb1: { config: conf('strict-mode/broken/no-strict/lb1') } };
    const { lab, beside } = fakeLab('10.88.11', state);
    const result = await strictMode.check('lb1').judge({ lab, observer: fakeObserver(lab.nodes).observer, timing: timing(), facts: lbFacts(state) });
    expect(result.passed).toBe(false);
    expect(codesOf(result.diagnosis)).toEqual(['strict-mode-off']);
    expect(result.message).toMatch(/^lb1 does not run vrrp_instance VI_1 in strict mode: its keepalived.conf has no vrrp_strict in global_defs\./);
    expect(beside).toEqual([]);
  });

  it('says so when keepalived is not running on the node', async () => {
    const state = { lb1: { keepalived: false, config: conf('strict-mode/solution/lb1') } };
    const { lab } = fakeLab('10.88.11', state);
    const result = await strictMode.check('lb1').judge({ lab, observer: fakeObserver(lab.nodes).observer, timing: timing(), facts: lbFacts(state) });
    expect(codesOf(result.diagnosis)).toEqual(['strict-mode-keepalived-stopped']);
  });
});

describe('pingable', () => {
  it("passes once the client's ping is answered, from the client's eyes", async () => {
    const { lab, beside } = strictLab();
    vi.spyOn(lab, 'execBeside').mockResolvedValue({ exitCode: 0, stderr: '', stdout: '64 bytes from 10.88.11.100: icmp_seq=1 ttl=64 time=0.473 ms\n' });
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const seen = track(pingable.check('vip').judge({ lab, observer: obs.observer, timing: timing(), facts: [] }));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.result).toMatchObject({ passed: true, message: '10.88.11.100 answers ping from the client (0.47 ms).' });
    expect(beside).toEqual([]);
    expect(vi.mocked(lab.execBeside).mock.calls[0]!.slice(0, 1)).toEqual(['client']);
  });

  it('fails broken/no-accept at the deadline, naming the rule on the holder that drops it', async () => {
    const { lab, facts } = strictLab(STRICT_RULESET);
    const answer = lab.execBeside.bind(lab);
    vi.spyOn(lab, 'execBeside').mockImplementation(async (node, command) =>
      node === 'client' ? { exitCode: 1, stderr: '', stdout: '1 packets transmitted, 0 received, 100% packet loss\n' } : answer(node, command),
    );
    const obs = fakeObserver(lab.nodes);
    obs.hold('lb1');
    const t = timing();
    const seen = track(pingable.check('vip').judge({ lab, observer: obs.observer, timing: t, facts }));
    await vi.advanceTimersByTimeAsync(t.deadline - T0 - 1);
    expect(seen.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.result!.passed).toBe(false);
    expect(codesOf(seen.result!.diagnosis)).toEqual(['ping-unanswered', 'strict-drops-http']);
    expect(seen.result!.message).toBe(
      "10.88.11.100 does not answer ping from the client, although lb1 holds it. lb1 holds the VIP but keepalived's strict mode installed nftables rules that drop traffic to it (table ip keepalived: chain out: ip saddr @vips drop; chain in: ip daddr @vips drop): add accept to vrrp_instance VI_1 to keep strict mode and still take traffic for the VIP, or remove vrrp_strict from global_defs.",
    );
  });
});
