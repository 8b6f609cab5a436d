/**
 * Turns what was seen into what is probably wrong. The verdict itself comes from behaviour (who
 * holds the VIP, who answers HTTP); these rules only explain a failure, reading the nodes' configs
 * the way a teacher would read them over a learner's shoulder.
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import type { NodeName } from '../lab/definition.ts';
import type { KeepalivedConfig, VrrpInstance } from '../keepalived/config.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import type { VipSnapshot } from '../shared/events.ts';
import { effectivePriority } from '../keepalived/timing.ts';
import { configTestError, type LbFacts } from './facts.ts';

/** The vrrp_instance that manages the lab's VIP (else the first one), for comparing nodes. */
export function instanceFor(config: KeepalivedConfig | undefined, vip: string): VrrpInstance | undefined {
  if (!config) return undefined;
  return config.instances.find((i) => i.virtualIpAddresses.includes(vip)) ?? config.instances[0];
}

export function listNodes(nodes: readonly string[]): string {
  if (nodes.length <= 1) return nodes.join('');
  return `${nodes.slice(0, -1).join(', ')} and ${nodes[nodes.length - 1]}`;
}

/** Why two nodes that should form one virtual router do not hear each other. */
export function splitBrainCause(facts: LbFacts[], vip: string, nodeAddress: (node: NodeName) => string): string {
  const configured = facts
    .map((f) => ({ node: f.node, inst: instanceFor(f.config, vip), config: f.config }))
    .filter((x): x is { node: NodeName; inst: VrrpInstance; config: KeepalivedConfig } => Boolean(x.inst && x.config));
  const causes: string[] = [];
  if (configured.length >= 2) {
    const [a, b] = configured as [(typeof configured)[0], (typeof configured)[0]];
    if (a.inst.virtualRouterId !== b.inst.virtualRouterId) {
      causes.push(
        `virtual_router_id differs (${a.node}: ${a.inst.virtualRouterId ?? 'none'}, ${b.node}: ${b.inst.virtualRouterId ?? 'none'}): each ignores the other's adverts as another router's, so both become MASTER; use the same id on both`,
      );
    }
    if (a.inst.authPassEffective !== b.inst.authPassEffective || a.inst.authType !== b.inst.authType) {
      causes.push(
        `authentication differs (auth_pass ${JSON.stringify(a.inst.authPass ?? '')} on ${a.node}, ${JSON.stringify(b.inst.authPass ?? '')} on ${b.node}; only the first 8 characters count): adverts that fail authentication are dropped; use the same auth_type and auth_pass on both`,
      );
    }
    for (const [self, peer] of [[a, b], [b, a]] as const) {
      if (self.inst.unicastPeers.length > 0 && !self.inst.unicastPeers.some((p) => peer.inst.unicastSrcIp === p || p === nodeAddress(peer.node))) {
        causes.push(`${self.node}'s unicast_peer (${self.inst.unicastPeers.join(', ')}) does not name ${peer.node}, so its adverts never reach it`);
      }
    }
    const unicastNodes = configured.filter((c) => c.inst.unicastPeers.length > 0).map((c) => c.node);
    if (unicastNodes.length === 1) {
      causes.push(`only ${unicastNodes[0]} uses unicast: the other still sends multicast adverts to 224.0.0.18, which a unicast node does not accept; configure unicast on both or neither`);
    }
  }
  if (causes.length === 0) return 'Check virtual_router_id, auth_pass and unicast peers on both nodes: they must agree for the nodes to hear each other.';
  return `Likely cause: ${causes.join('; ')}.`;
}

/**
 * Why `taker` took the VIP from `keeper`, which was meant to keep it (a "stays" expectation):
 * nopreempt written but cleared by keepalived, no nopreempt, or a higher priority coming back
 * once a health check passes again. Empty when the configs explain nothing.
 */
