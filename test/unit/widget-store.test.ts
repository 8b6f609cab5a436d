import { describe, expect, it } from 'vitest';
import { LabStore, passedCount, sortNodes, vipHolderText, vipRows } from '../../docs/.vitepress/theme/lab/store.ts';
import type { NodeInfo, ServerMessage, StepVerdict } from '../../runner/shared/protocol.ts';
import type { LabEvent } from '../../runner/shared/events.ts';

const node = (name: string, extra: Partial<NodeInfo> = {}): NodeInfo => ({
  node: name,
  address: `10.88.1.${name === 'lb1' ? 11 : name === 'lb2' ? 12 : 30}`,
  run: 'running',
  holdsVip: false,
  keepalived: false,
  vrrp: {},
  ...extra,
});

const welcome: ServerMessage = {
  type: 'welcome',
  lab: 'basic-vip',
  title: 'Basic VIP failover',
  steps: [
    { id: 'start', title: 'Start keepalived', commands: [{ node: 'lb1', command: 'systemctl start keepalived' }] } as never,
    { id: 'failover', title: 'Stop keepalived on lb1' },
    { id: 'crash', title: 'Freeze lb1', action: 'freeze', node: 'lb1' },
  ],
  editable: ['lb1', 'lb2'],
};

const running = (nodes: NodeInfo[]): ServerMessage => ({ type: 'lab.state', status: 'running', vip: '10.88.1.100', subnet: '10.88.1.0/24', nodes });
const verdict = (step: string, passed: boolean, checkedAt: number, message = passed ? 'ok' : 'no'): StepVerdict => ({ step, passed, message, checkedAt, ms: 10 });
const timeline = (...events: LabEvent[]): ServerMessage => ({ type: 'timeline', events });

