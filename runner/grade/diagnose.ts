/**
 * Turns what was seen into what is probably wrong. The verdict itself comes from behaviour (who
 * holds the VIP, who answers HTTP); these rules only explain a failure, reading the nodes' configs
 * the way a teacher would read them over a learner's shoulder. Each explanation is a diagnosis of
 * the VIP section below, its likely causes nested in it.
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import type { NodeName } from '../lab/definition.ts';
import type { KeepalivedConfig, VrrpInstance } from '../keepalived/config.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import type { NodeRunState, VipSnapshot } from '../shared/events.ts';
import { effectivePriority } from '../keepalived/timing.ts';
import { defineDiagnoses, listNodes, type Diagnosis } from './diagnosis.ts';
import { configTestError, type LbFacts } from './facts.ts';

const joined = (causes: readonly string[]) => causes.join(' ');

/** Who holds the VIP and why not the node meant to: the codes vip-on and vip-stays return. */
export const VIP_DIAGNOSES = defineDiagnoses({
  'vip-split-brain': (p: { holders: NodeName[]; vip: string }, causes) =>
    `Split brain: ${listNodes(p.holders)} ${p.holders.length === 2 ? 'both' : 'all'} hold the VIP ${p.vip}. ${
      causes.length
        ? `Likely cause: ${causes.join('; ')}.`
        : 'Check virtual_router_id, auth_pass and unicast peers on both nodes: they must agree for the nodes to hear each other.'
    }`,
  'cause-vrid-differs': (p: { a: NodeName; aVrid: number | null; b: NodeName; bVrid: number | null }) =>
    `virtual_router_id differs (${p.a}: ${p.aVrid ?? 'none'}, ${p.b}: ${p.bVrid ?? 'none'}): each ignores the other's adverts as another router's, so both become MASTER; use the same id on both`,
  'cause-auth-differs': (p: { a: NodeName; aPass: string; b: NodeName; bPass: string }) =>
    `authentication differs (auth_pass ${JSON.stringify(p.aPass)} on ${p.a}, ${JSON.stringify(p.bPass)} on ${p.b}; only the first 8 characters count): adverts that fail authentication are dropped; use the same auth_type and auth_pass on both`,
  'cause-version-differs': (p: { a: NodeName; aVersion: number; b: NodeName; bVersion: number }) =>
    `the VRRP version differs (${p.a}: VRRPv${p.aVersion}, ${p.b}: VRRPv${p.bVersion}): each drops the other's adverts as the wrong version (keepalived logs "wrong version"); set the same vrrp_version on both`,
  'cause-unicast-peer-misses': (p: { node: NodeName; peers: string[]; peer: NodeName }) =>
    `${p.node}'s unicast_peer (${p.peers.join(', ')}) does not name ${p.peer}, so its adverts never reach it`,
  'cause-unicast-one-sided': (p: { node: NodeName }) =>
    `only ${p.node} uses unicast: the other still sends multicast adverts to 224.0.0.18, which a unicast node does not accept; configure unicast on both or neither`,

  'keepalived-not-running': (p: { node: NodeName; holder: NodeName | null }, causes) =>
    `${p.holder ? `${p.holder} holds the VIP` : 'No node holds the VIP'}: keepalived is not running on ${p.node}. ${joined(causes)}`,
  'cause-config-test-error': (p: { node: NodeName; error: string }) => `keepalived --config-test says: ${p.error}`,
  'cause-config-test-passes': (_: { node: NodeName }) =>
    'Its config passes keepalived --config-test: start it with systemctl start keepalived and read journalctl -u keepalived.',

  'vip-only-on-frozen': (p: { frozen: NodeName[]; vip: string; stopped: NodeName[] }) =>
    `Only the frozen ${listNodes(p.frozen)} still has the VIP ${p.vip} and no running node took it over${p.stopped.length ? `: keepalived is not running on ${listNodes(p.stopped)}` : ''}.`,
  'vip-not-configured': (p: { node: NodeName; vip: string; listed: string[] }) =>
    `No node holds the VIP ${p.vip}: ${p.node}'s virtual_ipaddress lists ${p.listed.join(', ') || 'nothing'}, not ${p.vip}.`,
  'vip-held-by-none': (p: { vip: string; stopped: NodeName[] }, causes) =>
    `No node holds the VIP ${p.vip}${p.stopped.length ? `; keepalived is not running on ${listNodes(p.stopped)}` : ''}.${
      causes.length ? ` ${joined(causes)}` : ' Check journalctl -u keepalived on the lb nodes.'
    }`,
  'cause-strict-refuses-config': (p: { node: NodeName }) =>
    `${p.node} sets vrrp_strict, which refuses configurations it considers non-compliant (e.g. unicast, authentication): check journalctl -u keepalived.`,

  'vip-held-by-other': (p: { holder: NodeName; vip: string; expected: NodeName }, causes) => {
    const base = `${p.holder} holds the VIP ${p.vip}, not ${p.expected}`;
    if (causes.length) return `${base}: ${joined(causes)}`;
    return `${base}. Compare priority, state and nopreempt on both nodes, and read journalctl -u keepalived on ${p.expected}.`;
  },
  'cause-node-down': (p: { node: NodeName; run: Exclude<NodeRunState, 'running'> }) => `${p.node} is ${p.run}.`,
  'cause-priority-higher': (p: { holder: NodeName; holderPriority: number; expected: NodeName; expectedPriority: number }) =>
    `${p.holder}'s priority (${p.holderPriority}) is higher than ${p.expected}'s (${p.expectedPriority}). The node meant to be MASTER needs the higher priority.`,
  'cause-expected-nopreempt': (p: { expected: NodeName }) => `${p.expected} has nopreempt, so it does not take the VIP back from a running MASTER.`,
  'cause-equal-priority': (p: { priority: number }) => `both have priority ${p.priority}, and a BACKUP never preempts a MASTER of equal priority.`,
  'cause-preempt-delay': (p: { expected: NodeName; delayS: number }) =>
    `${p.expected} has preempt_delay ${p.delayS}, so it waits that long before taking the VIP back.`,

  // Why the holder kept the VIP with nginx (`service`, when another: haproxy) stopped: its health
  // check is missing, untracked or too weak.
  'cause-no-health-check': (p: { holder: NodeName; instance: string; service?: string }) =>
    `${p.holder} kept the VIP with ${p.service ?? 'nginx'} stopped: its keepalived.conf has no vrrp_script and no track_script, so nothing tells keepalived that ${p.service ?? 'nginx'} is down. Define a vrrp_script that checks ${p.service ?? 'nginx'} (e.g. killall -0 ${p.service ?? 'nginx'}, with weight -30) and list it in track_script inside vrrp_instance ${p.instance}.`,
  'cause-track-script-missing': (p: { holder: NodeName; scripts: string[]; instance: string; priority: number; warning: string | null; service?: string }) =>
    `${p.holder} kept the VIP with ${p.service ?? 'nginx'} stopped: no track_script ties the vrrp_script ${listNodes(p.scripts)} to vrrp_instance ${p.instance}, so keepalived never runs the check and ${p.holder}'s priority stays ${p.priority}. Add track_script { ${p.scripts[0]} } inside vrrp_instance ${p.instance}.${p.warning ? ` (${p.warning})` : ''}`,
  'cause-weight-too-small': (p: { holder: NodeName; expected: NodeName; priority: number; lowered: number; rival: number; service?: string }) =>
    `${p.holder} kept the VIP with ${p.service ?? 'nginx'} stopped: its health check lowers its priority from ${p.priority} to ${p.lowered} only, not below ${p.expected}'s ${p.rival}, so ${p.expected} does not preempt it. Use a weight larger than the gap (at least ${p.priority - p.rival + 1}), or give both the same priority.`,
  'cause-health-check-not-failing': (p: { holder: NodeName; priority: number; scripts: string[]; service?: string }) =>
    `${p.holder} kept the VIP with ${p.service ?? 'nginx'} stopped: it still advertises priority ${p.priority}, so its health check ${listNodes(p.scripts)} has not failed. Make sure the check's command fails when ${p.service ?? 'nginx'} is stopped (run it by hand: echo $? after it) and read journalctl -u keepalived for VRRP_Script lines.`,

  // Why `taker` took the VIP from `keeper`, which was meant to keep it (a "stays" expectation).
  'cause-nopreempt-with-master': (p: { node: NodeName }) =>
    `${p.node} took the VIP back although nopreempt is set: nopreempt is ignored when the initial state is MASTER (keepalived clears it and logs "nopreempt will not work"); set state BACKUP on both nodes.`,
  'cause-nopreempt-with-owner-priority': (p: { node: NodeName }) =>
    `${p.node} took the VIP back although nopreempt is set: nopreempt is ignored with priority 255 (address owner) (keepalived clears it and logs "nopreempt will not work"); give it a priority below 255.`,
  'cause-preempts-when-healthy': (p: { taker: NodeName; takerPriority: number; keeper: NodeName; keeperPriority: number }) =>
    `${p.taker}'s priority (${p.takerPriority}) is higher than ${p.keeper}'s (${p.keeperPriority}): once its health check passed again, ${p.taker} was back at ${p.takerPriority} and preempted ${p.keeper}, a second move. Give both the same priority: a BACKUP never preempts a MASTER of equal priority.`,
  'cause-no-nopreempt': (p: { taker: NodeName; takerPriority: number; keeper: NodeName; keeperPriority: number }) =>
    `${p.taker} has no nopreempt and a higher priority (${p.takerPriority} > ${p.keeperPriority}), so it preempts ${p.keeper} as soon as it can; add nopreempt (with state BACKUP) or give both the same priority.`,
});
const say = VIP_DIAGNOSES.say;

