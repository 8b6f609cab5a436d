/**
 * The keyword handlers of vrrp_instance and its authentication block, as written: what keepalived
 * then makes of the instance as a whole (defaults derived from the state, overrides) is
 * complete.ts's job.
 *
 * Mirrors keepalived/vrrp/vrrp_parser.c (vrrp_handler, vrrp_state_handler, vrrp_int_handler ...
 * vrrp_auth_*_handler, and their ranges), keepalived/vrrp/vrrp_track.c alloc_track_script
 * (track_script entries) and lib/notify.c (notify commands and the user to run them as) in
 * keepalived 2.2.7.
 */
import { AUTH_PASS_LENGTH, DOWN_TIMER_ADVERTS_DEFAULT, NODE_USERS, PRIORITY_DEFAULT, PRIORITY_OWNER, SCRIPT_WEIGHT_MAX } from './keywords.ts';
import { shellWords, type StmtItem } from './lexer.ts';
import type { ParsedBlocks } from './parser.ts';
import type { TrackedScript, VrrpInstance, VrrpScript } from './types.ts';
import { isIpAddress, parseBool, parseInteger, parseSeconds } from './values.ts';
import type { BlockWalker } from './walker.ts';
import type { Place } from './warnings.ts';

/** A vrrp_instance as written, with where its settings were written (for the warnings complete.ts gives). */
export interface InstanceDraft {
  name: string;
  at: Place;
  state?: 'MASTER' | 'BACKUP';
  interface?: string;
  virtualRouterId?: number;
  priority?: number;
  advertIntS?: number;
  advertAt?: Place;
  downTimerAdverts: number;
  nopreempt: boolean;
  nopreemptAt?: Place;
  preemptDelayS: number;
  preemptDelayAt?: Place;
  authType?: 'PASS' | 'AH';
  authPass?: string;
  authAt?: Place;
  virtualIpAddresses: string[];
  unicastSrcIp?: string;
  unicastPeers: string[];
  unicastConfigured: boolean;
  trackScripts: TrackedScript[];
  trackAt?: Place;
  notify: VrrpInstance['notify'];
  smtpAlert?: boolean;
  version?: 2 | 3;
  strictMode?: boolean;
}

/** Reads a vrrp_instance block into a new draft in `blocks.drafts`, unless keepalived skips the block. */
export function readVrrpInstance(walker: BlockWalker, opener: StmtItem, blocks: ParsedBlocks): void {
  const name = opener.words[1]?.text;
  if (!name || opener.words.length > 2) {
    walker.warn(opener.at, `vrrp_instance must have exactly one name (vrrp_instance VI_1 { ... }); keepalived skips this block.`);
    walker.skipBlock();
    return;
  }
  if (blocks.drafts.some((d) => d.name === name)) {
    walker.warn(opener.at, `vrrp_instance ${name} is already defined; keepalived skips this second block.`);
    walker.skipBlock();
    return;
  }
  const draft: InstanceDraft = {
    name,
    at: opener.at,
    // keepalived copies the global default when it creates the instance (alloc_vrrp).
    downTimerAdverts: blocks.global.downTimerAdverts ?? DOWN_TIMER_ADVERTS_DEFAULT,
    nopreempt: false,
    preemptDelayS: 0,
    virtualIpAddresses: [],
    unicastPeers: [],
    unicastConfigured: false,
    trackScripts: [],
    notify: {},
  };
  blocks.drafts.push(draft);
  const label = `vrrp_instance ${name}`;
  walker.block(opener, 'vrrp_instance', (stmt) => instanceStatement(walker, blocks, stmt, draft, label), label);
}

