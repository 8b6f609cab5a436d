/**
 * Fakes for the grader's unit tests: an observer the test drives (who holds the VIP, adverts,
 * frozen nodes, lost observations), a lab that answers HTTP probes and commands, and the lb facts
 * the checks read. Tests that use fakeFacts mock runner/grade/facts.ts (vi.mock), so they pin the
 * checks, not how facts are collected.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { vi } from 'vitest';
import type { HttpProbeResult, LabInstance } from '../../runner/engine/lab-instance.ts';
import type { StepTiming } from '../../runner/grade/check.ts';
import { collectLbFacts, configTestError, type LbFacts } from '../../runner/grade/facts.ts';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';
import type { NodeName } from '../../runner/lab/definition.ts';
import type { LabObserver, ObservationGap } from '../../runner/observe/lab-observer.ts';
import type { LabEvent } from '../../runner/shared/events.ts';

export const T0 = 1_700_000_000_000;

/** `nft list ruleset` on a lab node whose keepalived 2.2.7 runs vrrp_strict without accept, holding 10.88.4.100. */
export const STRICT_RULESET = `table ip nat {
\tchain OUTPUT {
\t\ttype nat hook output priority -100; policy accept;
\t}
}
table ip keepalived {
\tset vips {
\t\ttype ipv4_addr
\t\telements = { 10.88.4.100 }
\t}

\tchain out {
\t\ttype filter hook output priority filter - 1; policy accept;
\t\tip saddr @vips drop
\t}

\tchain in {
\t\ttype filter hook input priority filter - 1; policy accept;
\t\tip daddr @vips drop
\t}
}
`;

/** A keepalived.conf from the labs' own solutions: `basic-vip/solution/lb1`. */
export const conf = (path: string) => readFileSync(new URL(`../../labs/${path}/etc/keepalived/keepalived.conf`, import.meta.url), 'utf8');

/** The observer as the checks see it, driven by the test; every change is recorded and announced. */
export function fakeObserver(nodes: readonly NodeName[]) {
  const emitter = new EventEmitter();
  const events: LabEvent[] = [];
  let holders: NodeName[] = [];
  /** Holders of VIPs other than the lab's first, by address (master-master's second VIP). */
  const others = new Map<string, NodeName[]>();
  const frozen = new Set<NodeName>();
  const priority = new Map<NodeName, number>();
  const gaps: ObservationGap[] = [];
  const record = (event: LabEvent) => {
    events.push(event);
    emitter.emit('e', event);
  };
  const observer = {
    vip: (address?: string) => {
      const held = (address !== undefined && others.get(address)) || holders;
      return { t: Date.now(), ...(address ? { address } : {}), holders: [...held], runningHolders: held.filter((n) => !frozen.has(n)) };
    },
    onEvent(listener: (event: LabEvent) => void) {
      emitter.on('e', listener);
      return () => emitter.off('e', listener);
    },
    view: (node: NodeName) => ({
      node,
      run: frozen.has(node) ? 'frozen' : 'running',
      holdsVip: holders.includes(node),
      keepalived: true,
      vrrp: {},
      ...(priority.has(node) ? { lastAdvert: { t: Date.now(), priority: priority.get(node)!, dst: '224.0.0.18', vrid: 51 } } : {}),
    }),
    timeline: (since = 0) => events.filter((e) => e.t >= since),
    lastAdvert: (node: NodeName, vrid?: number) =>
      [...events].reverse().find((e): e is Extract<LabEvent, { type: 'advert' }> => e.type === 'advert' && e.node === node && (vrid === undefined || e.vrid === vrid)),
    lostDuring: vi.fn((from: number, to: number) => gaps.filter((g) => g.from <= to && (g.to ?? Infinity) >= from)),
    lastActivityAt: () => T0,
    noteActivity: vi.fn(),
    nodeAtAddress: () => undefined,
  };
  return {
    observer: observer as unknown as LabObserver,
    lostDuring: observer.lostDuring,
    /** Set who holds the VIP, recording one vip event per node that gained or lost it. */
    hold(...next: NodeName[]) {
      const before = holders;
      holders = [...next];
      for (const n of nodes) {
        if (before.includes(n) !== next.includes(n)) record({ type: 'vip', t: Date.now(), node: n, held: next.includes(n), iface: 'eth0' });
      }
    },
    /** Set who holds a VIP other than the first (by address), recording its vip events. */
    holdVip(address: string, ...next: NodeName[]) {
      const before = others.get(address) ?? [];
      others.set(address, [...next]);
      for (const n of nodes) {
        if (before.includes(n) !== next.includes(n)) record({ type: 'vip', t: Date.now(), node: n, held: next.includes(n), iface: 'eth0', address });
      }
    },
    freeze(node: NodeName) {
      frozen.add(node);
      record({ type: 'node', t: Date.now(), node, state: 'frozen' });
    },
    advertise(node: NodeName, p: number, vrid = 51) {
      priority.set(node, p);
      record({ type: 'advert', t: Date.now(), node, src: '', dst: '224.0.0.18', vrid, priority: p, intervalS: 1, version: 2 });
    },
    record,
    /** The observer could not see `watcher` on `node` over this stretch. */
    lose(gap: ObservationGap) {
      gaps.push(gap);
    },
    listeners: () => emitter.listenerCount('e'),
  };
}