/** The vrrp_instance that manages the lab's VIP (else the first one), for comparing nodes. */
export function instanceFor(config: KeepalivedConfig | undefined, vip: string): VrrpInstance | undefined {
  if (!config) return undefined;
  return config.instances.find((i) => i.virtualIpAddresses.includes(vip)) ?? config.instances[0];
}

/** Split brain among `holders`, with why two nodes that should form one virtual router do not hear each other. */
export function splitBrain(holders: readonly NodeName[], facts: LbFacts[], vip: string, nodeAddress: (node: NodeName) => string): Diagnosis {
  return say('vip-split-brain', { holders: [...holders].sort(), vip }, splitBrainCauses(facts, vip, nodeAddress));
}

function splitBrainCauses(facts: LbFacts[], vip: string, nodeAddress: (node: NodeName) => string): Diagnosis[] {
  const configured = facts
    .map((f) => ({ node: f.node, inst: instanceFor(f.config, vip) }))
    .filter((x): x is { node: NodeName; inst: VrrpInstance } => Boolean(x.inst));
  if (configured.length < 2) return [];
  const [a, b] = configured as [(typeof configured)[0], (typeof configured)[0]];
  const causes: Diagnosis[] = [];
  if (a.inst.virtualRouterId !== b.inst.virtualRouterId) {
    causes.push(say('cause-vrid-differs', { a: a.node, aVrid: a.inst.virtualRouterId ?? null, b: b.node, bVrid: b.inst.virtualRouterId ?? null }));
  }
  if (a.inst.effectiveVersion !== b.inst.effectiveVersion) {
    causes.push(say('cause-version-differs', { a: a.node, aVersion: a.inst.effectiveVersion, b: b.node, bVersion: b.inst.effectiveVersion }));
  }
  if (a.inst.authPassEffective !== b.inst.authPassEffective || a.inst.authType !== b.inst.authType) {
    causes.push(say('cause-auth-differs', { a: a.node, aPass: a.inst.authPass ?? '', b: b.node, bPass: b.inst.authPass ?? '' }));
  }
  for (const [self, peer] of [[a, b], [b, a]] as const) {
    if (self.inst.unicastPeers.length > 0 && !self.inst.unicastPeers.some((p) => peer.inst.unicastSrcIp === p || p === nodeAddress(peer.node))) {
      causes.push(say('cause-unicast-peer-misses', { node: self.node, peers: [...self.inst.unicastPeers], peer: peer.node }));
    }
  }
  const unicastNodes = configured.filter((c) => c.inst.unicastPeers.length > 0).map((c) => c.node);
  if (unicastNodes.length === 1) causes.push(say('cause-unicast-one-sided', { node: unicastNodes[0]! }));
  return causes;
}

