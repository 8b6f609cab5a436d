/**
 * What keepalived makes of the instances once the whole config is read: defaults derived from
 * other settings (priority 255 for `state MASTER` without a priority, the VRRP version from the
 * VIPs), the overrides it applies (nopreempt and preempt_delay cleared by state MASTER or
 * priority 255, a fractional VRRPv2 advert_int rounded, auth_pass cut to 8 characters, strict
 * mode's restrictions), and the checks across instances (unused vrrp_script, duplicate
 * virtual_router_id, no instance at all). Each override comes with a warning that says why.
 *
 * Mirrors keepalived/vrrp/vrrp.c (vrrp_complete_instance, vrrp_complete_init) and
 * keepalived/vrrp/vrrp_track.c in keepalived 2.2.7.
 */
import { ADVERT_DEFAULT_S, AUTH_PASS_LENGTH, DOWN_TIMER_ADVERTS_DEFAULT, PRIORITY_DEFAULT, PRIORITY_OWNER } from './keywords.ts';
import type { InstanceDraft } from './parse-instance.ts';
import type { ParsedBlocks } from './parser.ts';
import type { VrrpInstance } from './types.ts';
import { placeOf, type Place, type Warning } from './warnings.ts';

type Warn = (at: Place, message: string) => void;

export function completeInstances(blocks: ParsedBlocks, warnings: Warning[]): VrrpInstance[] {
  const warn: Warn = (at, message) => warnings.push({ at, message });
  const instances = blocks.drafts.map((d) => completeInstance(d, blocks, warn));
  if (instances.length === 0) warnings.push({ message: 'there is no vrrp_instance block, so keepalived runs no VRRP and never holds a VIP.' });
  const used = new Set(instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
  for (const name of Object.keys(blocks.scripts)) {
    if (!used.has(name)) warn(placeOf(blocks.scripts[name]!), `vrrp_script ${name} is not used by any track_script, so keepalived never runs it.`);
  }
  const seen = new Map<string, VrrpInstance>();
  for (const inst of instances) {
    if (inst.virtualRouterId === undefined) continue;
    const key = `${inst.interface ?? ''}/${inst.virtualRouterId}/${inst.unicastPeers.length > 0 ? 'unicast' : 'multicast'}`;
    const other = seen.get(key);
    if (other) {
      warn(placeOf(inst), `vrrp_instance ${inst.name} uses virtual_router_id ${inst.virtualRouterId} like ${other.name} on the same interface; each instance needs its own id.`);
    } else seen.set(key, inst);
  }
  return instances;
}

function completeInstance(d: InstanceDraft, blocks: ParsedBlocks, warn: Warn): VrrpInstance {
  const label = `vrrp_instance ${d.name}`;
  const g = blocks.global;
  const strictMode = d.strictMode ?? g.vrrpStrict;
  const hasIpv6 = d.virtualIpAddresses.some((a) => a.includes(':'));
  let effectiveVersion: 2 | 3 = d.version ?? (hasIpv6 ? 3 : (g.vrrpVersion ?? 2));
  if (hasIpv6 && strictMode && effectiveVersion === 2) {
    warn(d.at, `${label}: strict mode needs VRRPv3 for IPv6 addresses; keepalived uses version 3.`);
    effectiveVersion = 3;
  }

  if (d.virtualRouterId === undefined) warn(d.at, `${label} has no virtual_router_id; keepalived refuses to run it. Use the same id (1-255) on both nodes.`);
  if (d.virtualIpAddresses.length === 0) {
    warn(d.at, `${label} has no virtual_ipaddress, so there is no VIP to move${effectiveVersion === 3 || strictMode ? ' (with VRRPv3 or strict mode keepalived refuses to run it)' : ''}.`);
  }

  // keepalived 2.2.7 derives a missing priority from the state: MASTER means address owner.
  let priority = d.priority;
  if (priority === undefined) {
    if (d.state === 'MASTER') {
      priority = PRIORITY_OWNER;
      warn(d.at, `${label} has state MASTER and no priority, so keepalived gives it priority 255 (address owner): it takes the VIP at once, nopreempt does not apply and track_script weights are ignored. Set a priority (e.g. 100) to avoid this.`);
    } else priority = PRIORITY_DEFAULT;
  }

  let state = d.state;
  if (strictMode && state === 'MASTER' && priority !== PRIORITY_OWNER) {
    warn(d.at, `${label}: in strict mode (vrrp_strict) state MASTER requires priority 255; keepalived starts it as BACKUP.`);
    state = 'BACKUP';
  }

  let authPassEffective: string | undefined;
  if (d.authType !== undefined || d.authPass !== undefined) {
    const at = d.authAt ?? d.at;
    if (strictMode) warn(at, `${label}: strict mode (vrrp_strict) does not support authentication; keepalived ignores the authentication block.`);
    else if (effectiveVersion === 3) warn(at, `${label}: VRRPv3 has no authentication; keepalived ignores the authentication block.`);
    else if (d.authType === undefined) warn(at, `${label}: auth_pass without auth_type; keepalived uses no authentication. Add auth_type PASS.`);
    else if (d.authPass === undefined) warn(at, `${label}: auth_type ${d.authType} without auth_pass; keepalived uses no authentication.`);
    else authPassEffective = d.authPass.slice(0, AUTH_PASS_LENGTH);
  }

  if (d.unicastConfigured && d.unicastPeers.length === 0) {
    warn(d.at, `${label}: unicast_peer lists no address, so keepalived falls back to multicast.`);
  }
  if (strictMode && d.unicastPeers.length > 0) {
    warn(d.at, `${label}: strict mode (vrrp_strict) does not allow unicast peers; keepalived refuses to run this instance. Remove vrrp_strict.`);
  }

  let nopreempt = d.nopreempt;
  let preemptDelayS = d.preemptDelayS;
  if (priority === PRIORITY_OWNER && nopreempt) {
    warn(d.nopreemptAt ?? d.at, `${label}: nopreempt does not work with priority 255; keepalived clears it.`);
    nopreempt = false;
  }
  if (state === 'MASTER') {
    if (nopreempt) {
      warn(d.nopreemptAt ?? d.at, `${label}: nopreempt does not work with state MASTER; keepalived clears it, so this node takes the VIP back. Use state BACKUP on both nodes.`);
      nopreempt = false;
    }
    if (preemptDelayS > 0) {
      warn(d.preemptDelayAt ?? d.at, `${label}: preempt_delay does not work with state MASTER; keepalived clears it. Use state BACKUP.`);
      preemptDelayS = 0;
    }
  }
  if (preemptDelayS > 0 && (strictMode || nopreempt)) {
    warn(d.preemptDelayAt ?? d.at, `${label}: preempt_delay has no effect with ${strictMode ? 'strict mode' : 'nopreempt'}; keepalived resets it to 0.`);
    preemptDelayS = 0;
  }

  let downTimerAdverts = d.downTimerAdverts;
  if (strictMode && downTimerAdverts !== DOWN_TIMER_ADVERTS_DEFAULT) {
    warn(d.at, `${label}: down_timer_adverts cannot be changed in strict mode; keepalived uses ${DOWN_TIMER_ADVERTS_DEFAULT}.`);
    downTimerAdverts = DOWN_TIMER_ADVERTS_DEFAULT;
  }

  const advertIntS = effectiveAdvert(d, effectiveVersion, label, warn);

  let trackScripts = d.trackScripts;
  if (priority === PRIORITY_OWNER) {
    const weighted = trackScripts.filter((t) => (t.weight ?? blocks.scripts[t.name]!.weight) !== 0);
    if (weighted.length > 0) {
      warn(d.trackAt ?? d.at, `${label} has priority 255 (address owner), so keepalived ignores the weights of ${weighted.map((t) => t.name).join(', ')}: a failing check cannot lower its priority.`);
      trackScripts = trackScripts.filter((t) => !weighted.includes(t));
    }
  }

  return {
    name: d.name,
    ...d.at,
    ...(d.state ? { state: d.state } : {}),
    ...(d.interface !== undefined ? { interface: d.interface } : {}),
    ...(d.virtualRouterId !== undefined ? { virtualRouterId: d.virtualRouterId } : {}),
    priority,
    advertIntS,
    downTimerAdverts,
    nopreempt,
    nopreemptWritten: d.nopreempt,
    preemptDelayS,
    preemptDelayWrittenS: d.preemptDelayS,
    ...(d.authType ? { authType: d.authType } : {}),
    ...(d.authPass !== undefined ? { authPass: d.authPass } : {}),
    ...(authPassEffective !== undefined ? { authPassEffective } : {}),
    virtualIpAddresses: d.virtualIpAddresses,
    ...(d.unicastSrcIp !== undefined ? { unicastSrcIp: d.unicastSrcIp } : {}),
    unicastPeers: d.unicastPeers,
    trackScripts,
    notify: d.notify,
    smtpAlert: d.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false,
    ...(d.version ? { version: d.version } : {}),
    effectiveVersion,
    strictMode,
  };
}

/** VRRPv2 carries whole seconds, VRRPv3 centiseconds; keepalived rounds to the nearest (vrrp.c). */
function effectiveAdvert(d: InstanceDraft, version: 2 | 3, label: string, warn: Warn): number {
  const configured = d.advertIntS ?? ADVERT_DEFAULT_S;
  const micro = Math.round(configured * 1e6);
  let rounded: number;
  if (version === 2) {
    rounded = micro >= 256e6 ? 255e6 : Math.max(1e6, Math.floor((micro + 500_000) / 1e6) * 1e6);
  } else {
    rounded = micro >= 4096 * 10_000 ? 4095 * 10_000 : Math.max(10_000, Math.floor((micro + 5_000) / 10_000) * 10_000);
  }
  const seconds = rounded / 1e6;
  if (rounded !== micro) {
    const why = version === 2 ? 'VRRPv2 advertises whole seconds (use vrrp_version 3 for fractions)' : 'VRRPv3 advertises in units of 10 ms, at most 40.95 s';
    warn(d.advertAt ?? d.at, `${label}: ${why}; keepalived uses advert_int ${seconds} instead of ${configured}.`);
  }
  return seconds;
}