export function takeBackCause(facts: LbFacts[], vip: string, taker: NodeName, keeper: NodeName): string {
  const inst = instanceFor(facts.find((f) => f.node === taker)?.config, vip);
  const own = instanceFor(facts.find((f) => f.node === keeper)?.config, vip);
  if (!inst) return '';
  if (inst.nopreemptWritten && !inst.nopreempt) {
    const why = inst.state === 'MASTER' ? 'nopreempt is ignored when the initial state is MASTER' : 'nopreempt is ignored with priority 255 (address owner)';
    const fix = inst.state === 'MASTER' ? 'set state BACKUP on both nodes' : 'give it a priority below 255';
    return `${taker} took the VIP back although nopreempt is set: ${why} (keepalived clears it and logs "nopreempt will not work"); ${fix}.`;
  }
  if (!own || inst.nopreempt || inst.priority <= own.priority) return '';
  if (inst.trackScripts.length > 0) {
    return `${taker}'s priority (${inst.priority}) is higher than ${keeper}'s (${own.priority}): once its health check passed again, ${taker} was back at ${inst.priority} and preempted ${keeper}, a second move. Give both the same priority: a BACKUP never preempts a MASTER of equal priority.`;
  }
  return `${taker} has no nopreempt and a higher priority (${inst.priority} > ${own.priority}), so it preempts ${keeper} as soon as it can; add nopreempt (with state BACKUP) or give both the same priority.`;
}

/**
 * Why `holder` kept the VIP although nginx is stopped there and `expected` should have taken it:
 * the health check that should lower its priority is missing, not tracked, or too weak.
 * `advertisedPriority` is what the holder's adverts say now, when known. Undefined when nginx
 * runs on the holder or the configs explain nothing.
 */
export function healthCheckCause(facts: LbFacts[], vip: string, holder: NodeName, expected: NodeName, advertisedPriority?: number): string | undefined {
  const h = facts.find((f) => f.node === holder);
  if (!h?.config || h.nginxRunning !== false) return undefined;
  const inst = instanceFor(h.config, vip);
  if (!inst) return undefined;
  const kept = `${holder} kept the VIP with nginx stopped`;
  if (inst.trackScripts.length === 0) {
    const defined = Object.keys(h.config.scripts);
    if (defined.length === 0) {
      return `${kept}: its keepalived.conf has no vrrp_script and no track_script, so nothing tells keepalived that nginx is down. Define a vrrp_script that checks nginx (e.g. killall -0 nginx, with weight -30) and list it in track_script inside vrrp_instance ${inst.name}.`;
    }
    // A track_script that names an unknown script, or a malformed line, is why nothing is tracked.
    const badTrack = h.config.warnings.find((w) => /track_script/.test(w) && !/is not used by any track_script/.test(w));
    return `${kept}: no track_script ties the vrrp_script ${listNodes(defined)} to vrrp_instance ${inst.name}, so keepalived never runs the check and ${holder}'s priority stays ${inst.priority}. Add track_script { ${defined[0]} } inside vrrp_instance ${inst.name}.${badTrack ? ` (${badTrack})` : ''}`;
  }
  const e = facts.find((f) => f.node === expected);
  const want = instanceFor(e?.config, vip);
  if (!want || !e?.config || want.nopreempt) return undefined;
  const failed = effectivePriority(inst, h.config.scripts, new Set(inst.trackScripts.map((t) => t.name)));
  const wantFailing = e.nginxRunning === false ? new Set(want.trackScripts.map((t) => t.name)) : new Set<string>();
  const rival = effectivePriority(want, e.config.scripts, wantFailing);
  if (failed === 0) return undefined; // a weight-0 check puts it in FAULT: the configs say it should have let go
  if (failed >= rival) {
    return `${kept}: its health check lowers its priority from ${inst.priority} to ${failed} only, not below ${expected}'s ${rival}, so ${expected} does not preempt it. Use a weight larger than the gap (at least ${inst.priority - rival + 1}), or give both the same priority.`;
  }
  if (advertisedPriority === inst.priority) {
    const names = listNodes(inst.trackScripts.map((t) => t.name));
    return `${kept}: it still advertises priority ${inst.priority}, so its health check ${names} has not failed. Make sure the check's command fails when nginx is stopped (run it by hand: echo $? after it) and read journalctl -u keepalived for VRRP_Script lines.`;
  }
  return undefined;
}

export interface VipDiagnosisInput {
  lab: LabInstance;
  observer: LabObserver;
  expected: NodeName;
  seen: VipSnapshot;
  facts: LbFacts[];
}