/**
 * Why `taker` took the VIP from `keeper`, which was meant to keep it (a "stays" expectation):
 * nopreempt written but cleared by keepalived, no nopreempt, or a higher priority coming back
 * once a health check passes again. Undefined when the configs explain nothing.
 */
export function takeBackCause(facts: LbFacts[], vip: string, taker: NodeName, keeper: NodeName): Diagnosis | undefined {
  const inst = instanceFor(facts.find((f) => f.node === taker)?.config, vip);
  const own = instanceFor(facts.find((f) => f.node === keeper)?.config, vip);
  if (!inst) return undefined;
  if (inst.nopreemptWritten && !inst.nopreempt) {
    return say(inst.state === 'MASTER' ? 'cause-nopreempt-with-master' : 'cause-nopreempt-with-owner-priority', { node: taker });
  }
  if (!own || inst.nopreempt || inst.priority <= own.priority) return undefined;
  const priorities = { taker, takerPriority: inst.priority, keeper, keeperPriority: own.priority };
  return say(inst.trackScripts.length > 0 ? 'cause-preempts-when-healthy' : 'cause-no-nopreempt', priorities);
}

/**
 * The proxy a node's health checks watch: haproxy when a vrrp_script names it (the haproxy lab,
 * seed 002: killall -0 haproxy), else nginx, the labs' own.
 */