function instanceStatement(walker: BlockWalker, blocks: ParsedBlocks, stmt: StmtItem, d: InstanceDraft, label: string): void {
  const keyword = stmt.words[0]!.text;
  const arg = stmt.words[1]?.text;
  switch (keyword) {
    case 'state':
      walker.extraWords(stmt, 2);
      if (arg === 'MASTER') d.state = 'MASTER';
      else if (arg === 'BACKUP') {
        if (d.state === 'MASTER') walker.warn(stmt.at, `${label}: state was already set to MASTER; keepalived ignores this BACKUP.`);
        else d.state = 'BACKUP';
      } else {
        walker.warn(stmt.at, `${label}: state must be MASTER or BACKUP in capitals; keepalived reads '${arg ?? ''}' as BACKUP.`);
        if (d.state !== 'MASTER') d.state = 'BACKUP';
      }
      break;
    case 'interface':
      walker.extraWords(stmt, 2);
      if (walker.value(stmt, 'an interface name') !== undefined) d.interface = arg;
      break;
    case 'virtual_router_id': {
      walker.extraWords(stmt, 2);
      const v = parseInteger(arg, 1, 255);
      if (v === undefined) walker.warn(stmt.at, `${label}: virtual_router_id must be a whole number from 1 to 255; keepalived ignores '${arg ?? ''}'.`);
      else d.virtualRouterId = v;
      break;
    }
    case 'priority': {
      walker.extraWords(stmt, 2);
      const v = parseInteger(arg, 1, PRIORITY_OWNER);
      if (v === undefined) {
        walker.warn(stmt.at, `${label}: priority must be a whole number from 1 to 255; keepalived uses ${PRIORITY_DEFAULT} instead of '${arg ?? ''}'.`);
        d.priority = PRIORITY_DEFAULT;
      } else d.priority = v;
      break;
    }
    case 'advert_int': {
      walker.extraWords(stmt, 2);
      const v = parseSeconds(arg, 0.01, 255);
      if (v === undefined) walker.warn(stmt.at, `${label}: advert_int must be a number of seconds from 0.01 to 255; keepalived ignores '${arg ?? ''}'.`);
      else {
        d.advertIntS = v;
        d.advertAt = stmt.at;
      }
      break;
    }
    case 'version': {
      const v = parseInteger(arg, 2, 3);
      if (v === undefined) walker.warn(stmt.at, `${label}: version must be 2 or 3; keepalived ignores '${arg ?? ''}'.`);
      else d.version = v as 2 | 3;
      break;
    }
    case 'nopreempt':
      walker.extraWords(stmt, 1);
      d.nopreempt = true;
      d.nopreemptAt = stmt.at;
      break;
    case 'preempt':
      d.nopreempt = false;
      break;
    case 'preempt_delay': {
      walker.extraWords(stmt, 2);
      const v = parseSeconds(arg, 0, 1000);
      if (v === undefined) {
        walker.warn(stmt.at, `${label}: preempt_delay must be a number of seconds from 0 to 1000; keepalived uses 0.`);
        d.preemptDelayS = 0;
      } else {
        d.preemptDelayS = v;
        d.preemptDelayAt = stmt.at;
      }
      break;
    }
    case 'authentication':
      walker.extraWords(stmt, 1);
      d.authAt = stmt.at;
      walker.block(stmt, 'authentication', (s) => authStatement(walker, s, d, label), `the authentication block of ${label}`);
      break;
    case 'virtual_ipaddress':
      for (const entry of walker.valueLines(stmt)) {
        const address = entry.words[0]!.text.replace(/\/\d+$/, '');
        if (!isIpAddress(address)) {
          walker.warn(entry.at, `${label}: '${entry.words[0]!.text}' in virtual_ipaddress is not an IP address; keepalived rejects it.`);
          continue;
        }
        d.virtualIpAddresses.push(address);
      }
      break;
    case 'unicast_src_ip':
      walker.extraWords(stmt, 2);
      if (arg === undefined) walker.warn(stmt.at, `${label}: unicast_src_ip needs an address.`);
      else if (!isIpAddress(arg)) walker.warn(stmt.at, `${label}: unicast_src_ip '${arg}' is not an IP address; keepalived rejects it.`);
      else d.unicastSrcIp = arg;
      break;
    case 'unicast_peer':
      d.unicastConfigured = true;
      for (const entry of walker.valueLines(stmt)) {
        const address = entry.words[0]!.text;
        if (!isIpAddress(address)) {
          walker.warn(entry.at, `${label}: '${address}' in unicast_peer is not an IP address; keepalived ignores it.`);
          continue;
        }
        d.unicastPeers.push(address);
      }
      break;
    case 'track_script':
      d.trackAt = stmt.at;
      for (const entry of walker.valueLines(stmt)) trackScriptEntry(walker, blocks.scripts, entry, d, label);
      break;
    case 'notify_master':
    case 'notify_backup':
    case 'notify_fault':
    case 'notify_stop':
    case 'notify': {
      const slot = keyword === 'notify' ? 'any' : (keyword.slice('notify_'.length) as 'master' | 'backup' | 'fault' | 'stop');
      notifyStatement(walker, stmt, d, slot, label);
      break;
    }
    case 'smtp_alert': {
      const v = arg === undefined ? true : parseBool(arg);
      if (v === undefined) walker.warn(stmt.at, `${label}: smtp_alert takes on/off, true/false or yes/no; keepalived ignores '${arg}'.`);
      else d.smtpAlert = v;
      break;
    }
    case 'strict_mode': {
      const v = arg === undefined ? true : parseBool(arg);
      if (v === undefined) walker.warn(stmt.at, `${label}: strict_mode takes on/off, true/false or yes/no; keepalived ignores '${arg}'.`);
      else d.strictMode = v;
      break;
    }
    case 'down_timer_adverts': {
      const v = parseInteger(arg, 1, 100);
      if (v === undefined) walker.warn(stmt.at, `${label}: down_timer_adverts must be a whole number from 1 to 100; keepalived ignores '${arg ?? ''}'.`);
      else d.downTimerAdverts = v;
      break;
    }
    default:
      // Known to keepalived, not needed by the graders (use_vmac, track_interface { }, garp_*...).
      walker.skipBlock();
  }
}

