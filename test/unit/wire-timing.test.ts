import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';
import type { LbFacts } from '../../runner/grade/facts.ts';
import { timingFrom } from '../../runner/grade/step-timing.ts';
import { correctByWire, latestAdverts, withWireTiming, type WireAdvert } from '../../runner/grade/wire-timing.ts';
import { renderDiagnosis } from '../../runner/grade/catalogue.ts';
import type { LabEvent } from '../../runner/shared/events.ts';

const conf = (node: string) => readFileSync(new URL(`../../labs/basic-vip/solution/${node}/etc/keepalived/keepalived.conf`, import.meta.url), 'utf8');
const facts = (node: 'lb1' | 'lb2', text: string | undefined): LbFacts => ({
  node,
  run: 'running',
  keepalivedRunning: true,
  ...(text === undefined ? {} : { configText: text, config: parseKeepalivedConfig(text) }),
});
const advert = (node: 'lb1' | 'lb2', intervalS: number, priority = 150, vrid = 51, t = 1000): WireAdvert => ({ node, vrid, intervalS, priority, version: 2, t });

describe('timing from what keepalived runs', () => {
  const lb1 = facts('lb1', conf('lb1'));
  const lb2 = facts('lb2', conf('lb2'));
  const vrid = lb1.config!.instances[0]!.virtualRouterId!;

  it('agrees with the config when the wire says the same', () => {
    const flat = timingFrom(0, [lb1, lb2]);
    const seen = timingFrom(0, [lb1, lb2], undefined, [advert('lb1', lb1.config!.instances[0]!.advertIntS, 150, vrid)]);
    expect(seen).toEqual(flat);
    expect(seen.wireDisagreements).toBeUndefined();
  });

  it('takes the advert interval from the wire where the config says another', () => {
    const { disagreements } = correctByWire([lb1, lb2], [advert('lb1', 3, 150, vrid)]);
    expect(disagreements).toEqual([{ node: 'lb1', vrid, field: 'advert_int', config: 1, wire: 3, source: 'wire' }]);
    const timing = timingFrom(0, [lb1, lb2], undefined, [advert('lb1', 3, 150, vrid)]);
    expect(timing.settleMs).toBeGreaterThan(timingFrom(0, [lb1, lb2]).settleMs + 5000);
  });

  it('times an instance the config does not show (an include the reader missed) from its adverts', () => {
    const unread = facts('lb1', 'global_defs {\n  router_id lb1\n}\ninclude /somewhere/else/*.conf\n');
    const blind = timingFrom(0, [unread]);
    expect(blind.settleMs).toBe(1000); // no instance: the margin alone, verdicts far too early
    const timing = timingFrom(0, [unread], undefined, [advert('lb1', 1, 150, vrid)]);
    expect(timing.settleMs).toBeGreaterThan(3000);
    expect(timing.wireDisagreements).toEqual([{ node: 'lb1', vrid, field: 'instance', config: null, wire: 1, source: 'wire' }]);
  });

  it("takes what keepalived's own dump says it runs, which covers a backup that sends nothing", () => {
    const dumped: LbFacts = { ...lb2, running: [{ name: 'VI_1', vrid, advertIntS: 2, priority: 90, version: 2 }] };
    const { disagreements } = correctByWire([lb1, dumped], []);
    expect(disagreements).toEqual([{ node: 'lb2', vrid, field: 'advert_int', config: 1, wire: 2, source: 'keepalived' }]);
    expect(timingFrom(0, [lb1, dumped]).settleMs).toBeGreaterThan(timingFrom(0, [lb1, lb2]).settleMs + 2500);
    const d = withWireTiming({ code: 'vip-held-by-none', params: {}, text: 'x.' } as never, disagreements);
    expect(d.causes![1]!.text).toContain("lb2's keepalived runs VRID 51 at 2 s, while its config says advert_int 1");
  });

  it('keeps the newest advert per node and VRID within the window', () => {
    const events: LabEvent[] = [
      { type: 'advert', t: 1, node: 'lb1', src: 'a', dst: 'b', vrid: 51, priority: 100, intervalS: 1, version: 2 },
      { type: 'advert', t: 5, node: 'lb1', src: 'a', dst: 'b', vrid: 51, priority: 70, intervalS: 1, version: 2 },
      { type: 'advert', t: 6, node: 'lb1', src: 'a', dst: 'b', vrid: 52, priority: 90, intervalS: 2, version: 2 },
      { type: 'vip', t: 7, node: 'lb1', held: true, iface: 'eth0' },
    ];
    expect(latestAdverts(events, 2).map((a) => [a.vrid, a.priority])).toEqual([[51, 70], [52, 90]]);
  });

  it('says in a failure that the step was timed from the wire, the failure itself first', () => {
    const failure = { code: 'vip-held-by-none', params: { vip: '10.88.1.100' }, text: 'No node holds the VIP 10.88.1.100.' };
    const d = withWireTiming(failure as never, [{ node: 'lb1', vrid: 51, field: 'advert_int', config: 1, wire: 3 }]);
    expect(d.code).toBe('verdict-timed-from-wire');
    expect(d.causes!.map((c) => c.code)).toEqual(['vip-held-by-none', 'cause-timing-from-wire']);
    expect(d.text).toBe('No node holds the VIP 10.88.1.100. The step was timed from what the nodes run, not from their files: lb1 sends VRID 51 every 3 s, while its config says advert_int 1 (changed without a restart?).');
    expect(withWireTiming(failure as never, undefined)).toBe(failure);
    expect(() => renderDiagnosis({ code: 'cause-timing-from-wire', params: { disagreements: [] } })).not.toThrow();
  });
});