function watchedService(config: KeepalivedConfig): 'nginx' | 'haproxy' {
  return Object.values(config.scripts).some((s) => /haproxy/.test(s.script ?? '')) ? 'haproxy' : 'nginx';
}

const serviceRunning = (f: LbFacts, service: 'nginx' | 'haproxy') => (service === 'haproxy' ? f.haproxyRunning : f.nginxRunning);

/**
 * Why `holder` kept the VIP although its proxy (nginx, or the haproxy its checks watch) is
 * stopped there and `expected` should have taken it: the health check that should lower its
 * priority is missing, not tracked, or too weak. `advertisedPriority` is what the holder's adverts
 * say now, when known. Undefined when the proxy runs on the holder or the configs explain nothing.
 */
export function healthCheckCause(facts: LbFacts[], vip: string, holder: NodeName, expected: NodeName, advertisedPriority?: number): Diagnosis | undefined {
  const h = facts.find((f) => f.node === holder);
  if (!h?.config) return undefined;
  const service = watchedService(h.config);
  if (serviceRunning(h, service) !== false) return undefined;
  // nginx, the labs' own proxy, goes unnamed in the params (as before haproxy had a lab).
  const named = service === 'nginx' ? ({} as Record<string, never>) : { service };
  const inst = instanceFor(h.config, vip);
  if (!inst) return undefined;
  if (inst.trackScripts.length === 0) {
    const defined = Object.keys(h.config.scripts);
    if (defined.length === 0) return say('cause-no-health-check', { holder, instance: inst.name, ...named });
    // A track_script that names an unknown script, or a malformed line, is why nothing is tracked.
    const badTrack = h.config.warnings.find((w) => /track_script/.test(w) && !/is not used by any track_script/.test(w));
    return say('cause-track-script-missing', { holder, scripts: defined, instance: inst.name, priority: inst.priority, warning: badTrack ?? null, ...named });
  }
  const e = facts.find((f) => f.node === expected);
  const want = instanceFor(e?.config, vip);
  if (!want || !e?.config || want.nopreempt) return undefined;
  const lowered = effectivePriority(inst, h.config.scripts, new Set(inst.trackScripts.map((t) => t.name)));
  const wantFailing = serviceRunning(e, service) === false ? new Set(want.trackScripts.map((t) => t.name)) : new Set<string>();
  const rival = effectivePriority(want, e.config.scripts, wantFailing);
  if (lowered === 0) return undefined; // a weight-0 check puts it in FAULT: the configs say it should have let go
  if (lowered >= rival) return say('cause-weight-too-small', { holder, expected, priority: inst.priority, lowered, rival, ...named });
  if (advertisedPriority === inst.priority) {
    return say('cause-health-check-not-failing', { holder, priority: inst.priority, scripts: inst.trackScripts.map((t) => t.name), ...named });
  }
  return undefined;
}