describe('LabStore', () => {
  it('takes steps (with their commands and actions) and editable nodes from the welcome', () => {
    const store = new LabStore('basic-vip');
    store.apply(welcome);
    expect(store.state.title).toBe('Basic VIP failover');
    expect(store.state.steps).toEqual([
      { id: 'start', title: 'Start keepalived', commands: [{ node: 'lb1', command: 'systemctl start keepalived' }] },
      { id: 'failover', title: 'Stop keepalived on lb1', commands: [] },
      { id: 'crash', title: 'Freeze lb1', action: 'freeze', node: 'lb1', commands: [] },
    ]);
    expect(store.state.editable).toEqual(['lb1', 'lb2']);
  });

  it('follows the VIP from live events between snapshots: 100 → 70 → 80 and lb1 → lb2', () => {
    const store = new LabStore('basic-vip');
    store.apply(welcome);
    store.apply(running([node('lb1'), node('lb2'), node('client')]));
    store.apply(timeline()); // history: empty
    store.apply(timeline({ type: 'keepalived', t: 1000, node: 'lb1', running: true }));
    store.apply(timeline({ type: 'vrrp', t: 4600, node: 'lb1', instance: 'VI_1', state: 'MASTER' }));
    store.apply(timeline({ type: 'vip', t: 4601, node: 'lb1', held: true, iface: 'eth0' }));
    store.apply(timeline({ type: 'advert', t: 4602, node: 'lb1', src: '10.88.1.11', dst: '224.0.0.18', vrid: 51, priority: 100, intervalS: 1, version: 2 }));
    expect(vipHolderText(store.state)).toBe('lb1 holds the VIP');
    let rows = vipRows(store.state);
    expect(rows.map((r) => r.node)).toEqual(['lb1', 'lb2']); // the client is not a VRRP node
    expect(rows[0]).toMatchObject({ holdsVip: true, keepalived: true, vrrp: 'MASTER', priority: 100, run: 'running' });
    expect(rows[1]).toMatchObject({ holdsVip: false, keepalived: false, vrrp: '—', priority: null });

    store.apply(timeline({ type: 'advert', t: 5602, node: 'lb1', src: '10.88.1.11', dst: '224.0.0.18', vrid: 51, priority: 70, intervalS: 1, version: 2 }));
    store.apply(timeline({ type: 'advert', t: 6602, node: 'lb1', src: '10.88.1.11', dst: '224.0.0.18', vrid: 51, priority: 70, intervalS: 1, version: 2 }));
    store.apply(timeline({ type: 'advert', t: 7602, node: 'lb1', src: '10.88.1.11', dst: '224.0.0.18', vrid: 51, priority: 80, intervalS: 1, version: 2 }));
    expect(vipRows(store.state)[0]!.priority).toBe(80);

    store.apply(timeline({ type: 'keepalived', t: 9000, node: 'lb1', running: false }));
    store.apply(timeline({ type: 'vip', t: 9001, node: 'lb1', held: false, iface: 'eth0' }));
    store.apply(timeline({ type: 'vip', t: 9700, node: 'lb2', held: true, iface: 'eth0' }));
    expect(vipHolderText(store.state)).toBe('lb2 holds the VIP');
    rows = vipRows(store.state);
    expect(rows[0]).toMatchObject({ holdsVip: false, keepalived: false, vrrp: 'STOPPED' });
    expect(store.state.vipChangedAt).toBe(9700);

    // The timeline shows moves and priority changes, not every advert.
    expect(store.state.timeline.map((e) => e.text)).toEqual([
      'keepalived started on lb1',
      'lb1 VI_1 → MASTER',
      'lb1 took the VIP (eth0)',
      'lb1 advertises priority 100',
      'lb1 advertises priority 70 (was 100)',
      'lb1 advertises priority 80 (was 70)',
      'keepalived stopped on lb1',
      'lb1 released the VIP',
      'lb2 took the VIP (eth0)',
    ]);
  });

  it('on reconnect, the replayed history neither duplicates the timeline nor undoes newer state', () => {
    const store = new LabStore('basic-vip');
    const history: LabEvent[] = [
      { type: 'vip', t: 10, node: 'lb1', held: true, iface: 'eth0' },
      { type: 'vip', t: 20, node: 'lb1', held: false, iface: 'eth0' },
      { type: 'vip', t: 21, node: 'lb2', held: true, iface: 'eth0' },
    ];
    store.apply(running([node('lb1'), node('lb2', { holdsVip: true })]));
    store.apply(timeline(...history));
    expect(store.state.timeline).toHaveLength(3);
    store.apply({ type: 'vip', snapshot: { t: 30, holders: ['lb2'], runningHolders: ['lb2'] }, nodes: [node('lb1'), node('lb2', { holdsVip: true })] });
    // Reconnect: the runner sends the state and the whole history again, out of order.
    store.apply(running([node('lb1'), node('lb2', { holdsVip: true })]));
    store.apply(timeline(history[2]!, history[0]!, history[1]!));
    expect(store.state.timeline).toHaveLength(3);
    expect(vipHolderText(store.state)).toBe('lb2 holds the VIP');
    // An old event arriving late does not take the VIP back from the newer state.
    store.apply(timeline({ type: 'vip', t: 15, node: 'lb2', held: false, iface: 'eth0' }));
    expect(vipHolderText(store.state)).toBe('lb2 holds the VIP');
  });

  it('a new lab copy (status starting) starts an empty timeline', () => {
    const store = new LabStore('basic-vip');
    store.apply(running([node('lb1')]));
    store.apply(timeline({ type: 'vip', t: 10, node: 'lb1', held: true, iface: 'eth0' }));
    store.apply({ type: 'lab.state', status: 'starting', nodes: [] });
    expect(store.state.timeline).toEqual([]);
    store.apply(running([node('lb1')]));
    store.apply(timeline({ type: 'vip', t: 10, node: 'lb1', held: true, iface: 'eth0' }));
    expect(store.state.timeline).toHaveLength(1);
    expect(vipHolderText(store.state)).toBe('lb1 holds the VIP');
  });

  it('lists nodes in the contract order whatever order the runner reports them in', () => {
    expect(sortNodes(['client', 'web2', 'lb2', 'zeta', 'lb1', 'mail', 'web1'])).toEqual(['lb1', 'lb2', 'web1', 'web2', 'mail', 'client', 'zeta']);
    const store = new LabStore('basic-vip');
    store.apply(running([node('lb2'), node('client'), node('lb1')]));
    expect(vipRows(store.state).map((r) => r.node)).toEqual(['lb1', 'lb2']);
  });

  it('says split brain, frozen holders and nobody in words', () => {
    const store = new LabStore('basic-vip');
    store.apply(running([node('lb1'), node('lb2')]));
    expect(vipHolderText(store.state)).toBe('no node holds the VIP');
    store.apply(running([node('lb1', { holdsVip: true }), node('lb2', { holdsVip: true })]));
    expect(vipHolderText(store.state)).toBe('split brain: lb1 and lb2 both hold the VIP');
    store.apply(running([node('lb1', { holdsVip: true, run: 'frozen' }), node('lb2', { holdsVip: true })]));
    expect(vipHolderText(store.state)).toBe('lb1 (frozen) and lb2 hold the VIP');
    // Reported in another order, said in the same words.
    store.apply(running([node('lb2', { holdsVip: true }), node('lb1', { holdsVip: true, run: 'frozen' })]));
    expect(vipHolderText(store.state)).toBe('lb1 (frozen) and lb2 hold the VIP');
    store.apply(running([node('lb2', { holdsVip: true }), node('lb1', { holdsVip: true })]));
    expect(vipHolderText(store.state)).toBe('split brain: lb1 and lb2 both hold the VIP');
    store.apply(running([node('lb1', { holdsVip: true, run: 'frozen' }), node('lb2', { holdsVip: true })]));
    store.apply(timeline({ type: 'vip', t: 5, node: 'lb2', held: false, iface: 'eth0' }));
    expect(vipHolderText(store.state)).toBe('lb1 holds the VIP (frozen)');
  });

  it('tracks a check from request to verdict and persists verdicts', () => {
    const saved: unknown[] = [];
    const store = new LabStore('basic-vip', {}, { onVerdicts: (v) => saved.push(v) });
    store.apply(welcome);
    store.setConnection('open');
    store.checkRequested('start');
    expect(store.state.checks).toEqual({ start: 'requested' });
    store.apply({ type: 'step.running', step: 'start' });
    expect(store.state.checks).toEqual({ start: 'running' });
    store.apply({ type: 'step.result', verdict: verdict('start', true, 100) });
    expect(store.state.checks).toEqual({});
    expect(store.state.verdicts.start?.passed).toBe(true);
    expect(passedCount(store.state)).toBe(1);
    expect(saved).toHaveLength(1);
    // A later failure replaces the pass; the message is the diagnosis to show.
    store.apply({ type: 'step.result', verdict: verdict('start', false, 200, 'split brain: lb1 and lb2 both hold the VIP') });
    expect(store.state.verdicts.start).toMatchObject({ passed: false, message: 'split brain: lb1 and lb2 both hold the VIP' });
    expect(passedCount(store.state)).toBe(0);
  });

  it('merges the runner progress with what the browser remembered, the newest verdict per step winning', () => {
    const store = new LabStore('basic-vip', { start: verdict('start', true, 100), failover: verdict('failover', true, 300) });
    store.apply(welcome);
    store.apply({ type: 'progress', verdicts: [verdict('start', false, 50), verdict('failover', false, 400)] });
    expect(store.state.verdicts.start?.passed).toBe(true);
    expect(store.state.verdicts.failover?.passed).toBe(false);
  });

  it('an error clears checks the runner never started; a lost connection clears all', () => {
    const store = new LabStore('basic-vip', {}, { now: () => 42 });
    store.setConnection('open');
    store.checkRequested('start');
    store.checkRequested('failover');
    store.apply({ type: 'step.running', step: 'failover' });
    store.apply({ type: 'error', message: 'The lab is not running: press Start.' });
    expect(store.state.lastError).toEqual({ message: 'The lab is not running: press Start.', at: 42 });
    expect(store.state.checks).toEqual({ failover: 'running' });
    store.actionRequested('crash');
    store.setConnection('reconnecting');
    expect(store.state.checks).toEqual({});
    expect(store.state.actionPending).toBe('');
  });
});