export interface NodeState {
  keepalived?: boolean;
  nginx?: boolean;
  config?: string;
  /** The first error keepalived --config-test reports, if any. */
  configTestError?: string;
  /** What `nft list ruleset` prints when run beside the node. */
  nftRuleset?: string;
}

/**
 * A lab whose lb nodes are as `state` says: collectLbFacts and configTestError (mocked by the
 * test file) answer from it, HTTP probes answer from `answers` (the last one repeats), and
 * commands run beside a node answer from the node's state.
 */
export function fakeLab(prefix: string, state: Partial<Record<NodeName, NodeState>>, answers: HttpProbeResult[] = []) {
  const probes: { url: string; at: number }[] = [];
  const beside: { node: NodeName; command: string }[] = [];
  const lab = {
    addresses: {
      subnet: `${prefix}.0/24`,
      vip: `${prefix}.100`,
      vips: [`${prefix}.100`, `${prefix}.101`],
      node: { lb1: `${prefix}.11`, lb2: `${prefix}.12`, web1: `${prefix}.21`, web2: `${prefix}.22`, mail: `${prefix}.25`, client: `${prefix}.30` },
    },
    nodes: ['lb1', 'lb2', 'web1', 'web2', 'client'] as NodeName[],
    /** No eyes: the step runner measures no client probe here. */
    watchedNodes: [] as NodeName[],
    async probeHttp(url: string): Promise<HttpProbeResult> {
      probes.push({ url, at: Date.now() });
      return answers[Math.min(probes.length - 1, answers.length - 1)] ?? { ok: false, reason: 'timeout', detail: 'no answer within 2 s' };
    },
    async execBeside(node: NodeName, command: string) {
      beside.push({ node, command });
      return { stdout: command === 'nft list ruleset' ? (state[node]?.nftRuleset ?? '') : '', stderr: '', exitCode: 0 };
    },
    async exec() {
      return { stdout: '', stderr: '', exitCode: 0 };
    },
  };
  vi.mocked(collectLbFacts).mockImplementation(async () => lbFacts(state));
  vi.mocked(configTestError).mockImplementation(async (_lab, node) => state[node]?.configTestError);
  return { lab: lab as unknown as LabInstance, probes, beside };
}

/** The lb facts of a lab in this state: both lb nodes running, keepalived and nginx up unless said otherwise. */
export function lbFacts(state: Partial<Record<NodeName, NodeState>>): LbFacts[] {
  return (['lb1', 'lb2'] as const).map((node) => {
    const s = state[node] ?? {};
    return {
      node,
      run: 'running',
      keepalivedRunning: s.keepalived !== false,
      nginxRunning: s.nginx !== false,
      ...(s.config ? { configText: s.config, config: parseKeepalivedConfig(s.config) } : {}),
    };
  });
}

export function timing(over: Partial<StepTiming> = {}): StepTiming {
  const settleMs = 4_610;
  return { actionAt: T0, settleMs, settleEndsAt: T0 + settleMs, deadline: T0 + settleMs + 5_000, masterDownMs: 3_609.375, ...over };
}

/** Runs a judgement and records when it resolved, so tests can step the fake clock and look. */
export function track<T>(p: Promise<T>) {
  const state: { result?: T; at?: number } = {};
  void p.then((r) => {
    state.result = r;
    state.at = Date.now();
  });
  return state;
}
