/**
 * "Adverts unicast only": for a watch window that starts when the verdict is due (the end of the
 * settle window), every VRRP advert an lb node sends goes from its own address straight to another
 * lb node's address; none to the multicast group 224.0.0.18. The observer already records each
 * advert an lb node sends (outbound capture); this check collects them for the window and judges
 * the list. The judgement itself is a pure function over advert events, pinned by unit tests.
 */
import { z } from 'zod';
import type { LabEvent } from '../../shared/events.ts';
import { verdict, type CheckResult } from '../../grade/check.ts';
import { defineDiagnoses, listNodes, type Diagnosis } from '../../grade/diagnosis.ts';
import { instanceFor } from '../../grade/diagnose.ts';
import type { LbFacts } from '../../grade/facts.ts';
import { collect } from '../../grade/wait/collect.ts';
import { waitFor, type EventSource } from '../../grade/wait/wait-for.ts';
import { roleOf, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';

/** The contract's floor: watch the heartbeat for at least 3 s. */
export const MIN_WATCH_MS = 3000;
/** A window sees at least this many advert intervals, so a slow advert_int still shows a few adverts. */
const MIN_INTERVALS_WATCHED = 2.5;

export type AdvertSeen = Pick<Extract<LabEvent, { type: 'advert' }>, 'node' | 'src' | 'dst'>;

export interface AdvertJudgement {
  adverts: readonly AdvertSeen[];
  /** The lb nodes' own addresses (lb1 → 10.88.4.11). */
  lbAddresses: Partial<Record<NodeName, string>>;
  windowMs: number;
  /** Per lb node, the unicast_peer addresses its keepalived.conf lists (empty: none), when known. */
  configuredPeers?: Partial<Record<NodeName, readonly string[]>>;
  /** The lb nodes whose keepalived was running, to explain a silent window. */
  keepalivedRunning?: readonly NodeName[];
  /** Names any lab address (for "10.88.4.21 (web1)"). */
  nodeAt?: (ip: string) => NodeName | undefined;
}

export function isMulticast(ip: string): boolean {
  const first = Number(ip.split('.')[0]);
  return (ip.includes('.') && first >= 224 && first <= 239) || /^ff/i.test(ip);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const adverts = (n: number) => `${n} advert${n === 1 ? '' : 's'}`;

/** What to change, for the multicast adverts: set unicast where it is missing, restart where the running keepalived is behind its config. */
function unicastHint(p: { lbNodes: NodeName[]; configureOn: NodeName[]; restartOn: NodeName[] }): string {
  const hints: string[] = [];
  if (p.configureOn.length > 0) {
    const every = p.configureOn.length === p.lbNodes.length;
    const where = every ? (p.lbNodes.length === 2 ? 'both nodes' : 'every lb node') : `${listNodes(p.configureOn)} as well`;
    hints.push(`set unicast_src_ip and unicast_peer on ${where}`);
  }
  if (p.restartOn.length > 0) {
    hints.push(`${listNodes(p.restartOn)}'s keepalived.conf has unicast_peer but the running keepalived still uses multicast: restart keepalived there`);
  }
  return hints.length ? `: ${hints.join('; ')}` : '';
}

const DIAGNOSES = defineDiagnoses({
  'adverts-unicast': (p: { count: number; windowMs: number; routes: { node: NodeName; src: string; peer: NodeName; dst: string }[] }) =>
    `All ${adverts(p.count)} in ${seconds(p.windowMs)} went unicast (${p.routes.map((r) => `${r.node} ${r.src} → ${r.peer} ${r.dst}`).join('; ')}); none to 224.0.0.18.`,
  'adverts-none-keepalived-stopped': (p: { windowMs: number; lbNodes: NodeName[] }) =>
    `No VRRP adverts seen in ${seconds(p.windowMs)}: keepalived is not running on ${p.lbNodes.length === 2 ? 'either lb node' : listNodes(p.lbNodes)}.`,
  'adverts-none-silent': (p: { windowMs: number; running: NodeName[] }) =>
    `No VRRP adverts seen in ${seconds(p.windowMs)}: keepalived runs on ${listNodes(p.running)} but sends nothing: a node in FAULT state, or a master that never formed, is silent; read journalctl -u keepalived.`,
  /** Each cause is one kind of wrong advert; for multicast ones, the params say what to change and where. */
  'adverts-not-unicast': (p: { lbNodes: NodeName[]; configureOn: NodeName[]; restartOn: NodeName[] }, causes) => `${causes.join('; ')}${unicastHint(p)}.`,
  'advert-multicast': (p: { node: NodeName; count: number; dst: string }) => `${p.node} sent ${adverts(p.count)} to ${p.dst} (multicast)`,
  'advert-to-non-peer': (p: { node: NodeName; count: number; dst: string; dstNode: NodeName | null; peers: { node: NodeName; address: string }[] }) => {
    const what = p.dstNode === p.node ? 'its own address' : p.dstNode ? `${p.dstNode}, not an lb node` : 'no lb node';
    const peers = listNodes(p.peers.map((peer) => `${peer.node}'s ${peer.address}`)) || 'the other lb node';
    return `${p.node} sent ${adverts(p.count)} to ${p.dst} (${what}): its unicast_peer must list ${peers}`;
  },
  'advert-wrong-source': (p: { node: NodeName; count: number; src: string; own: string }) =>
    `${p.node} sent ${adverts(p.count)} from ${p.src}, not from its own address ${p.own}: set unicast_src_ip ${p.own}`,
});
const say = DIAGNOSES.say;

/** The verdict over the adverts seen in the window. */
export function judgeAdverts(input: AdvertJudgement): CheckResult {
  const { lbAddresses, windowMs } = input;
  const lbNodes = (Object.keys(lbAddresses) as NodeName[]).sort();
  const nodeOfLb = (ip: string) => lbNodes.find((n) => lbAddresses[n] === ip);

  if (input.adverts.length === 0) {
    const running = [...(input.keepalivedRunning ?? [])];
    return verdict(false, running.length === 0 ? say('adverts-none-keepalived-stopped', { windowMs, lbNodes }) : say('adverts-none-silent', { windowMs, running }));
  }

  // Count by sender, source and destination: one cause per kind of advert, not per packet.
  const groups = new Map<string, { node: NodeName; src: string; dst: string; count: number }>();
  for (const a of input.adverts) {
    const key = `${a.node} ${a.src} ${a.dst}`;
    const g = groups.get(key) ?? { node: a.node, src: a.src, dst: a.dst, count: 0 };
    g.count++;
    groups.set(key, g);
  }

  const problems: Diagnosis[] = [];
  const multicastNodes = new Set<NodeName>();
  for (const { node, src, dst, count } of groups.values()) {
    const own = lbAddresses[node];
    const peer = nodeOfLb(dst);
    if (isMulticast(dst)) {
      multicastNodes.add(node);
      problems.push(say('advert-multicast', { node, count, dst }));
      continue;
    }
    if (!peer || peer === node) {
      const peers = lbNodes.filter((n) => n !== node).map((n) => ({ node: n, address: lbAddresses[n]! }));
      problems.push(say('advert-to-non-peer', { node, count, dst, dstNode: peer ?? input.nodeAt?.(dst) ?? null, peers }));
    }
    if (own && src !== own) problems.push(say('advert-wrong-source', { node, count, src, own }));
  }

  if (problems.length === 0) {
    const routes = [...groups.values()].map((g) => ({ node: g.node, src: g.src, peer: nodeOfLb(g.dst)!, dst: g.dst }));
    return verdict(true, say('adverts-unicast', { count: input.adverts.length, windowMs, routes }));
  }

  const peers = input.configuredPeers ?? {};
  const hasPeers = (n: NodeName) => (peers[n]?.length ?? 0) > 0;
  const restartOn = [...multicastNodes].filter(hasPeers).sort();
  const missing = lbNodes.filter((n) => !hasPeers(n));
  // Multicast adverts and no node to blame: the advice stands for both.
  const configureOn = multicastNodes.size === 0 ? [] : missing.length > 0 || restartOn.length > 0 ? missing : lbNodes;
  return verdict(false, say('adverts-not-unicast', { lbNodes, configureOn, restartOn }, problems));
}

/** How long to watch: the expectation's watchMs, at least 3 s and a few advert intervals. */
export function watchWindowMs(watchMs: number, facts: readonly LbFacts[]): number {
  const intervals = facts.flatMap((f) => (f.keepalivedRunning && f.config ? f.config.instances.map((i) => i.advertIntS) : []));
  const longest = intervals.length ? Math.max(...intervals) : 1;
  return Math.max(watchMs, MIN_WATCH_MS, Math.ceil(longest * 1000 * MIN_INTERVALS_WATCHED));
}

/** The adverts stamped from `from` to `to`, collected from the events (no polling); at once what it has when aborted. */
export async function collectAdverts(events: EventSource, window: { from: number; to: number; signal?: AbortSignal }): Promise<AdvertSeen[]> {
  const inWindow = (e: LabEvent) => (e.type === 'advert' && e.t >= window.from && e.t <= window.to ? { node: e.node, src: e.src, dst: e.dst } : undefined);
  const result = await waitFor(collect(events, inWindow), { deadline: window.to, ...(window.signal ? { signal: window.signal } : {}) });
  return result.value ?? [];
}

export const unicastOnly = defineExpectation({
  kind: 'unicast-only',
  description:
    'For at least `watchMs` (default 3 s) once the settle window ends, there are VRRP adverts and every one goes from an lb node\'s own address to another lb node\'s, none to 224.0.0.18.',
  params: z.object({ watchMs: z.number().int().positive().default(3000) }).strict(),
  nodes: () => [],
  diagnoses: [DIAGNOSES],
  check: ({ watchMs }) => ({
    label: `VRRP adverts only unicast between the lb nodes (watched for at least ${seconds(Math.max(watchMs, MIN_WATCH_MS))})`,
    async judge({ lab, observer, timing, facts, signal }) {
      const windowMs = watchWindowMs(watchMs, facts);
      // The verdict is due once VRRP has settled after the action; the window starts there.
      const from = Math.max(Date.now(), timing.settleEndsAt);
      const seen = await collectAdverts(observer, { from, to: from + windowMs, ...(signal ? { signal } : {}) });
      const lbNodes = lab.nodes.filter((n) => roleOf(n) === 'lb');
      const lbAddresses = Object.fromEntries(lbNodes.map((n) => [n, lab.addresses.node[n]])) as Partial<Record<NodeName, string>>;
      const configuredPeers = Object.fromEntries(
        facts.filter((f) => f.config).map((f) => [f.node, instanceFor(f.config, lab.addresses.vip)?.unicastPeers ?? []]),
      ) as Partial<Record<NodeName, string[]>>;
      const running = lbNodes.filter((n) => observer.view(n).keepalived && observer.view(n).run === 'running');
      return judgeAdverts({
        adverts: seen,
        lbAddresses,
        windowMs,
        configuredPeers,
        keepalivedRunning: running,
        nodeAt: (ip) => observer.nodeAtAddress(ip),
      });
    },
  }),
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    'unicast-only': typeof unicastOnly;
  }
}