/** Explains why the VIP is not on `expected` only. */
export async function diagnoseVip({ lab, observer, expected, seen, facts }: VipDiagnosisInput): Promise<string> {
  const vip = lab.addresses.vip;
  const holders = seen.runningHolders;
  const frozenHolders = seen.holders.filter((n) => !holders.includes(n));
  const factsOf = (node: NodeName) => facts.find((f) => f.node === node);

  if (holders.length >= 2) {
    return `Split brain: ${listNodes([...holders].sort())} ${holders.length === 2 ? 'both' : 'all'} hold the VIP ${vip}. ${splitBrainCause(facts, vip, (node) => lab.addresses.node[node])}`;
  }

  const expectedFacts = factsOf(expected);
  if (expectedFacts && expectedFacts.run === 'running' && !expectedFacts.keepalivedRunning) {
    const why = await notRunningWhy(lab, expected);
    const who = holders.length === 0 ? 'No node holds the VIP' : `${holders[0]} holds the VIP`;
    return `${who}: keepalived is not running on ${expected}. ${why}`;
  }

  if (holders.length === 0) {
    const stopped = facts.filter((f) => f.run === 'running' && !f.keepalivedRunning).map((f) => f.node);
    if (frozenHolders.length > 0) {
      return `Only the frozen ${listNodes(frozenHolders)} still has the VIP ${vip} and no running node took it over${stopped.length ? `: keepalived is not running on ${listNodes(stopped)}` : ''}.`;
    }
    const inst = instanceFor(expectedFacts?.config, vip);
    if (expectedFacts?.config && inst && !inst.virtualIpAddresses.includes(vip)) {
      return `No node holds the VIP ${vip}: ${expected}'s virtual_ipaddress lists ${inst.virtualIpAddresses.join(', ') || 'nothing'}, not ${vip}.`;
    }
    const strict = facts.find((f) => f.config?.global.vrrpStrict);
    return `No node holds the VIP ${vip}${stopped.length ? `; keepalived is not running on ${listNodes(stopped)}` : ''}.${strict ? ` ${strict.node} sets vrrp_strict, which refuses configurations it considers non-compliant (e.g. unicast, authentication): check journalctl -u keepalived.` : ' Check journalctl -u keepalived on the lb nodes.'}`;
  }

  const holder = holders[0]!;
  const base = `${holder} holds the VIP ${vip}, not ${expected}`;
  if (expectedFacts && expectedFacts.run !== 'running') return `${base}: ${expected} is ${expectedFacts.run}.`;
  const want = instanceFor(expectedFacts?.config, vip);
  const have = instanceFor(factsOf(holder)?.config, vip);
  // The priority a node really advertises (after health-check weights) beats the configured one.
  const advertised = observer.view(holder).lastAdvert?.priority;
  const healthCheck = healthCheckCause(facts, vip, holder, expected, advertised);
  if (healthCheck) return `${base}: ${healthCheck}`;
  const holderPriority = advertised ?? have?.priority;
  if (want && holderPriority !== undefined) {
    if (holderPriority > want.priority) {
      return `${base}: ${holder}'s priority (${holderPriority}) is higher than ${expected}'s (${want.priority}). The node meant to be MASTER needs the higher priority.`;
    }
    if (want.nopreempt) {
      return `${base}: ${expected} has nopreempt, so it does not take the VIP back from a running MASTER.`;
    }
    if (holderPriority === want.priority) {
      return `${base}: both have priority ${want.priority}, and a BACKUP never preempts a MASTER of equal priority.`;
    }
    if (want.preemptDelayS > 0) {
      return `${base}: ${expected} has preempt_delay ${want.preemptDelayS}, so it waits that long before taking the VIP back.`;
    }
  }
  return `${base}. Compare priority, state and nopreempt on both nodes, and read journalctl -u keepalived on ${expected}.`;
}

async function notRunningWhy(lab: LabInstance, node: NodeName): Promise<string> {
  const error = await configTestError(lab, node);
  if (error) return `keepalived --config-test says: ${error}`;
  return `Its config passes keepalived --config-test: start it with systemctl start keepalived and read journalctl -u keepalived.`;
}