function authStatement(walker: BlockWalker, stmt: StmtItem, d: InstanceDraft, label: string): void {
  const keyword = stmt.words[0]!.text;
  const arg = stmt.words[1]?.text;
  walker.extraWords(stmt, 2);
  if (keyword === 'auth_type') {
    if (arg === 'PASS' || arg === 'AH') d.authType = arg;
    else walker.warn(stmt.at, `${label}: auth_type must be PASS or AH in capitals; keepalived ignores '${arg ?? ''}'.`);
  } else if (arg === undefined) {
    walker.warn(stmt.at, `${label}: auth_pass needs a password.`);
  } else {
    d.authPass = arg;
    if (arg.length > AUTH_PASS_LENGTH) {
      walker.warn(stmt.at, `${label}: keepalived uses only the first ${AUTH_PASS_LENGTH} characters of auth_pass ('${arg.slice(0, AUTH_PASS_LENGTH)}').`);
    }
  }
}

/** A track_script line is `NAME [weight N [reverse|noreverse]]` (vrrp_track.c alloc_track_script). */
function trackScriptEntry(walker: BlockWalker, scripts: Record<string, VrrpScript>, entry: StmtItem, d: InstanceDraft, label: string): void {
  const [nameWord, option, weightText, reverseText] = entry.words.map((word) => word.text);
  const name = nameWord!;
  const script = scripts[name];
  if (!script) {
    const later = walker.laterStatement((s) => s.words[0]?.text === 'vrrp_script' && s.words[1]?.text === name);
    const hint = later
      ? ` it is defined further down: keepalived only finds vrrp_script blocks written above the vrrp_instance, so move it up.`
      : ` define vrrp_script ${name} { ... } above the vrrp_instance.`;
    walker.warn(entry.at, `${label}: track_script '${name}' names no vrrp_script keepalived knows, so it is ignored;${hint}`);
    return;
  }
  if (d.trackScripts.some((t) => t.name === name)) {
    walker.warn(entry.at, `${label}: track_script '${name}' is listed twice; keepalived ignores the second.`);
    return;
  }
  const tracked: TrackedScript = { name };
  if (option !== undefined) {
    if (option !== 'weight') {
      walker.warn(
        entry.at,
        `${label}: track_script line '${entry.raw}' is not 'NAME [weight N]', so keepalived ignores it and does not track ${name}. Comments must start with '#'.`,
      );
      return;
    }
    if (weightText === undefined) {
      walker.warn(entry.at, `${label}: 'weight' without a value after track_script ${name}; keepalived ignores the line.`);
      return;
    }
    const weight = parseInteger(weightText, -254, 254);
    if (weight === undefined) {
      walker.warn(entry.at, `${label}: track_script ${name} weight must be from -253 to 253; keepalived uses the script's own weight (${script.weight}).`);
    } else if (Math.abs(weight) === 254) {
      walker.warn(entry.at, `${label}: track_script ${name} weight ${weight} is out of range; keepalived uses ${Math.sign(weight) * SCRIPT_WEIGHT_MAX}.`);
      tracked.weight = Math.sign(weight) * SCRIPT_WEIGHT_MAX;
    } else tracked.weight = weight;
    if (reverseText === 'reverse') tracked.reverse = true;
    else if (reverseText === 'noreverse') tracked.reverse = false;
    else if (reverseText !== undefined) walker.warn(entry.at, `${label}: unknown track_script option '${reverseText}' (reverse or noreverse); keepalived ignores it.`);
  }
  d.trackScripts.push(tracked);
}

/** keepalived takes the first word as the command and a second word as the user to run it as. */
function notifyStatement(walker: BlockWalker, stmt: StmtItem, d: InstanceDraft, slot: keyof VrrpInstance['notify'], label: string): void {
  const keyword = stmt.words[0]!.text;
  const words = shellWords(stmt.raw).slice(1);
  if (words.length === 0) {
    walker.warn(stmt.at, `${label}: ${keyword} needs a command.`);
    return;
  }
  if (d.notify[slot] !== undefined) {
    walker.warn(stmt.at, `${label}: ${keyword} is set twice; keepalived keeps the first.`);
    return;
  }
  if (words.length > 1 && !NODE_USERS.has(words[1]!)) {
    walker.warn(
      stmt.at,
      `${label}: keepalived reads '${keyword} ${words.join(' ')}' as the command '${words[0]}' run as user '${words[1]}', and drops it as there is no such user. Quote the whole command: ${keyword} "${words.join(' ')}".`,
    );
    return;
  }
  d.notify[slot] = words[0]!;
}
