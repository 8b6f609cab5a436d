/**
 * The widget's store for a lab with two VIPs (master-master) and for runner-performed steps: the
 * VIP panel's headline per VIP and its VIPs column, kept live from events that name their VIP;
 * and each fault step's button, labelled by the runner.
 */
import { describe, expect, it } from 'vitest';
import { labVips, LabStore, vipHolderText, vipRows } from '../../docs/.vitepress/theme/lab/store.ts';
import { describeEvent, TimelineBuilder } from '../../docs/.vitepress/theme/lab/timeline.ts';
import { isTimelineEvent } from '../../runner/server/live-lab.ts';
import type { NodeInfo, ServerMessage } from '../../runner/shared/protocol.ts';

const node = (name: string, vips: string[] = [], extra: Partial<NodeInfo> = {}): NodeInfo => ({
  node: name,
  address: `10.88.7.${name === 'lb1' ? 11 : 12}`,
  run: 'running',
  holdsVip: vips.includes('10.88.7.100'),
  vips,
  keepalived: true,
  vrrp: {},
  ...extra,
});
const running = (nodes: NodeInfo[]): ServerMessage => ({ type: 'lab.state', status: 'running', vip: '10.88.7.100', vips: ['10.88.7.100', '10.88.7.101'], subnet: '10.88.7.0/24', nodes });

describe('the VIP panel with two VIPs', () => {
  it('names the holder of each VIP, and which VIPs each node holds', () => {
    const store = new LabStore('master-master');
    store.apply(running([node('lb1', ['10.88.7.100']), node('lb2', ['10.88.7.101'])]));
    expect(labVips(store.state)).toEqual(['10.88.7.100', '10.88.7.101']);
    expect(vipHolderText(store.state, '10.88.7.100')).toBe('lb1 holds .100');
    expect(vipHolderText(store.state, '10.88.7.101')).toBe('lb2 holds .101');
    expect(vipHolderText(store.state)).toBe('lb1 holds .100 · lb2 holds .101');
    expect(vipRows(store.state).map((r) => [r.node, r.vips])).toEqual([
      ['lb1', ['.100']],
      ['lb2', ['.101']],
    ]);
  });

  it('follows events that name their VIP: lb2 takes .100 as well, and gives it back', () => {
    const store = new LabStore('master-master');
    store.apply(running([node('lb1', ['10.88.7.100']), node('lb2', ['10.88.7.101'])]));
    store.apply({ type: 'timeline', events: [{ type: 'vip', t: 10, node: 'lb1', held: false, iface: 'eth0', address: '10.88.7.100' }] });
    store.apply({ type: 'timeline', events: [{ type: 'vip', t: 11, node: 'lb2', held: true, iface: 'eth0', address: '10.88.7.100' }] });
    expect(vipHolderText(store.state)).toBe('lb2 holds .100 · lb2 holds .101');
    expect(vipRows(store.state).find((r) => r.node === 'lb2')).toMatchObject({ holdsVip: true, vips: ['.100', '.101'] });
    // An older event replayed after a newer one for the same VIP changes nothing; another VIP's does.
    store.apply({ type: 'timeline', events: [{ type: 'vip', t: 5, node: 'lb2', held: false, iface: 'eth0', address: '10.88.7.100' }] });
    expect(vipHolderText(store.state, '10.88.7.100')).toBe('lb2 holds .100');
    store.apply({ type: 'timeline', events: [{ type: 'vip', t: 20, node: 'lb1', held: true, iface: 'eth0', address: '10.88.7.100' }, { type: 'vip', t: 21, node: 'lb2', held: false, iface: 'eth0', address: '10.88.7.100' }] });
    expect(vipHolderText(store.state)).toBe('lb1 holds .100 · lb2 holds .101');
  });

  it("shows each virtual router's priority, kept live from the adverts", () => {
    const store = new LabStore('master-master');
    store.apply(running([node('lb1', ['10.88.7.100'], { priorities: { 51: 100 } }), node('lb2', ['10.88.7.101'])]));
    store.apply({ type: 'timeline', events: [{ type: 'advert', t: 10, node: 'lb1', src: '10.88.7.11', dst: '224.0.0.18', vrid: 52, priority: 90, intervalS: 1, version: 2 }] });
    expect(vipRows(store.state)[0]).toMatchObject({ priority: 90, priorities: '51: 100 · 52: 90' });
    expect(vipRows(store.state)[1]).toMatchObject({ priority: null, priorities: '' });
  });

  it('calls two holders of one VIP a split brain, for that VIP', () => {
    const store = new LabStore('master-master');
    store.apply(running([node('lb1', ['10.88.7.100', '10.88.7.101']), node('lb2', ['10.88.7.101'])]));
    expect(vipHolderText(store.state, '10.88.7.101')).toBe('split brain: lb1 and lb2 both hold .101');
  });

  it('reads a runner from before several VIPs (no vips anywhere) as one VIP, as before', () => {
    const store = new LabStore('basic-vip');
    store.apply({ type: 'lab.state', status: 'running', vip: '10.88.1.100', subnet: '10.88.1.0/24', nodes: [{ ...node('lb1'), vips: undefined, holdsVip: true }] });
    expect(labVips(store.state)).toEqual(['10.88.1.100']);
    expect(vipHolderText(store.state)).toBe('lb1 holds the VIP');
    expect(vipRows(store.state)[0]).toMatchObject({ holdsVip: true, vips: ['.100'] });
  });

  it("makes a timeline line of a change in each virtual router's priority, not of master-master's two streams alternating", () => {
    const advert = (t: number, vrid: number, priority: number) => ({ type: 'advert' as const, t, node: 'lb1' as const, src: '10.88.7.11', dst: '224.0.0.18', vrid, priority, intervalS: 1, version: 2 });
    const lines = new TimelineBuilder().add([advert(1, 51, 100), advert(2, 52, 90), advert(3, 51, 100), advert(4, 52, 90), advert(5, 51, 70)]).map((l) => l.text);
    expect(lines).toEqual(['lb1 advertises priority 100', 'lb1 advertises priority 90', 'lb1 advertises priority 70 (was 100)']);
    const keep = isTimelineEvent(new Map());
    expect([advert(1, 51, 100), advert(2, 52, 90), advert(3, 51, 100), advert(4, 52, 90), advert(5, 51, 70)].map(keep)).toEqual([true, true, false, false, true]);
  });

  it("words a VIP event with its address when the runner gives it", () => {
    expect(describeEvent({ type: 'vip', t: 1, node: 'lb2', held: true, iface: 'eth0', address: '10.88.7.101' })).toBe('lb2 took the VIP 10.88.7.101 (eth0)');
    expect(describeEvent({ type: 'vip', t: 1, node: 'lb2', held: false, iface: 'eth0', address: '10.88.7.101' })).toBe('lb2 released the VIP 10.88.7.101');
  });
});