export interface VipDiagnosisInput {
  lab: LabInstance;
  observer: LabObserver;
  expected: NodeName;
  seen: VipSnapshot;
  facts: LbFacts[];
  /** Which of the lab's VIPs (default: the first). */
  vip?: string;
}

/** Explains why the VIP is not on `expected` only. */
export async function diagnoseVip({ lab, observer, expected, seen, facts, vip = lab.addresses.vip }: VipDiagnosisInput): Promise<Diagnosis> {
  const holders = seen.runningHolders;
  const frozenHolders = seen.holders.filter((n) => !holders.includes(n));
  const factsOf = (node: NodeName) => facts.find((f) => f.node === node);

  if (holders.length >= 2) return splitBrain(holders, facts, vip, (node) => lab.addresses.node[node]);

  const expectedFacts = factsOf(expected);
  if (expectedFacts && expectedFacts.run === 'running' && !expectedFacts.keepalivedRunning) {
    return say('keepalived-not-running', { node: expected, holder: holders[0] ?? null }, [await notRunningWhy(lab, expected)]);
  }

  if (holders.length === 0) {
    const stopped = facts.filter((f) => f.run === 'running' && !f.keepalivedRunning).map((f) => f.node);
    if (frozenHolders.length > 0) return say('vip-only-on-frozen', { frozen: frozenHolders, vip, stopped });
    const inst = instanceFor(expectedFacts?.config, vip);
    if (expectedFacts?.config && inst && !inst.virtualIpAddresses.includes(vip)) {
      return say('vip-not-configured', { node: expected, vip, listed: [...inst.virtualIpAddresses] });
    }
    const strict = facts.find((f) => f.config?.global.vrrpStrict);
    return say('vip-held-by-none', { vip, stopped }, strict ? [say('cause-strict-refuses-config', { node: strict.node })] : []);
  }

  const holder = holders[0]!;
  const heldByOther = (cause?: Diagnosis) => say('vip-held-by-other', { holder, vip, expected }, cause ? [cause] : []);
  if (expectedFacts && expectedFacts.run !== 'running') return heldByOther(say('cause-node-down', { node: expected, run: expectedFacts.run }));
  const want = instanceFor(expectedFacts?.config, vip);
  const have = instanceFor(factsOf(holder)?.config, vip);
  // The priority a node really advertises (after health-check weights) beats the configured one:
  // its adverts for this VIP's virtual router (a master-master node sends two streams).
  const advertised = observer.lastAdvert(holder, have?.virtualRouterId)?.priority;
  const healthCheck = healthCheckCause(facts, vip, holder, expected, advertised);
  if (healthCheck) return heldByOther(healthCheck);
  const holderPriority = advertised ?? have?.priority;
  if (want && holderPriority !== undefined) {
    if (holderPriority > want.priority) {
      return heldByOther(say('cause-priority-higher', { holder, holderPriority, expected, expectedPriority: want.priority }));
    }
    if (want.nopreempt) return heldByOther(say('cause-expected-nopreempt', { expected }));
    if (holderPriority === want.priority) return heldByOther(say('cause-equal-priority', { priority: want.priority }));
    if (want.preemptDelayS > 0) return heldByOther(say('cause-preempt-delay', { expected, delayS: want.preemptDelayS }));
  }
  return heldByOther();
}

async function notRunningWhy(lab: LabInstance, node: NodeName): Promise<Diagnosis> {
  const error = await configTestError(lab, node);
  return error ? say('cause-config-test-error', { node, error }) : say('cause-config-test-passes', { node });
}
