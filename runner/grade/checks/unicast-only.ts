/**
 * "Adverts unicast only": for a watch window that starts when the verdict is due (the end of the
 * settle window), every VRRP advert an lb node sends goes from its own address straight to another
 * lb node's address; none to the multicast group 224.0.0.18. The observer already records each
 * advert an lb node sends (outbound capture); this check subscribes for the window and judges the
 * list. The judgement itself is a pure function over advert events, pinned by unit tests.
 */
import { roleOf, type NodeName } from '../../lab/definition.ts';
import type { LabEvent } from '../../shared/events.ts';
import type { Check, CheckContext, CheckResult } from '../check.ts';
import { instanceFor, listNodes } from '../diagnose.ts';
import type { LbFacts } from '../facts.ts';

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

/** The verdict over the adverts seen in the window. */
export function judgeAdverts(input: AdvertJudgement): CheckResult {
  const { lbAddresses, windowMs } = input;
  const lbNodes = (Object.keys(lbAddresses) as NodeName[]).sort();
  const nodeOfLb = (ip: string) => lbNodes.find((n) => lbAddresses[n] === ip);

  if (input.adverts.length === 0) {
    const running = input.keepalivedRunning ?? [];
    const why =
      running.length === 0
        ? `keepalived is not running on ${lbNodes.length === 2 ? 'either lb node' : listNodes(lbNodes)}`
        : `keepalived runs on ${listNodes(running)} but sends nothing: a node in FAULT state, or a master that never formed, is silent; read journalctl -u keepalived`;
    return { passed: false, message: `No VRRP adverts seen in ${seconds(windowMs)}: ${why}.` };
  }

  // Count by sender, source and destination: one line per kind of advert, not per packet.
  const groups = new Map<string, { node: NodeName; src: string; dst: string; count: number }>();
  for (const a of input.adverts) {
    const key = `${a.node} ${a.src} ${a.dst}`;
    const g = groups.get(key) ?? { node: a.node, src: a.src, dst: a.dst, count: 0 };
    g.count++;
    groups.set(key, g);
  }

  const problems: string[] = [];
  const multicastNodes = new Set<NodeName>();
  const unicastNodes = new Set<NodeName>();
  for (const g of groups.values()) {
    const own = lbAddresses[g.node];
    const peer = nodeOfLb(g.dst);
    if (isMulticast(g.dst)) {
      multicastNodes.add(g.node);
      problems.push(`${g.node} sent ${adverts(g.count)} to ${g.dst} (multicast)`);
      continue;
    }
    unicastNodes.add(g.node);
    const others = lbNodes.filter((n) => n !== g.node).map((n) => `${n}'s ${lbAddresses[n]}`);
    if (!peer || peer === g.node) {
      const named = input.nodeAt?.(g.dst);
      const what = peer === g.node ? 'its own address' : named ? `${named}, not an lb node` : 'no lb node';
      problems.push(`${g.node} sent ${adverts(g.count)} to ${g.dst} (${what}): its unicast_peer must list ${listNodes(others) || 'the other lb node'}`);
    }
    if (own && g.src !== own) {
      problems.push(`${g.node} sent ${adverts(g.count)} from ${g.src}, not from its own address ${own}: set unicast_src_ip ${own}`);
    }
  }

  if (problems.length === 0) {
    const total = input.adverts.length;
    const pairs = [...groups.values()].map((g) => `${g.node} ${g.src} → ${nodeOfLb(g.dst)} ${g.dst}`);
    return {
      passed: true,
      message: `All ${adverts(total)} in ${seconds(windowMs)} went unicast (${[...new Set(pairs)].join('; ')}); none to 224.0.0.18.`,
    };
  }

  let hint = '';
  if (multicastNodes.size > 0) {
    const peers = input.configuredPeers ?? {};
    const restart = [...multicastNodes].filter((n) => (peers[n]?.length ?? 0) > 0).sort();
    const missing = lbNodes.filter((n) => (peers[n]?.length ?? 0) === 0);
    const hints: string[] = [];
    if (missing.length > 0) {
      const where = missing.length === lbNodes.length ? (lbNodes.length === 2 ? 'both nodes' : 'every lb node') : `${listNodes(missing)} as well`;
      hints.push(`set unicast_src_ip and unicast_peer on ${where}`);
    }
    if (restart.length > 0) {
      hints.push(`${listNodes(restart)}'s keepalived.conf has unicast_peer but the running keepalived still uses multicast: restart keepalived there`);
    }
    if (hints.length === 0) hints.push('set unicast_src_ip and unicast_peer on both nodes');
    hint = `: ${hints.join('; ')}`;
  }
  return { passed: false, message: `${problems.join('; ')}${hint}.` };
}

/** How long to watch: the expectation's watchMs, at least 3 s and a few advert intervals. */
export function watchWindowMs(watchMs: number, facts: readonly LbFacts[]): number {
  const intervals = facts.flatMap((f) => (f.keepalivedRunning && f.config ? f.config.instances.map((i) => i.advertIntS) : []));
  const longest = intervals.length ? Math.max(...intervals) : 1;
  return Math.max(watchMs, MIN_WATCH_MS, Math.ceil(longest * 1000 * MIN_INTERVALS_WATCHED));
}

/** Anything that hands out the lab's events: the observer, or a fake in unit tests. */
export interface EventSource {
  onEvent(listener: (event: LabEvent) => void): () => void;
}

/**
 * The adverts recorded from `from` to `to`, gathered by subscribing to the observer's events (no
 * polling); resolves at `to`, or at once when aborted.
 */
export function collectAdverts(
  source: EventSource,
  window: { from: number; to: number; signal?: AbortSignal },
): Promise<AdvertSeen[]> {
  return new Promise((resolve) => {
    const seen: AdvertSeen[] = [];
    const unsubscribe = source.onEvent((event) => {
      if (event.type === 'advert' && event.t >= window.from && event.t <= window.to) {
        seen.push({ node: event.node, src: event.src, dst: event.dst });
      }
    });
    const finish = () => {
      unsubscribe();
      clearTimeout(timer);
      window.signal?.removeEventListener('abort', finish);
      resolve(seen);
    };
    const timer = setTimeout(finish, Math.max(0, window.to - Date.now()));
    window.signal?.addEventListener('abort', finish);
    if (window.signal?.aborted) finish();
  });
}

export function unicastOnly(watchMs: number): Check {
  return {
    label: `VRRP adverts only unicast between the lb nodes (watched for at least ${seconds(Math.max(watchMs, MIN_WATCH_MS))})`,
    async judge({ lab, observer, timing, facts, signal }: CheckContext): Promise<CheckResult> {
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
  };
}