describe('runner-performed steps', () => {
  it("keep the runner's label for their button", () => {
    const store = new LabStore('split-brain');
    store.apply({
      type: 'welcome',
      lab: 'split-brain',
      title: 'split-brain',
      steps: [
        { id: 'cut-heartbeat', title: 'Cut the heartbeat', action: 'drop-vrrp', node: 'lb2', button: '✂ Cut the heartbeat to lb2' },
        { id: 'heal', title: 'Heal', action: 'heal-vrrp', node: 'lb2', button: '✚ Heal the heartbeat to lb2' },
      ],
      editable: ['lb1', 'lb2'],
    });
    expect(store.state.steps).toEqual([
      { id: 'cut-heartbeat', title: 'Cut the heartbeat', action: 'drop-vrrp', button: '✂ Cut the heartbeat to lb2', node: 'lb2', commands: [] },
      { id: 'heal', title: 'Heal', action: 'heal-vrrp', button: '✚ Heal the heartbeat to lb2', node: 'lb2', commands: [] },
    ]);
  });

  it('end their "working…" when the runner says the fault is in place, before any Check', () => {
    const store = new LabStore('split-brain');
    store.actionRequested('cut-heartbeat');
    store.apply({ type: 'step.acted', step: 'heal' });
    expect(store.state.actionPending).toBe('cut-heartbeat'); // another step's action: still working
    store.apply({ type: 'step.acted', step: 'cut-heartbeat' });
    expect(store.state.actionPending).toBe('');
  });
});
