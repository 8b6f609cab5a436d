/**
 * Reads a keepalived.conf the way keepalived 2.2.7 (Debian bookworm's, the one in the lab nodes)
 * reads it, as far as the graders need: global_defs, vrrp_script and vrrp_instance. Everything
 * else keepalived knows (virtual_server, vrrp_sync_group, static_routes...) is skipped whole.
 *
 * The result describes what keepalived will *run*, not merely what was typed: where keepalived
 * overrides a setting (nopreempt with `state MASTER`, a fractional VRRPv2 advert_int, a password
 * longer than 8 characters...) the field holds keepalived's value and `warnings` says why, with
 * the line number, in words a learner can act on.
 *
 * It is a small line lexer and block walker that mirrors keepalived's own parser (lib/parser.c):
 *  - `#` and `!` start a comment anywhere outside double quotes (`\#` escapes one);
 *  - every `{` and `}` outside double quotes is a line of its own, so braces may sit on the
 *    keyword's line or the next one, and `authentication { auth_type PASS }` is three lines;
 *  - words are split on blanks, a double-quoted string is one word without its quotes;
 *  - `include` lines are recorded, never followed (the grader reads one file);
 *  - a keyword keepalived does not know is ignored, and so is a `{` after it: its contents are
 *    read as keywords of the enclosing block and its `}` closes the enclosing block. That is how
 *    a typo such as `vitual_ipaddress {` silently ends a vrrp_instance early, and the warnings say so.
 *
 * Sources checked (acassen/keepalived at tag v2.2.7): lib/parser.c (decomment, read_line,
 * process_stream, alloc_value_block), keepalived/vrrp/vrrp_parser.c (keyword handlers and ranges),
 * keepalived/vrrp/vrrp.c (vrrp_complete_instance: derived defaults and overrides),
 * keepalived/vrrp/vrrp_data.c + vrrp_track.h (vrrp_script defaults), keepalived/vrrp/vrrp_track.c
 * (track_script entries), keepalived/core/global_parser.c, doc/man/man5/keepalived.conf.5.in.
 */

export interface KeepalivedConfig {
  global: GlobalDefs;
  /** vrrp_script blocks keepalived keeps (a block without `script` is dropped, as keepalived does). */
  scripts: Record<string, VrrpScript>;
  instances: VrrpInstance[];
  /** Targets of `include` lines, in order; the grader does not read them. */
  includes: string[];
  /** What a learner should know, each starting with `line N:` where a line is to blame. */
  warnings: string[];
}

export interface GlobalDefs {
  routerId?: string;
  /** `vrrp_strict`: refuses unicast and authentication, and installs a firewall that drops traffic to the VIP. */
  vrrpStrict: boolean;
  smtpServer?: string;
  smtpPort?: number;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  enableScriptSecurity: boolean;
  scriptUser?: string;
  /** `vrrp_version` as written; instances default to it, and it defaults to 2. */
  vrrpVersion?: 2 | 3;
}

export interface VrrpScript {
  name: string;
  /** The command keepalived runs (the first word after `script`, unquoted). */
  script?: string;
  /** Seconds between runs: a whole number, default 1. */
  intervalS: number;
  /** Added to the priority of tracking instances (-253..253, default 0; 0 means "FAULT when failing"). */
  weight: number;
  /** `weight N reverse`: the adjustment applies in the opposite direction. */
  weightReverse: boolean;
  /** Consecutive failures before the script counts as failed (default 1). */
  fall: number;
  /** Consecutive successes before the script counts as OK again (default 1). */
  rise: number;
  timeoutS?: number;
  line: number;
}

export interface TrackedScript {
  name: string;
  /** The `weight N` written on the track_script line, overriding the vrrp_script's own weight. */
  weight?: number;
  /** `reverse` / `noreverse` written on the track_script line. */
  reverse?: boolean;
}

export interface VrrpInstance {
  name: string;
  line: number;
  /** As written (`MASTER`/`BACKUP`; keepalived reads anything else as BACKUP). */
  state?: 'MASTER' | 'BACKUP';
  interface?: string;
  virtualRouterId?: number;
  /**
   * The priority keepalived uses: as written (1..255), else 255 with `state MASTER` (address
   * owner) and 100 otherwise; keepalived 2.2.7 derives the default from the state.
   */
  priority: number;
  /**
   * Advert interval in seconds as keepalived runs it: default 1; VRRPv2 rounds to whole seconds
   * (0.5 becomes 1), VRRPv3 to centiseconds (0.555 becomes 0.56, at most 40.95).
   */
  advertIntS: number;
  /** Adverts missed before a backup declares the master down (`down_timer_adverts`, default 3). */
  downTimerAdverts: number;
  /** In effect: keepalived clears nopreempt for `state MASTER` and for priority 255. */
  nopreempt: boolean;
  /**
   * As written: a `nopreempt` line (not undone by a later `preempt`), whether or not keepalived
   * honours it. With `nopreempt` false it tells "nopreempt ignored" apart from "no nopreempt".
   */
  nopreemptWritten: boolean;
  /** In effect, seconds: cleared with `state MASTER`, nopreempt or strict mode. */
  preemptDelayS: number;
  authType?: 'PASS' | 'AH';
  /** As written. */
  authPass?: string;
  /**
   * The password keepalived really checks: the first 8 characters of auth_pass, or undefined when
   * keepalived uses no authentication (no auth_type or no auth_pass, VRRPv3, or strict mode).
   */
  authPassEffective?: string;
  /** Address part only (no /prefix, dev, label...). */
  virtualIpAddresses: string[];
  unicastSrcIp?: string;
  unicastPeers: string[];
  /** The track_script entries keepalived accepts (unknown scripts and malformed lines are dropped). */
  trackScripts: TrackedScript[];
  /** Notify commands, unquoted (e.g. `/etc/keepalived/notify.sh master`). */
  notify: { master?: string; backup?: string; fault?: string; stop?: string; any?: string };
  /** In effect: the instance's `smtp_alert`, else global `smtp_alert_vrrp`, else global `smtp_alert`, else false. */
  smtpAlert: boolean;
  /** `version` as written in the instance. */
  version?: 2 | 3;
  /** The VRRP version in effect: `version`, else global `vrrp_version`, else 3 for IPv6 VIPs, else 2. */
  effectiveVersion: 2 | 3;
  /** Strict mode in effect: the instance's `strict_mode`, else global `vrrp_strict`. */
  strictMode: boolean;
}

/** keepalived's limits and defaults (keepalived/include/vrrp.h, vrrp_track.h, vrrp_parser.c). */
const PRIORITY_DEFAULT = 100; // VRRP_PRIO_DFL
const PRIORITY_OWNER = 255; // VRRP_PRIO_OWNER: the address owner
const ADVERT_DEFAULT_S = 1; // VRRP_ADVER_DFL
const DOWN_TIMER_ADVERTS_DEFAULT = 3; // VRRP_DOWN_TIMER_ADVERTS
const AUTH_PASS_LENGTH = 8; // VRRP_AUTH_LEN: auth_pass is truncated to this
const SCRIPT_WEIGHT_MAX = 253;
/** Users a Debian lab node has, so `notify_master /path/script.sh root` is a valid "run as" form. */
const NODE_USERS = new Set(['root', 'daemon', 'bin', 'sys', 'nobody', 'www-data', 'keepalived_script']);

// ---------------------------------------------------------------------------------------------
// Keywords keepalived 2.2.7 knows, by block (install_keyword* calls). Only some are modelled; the
// others are accepted silently (and their blocks skipped) so that valid configs raise no warning,
// and all of them feed the "did you mean" suggestions.

const ROOT_KEYWORDS = new Set([
  'global_defs', 'vrrp_script', 'vrrp_instance', 'virtual_server', 'virtual_server_group', 'vrrp_sync_group',
  'static_ipaddress', 'static_routes', 'static_rules', 'track_group', 'garp_group', 'linkbeat_interfaces',
  'interface_up_down_delays', 'vrrp_track_process', 'track_file', 'vrrp_track_file', 'bfd_instance', 'SSL',
  'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance', 'child_wait_time',
  'linkbeat_use_polling',
]);

const GLOBAL_KEYWORDS = new Set([
  'process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'lvs_process_name', 'bfd_process_name',
  'router_id', 'notification_email_from', 'smtp_server', 'smtp_helo_name', 'smtp_connect_timeout', 'notification_email',
  'smtp_alert', 'startup_script', 'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout',
  'max_auto_priority', 'min_auto_priority_delay', 'smtp_alert_vrrp', 'smtp_alert_checker', 'checker_log_all_failures',
  'dynamic_interfaces', 'no_email_faults', 'default_interface', 'disable_local_igmp', 'lvs_timeouts', 'lvs_flush',
  'lvs_flush_on_stop', 'lvs_flush_onstop', 'lvs_sync_daemon', 'vrrp_mcast_group4', 'vrrp_mcast_group6',
  'vrrp_garp_master_delay', 'vrrp_garp_master_repeat', 'vrrp_garp_master_refresh', 'vrrp_garp_master_refresh_repeat',
  'vrrp_garp_lower_prio_delay', 'vrrp_garp_lower_prio_repeat', 'vrrp_down_timer_adverts', 'vrrp_garp_interval',
  'vrrp_gna_interval', 'vrrp_min_garp', 'vrrp_garp_extra_if', 'vrrp_vmac_garp_intvl', 'vrrp_lower_prio_no_advert',
  'vrrp_higher_prio_send_advert', 'vrrp_version', 'vrrp_iptables', 'vrrp_ipsets', 'nftables', 'nftables_priority',
  'nftables_ifindex', 'nftables_ipvs', 'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark', 'nftables_counters',
  'vrrp_check_unicast_src', 'vrrp_skip_check_adv_addr', 'vrrp_strict', 'vrrp_priority', 'vrrp_no_swap',
  'vrrp_rt_priority', 'vrrp_cpu_affinity', 'vrrp_rlimit_rttime', 'vrrp_rlimit_rtime', 'notify_fifo',
  'notify_fifo_script', 'vrrp_notify_fifo', 'vrrp_notify_fifo_script', 'vrrp_notify_priority_changes',
  'fifo_write_vrrp_states_on_reload', 'lvs_notify_fifo', 'lvs_notify_fifo_script', 'checker_priority',
  'checker_no_swap', 'checker_rt_priority', 'checker_cpu_affinity', 'checker_rlimit_rttime', 'checker_rlimit_rtime',
  'bfd_priority', 'bfd_no_swap', 'bfd_rt_priority', 'bfd_cpu_affinity', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime',
  'snmp_socket', 'enable_traps', 'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_rfc', 'enable_snmp_rfcv2',
  'enable_snmp_rfcv3', 'enable_snmp_checker', 'enable_dbus', 'dbus_service_name', 'script_user',
  'enable_script_security', 'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force',
  'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs',
  'process_monitor_rcv_bufs_force', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
  'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'rs_init_notifies', 'no_checker_emails',
  'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier', 'vrrp_startup_delay', 'log_unknown_vrids', 'vmac_prefix',
  'vmac_addr_prefix', 'umask',
]);

const INSTANCE_KEYWORDS = new Set([
  'use_vmac', 'use_vmac_addr', 'vmac_xmit_base', 'use_ipvlan', 'unicast_peer', 'unicast_fault_no_peer',
  'check_unicast_src', 'old_unicast_checksum', 'native_ipv6', 'state', 'interface', 'vrf', 'dont_track_primary',
  'track_interface', 'track_script', 'track_file', 'track_process', 'track_bfd', 'mcast_src_ip', 'unicast_src_ip',
  'mcast_dst_ip', 'track_src_ip', 'virtual_router_id', 'unicast_ttl', 'version', 'priority', 'advert_int',
  'virtual_ipaddress', 'virtual_ipaddress_excluded', 'promote_secondaries', 'linkbeat_use_polling', 'virtual_routes',
  'virtual_rules', 'accept', 'no_accept', 'skip_check_adv_addr', 'strict_mode', 'preempt', 'nopreempt',
  'preempt_delay', 'debug', 'notify_backup', 'notify_master', 'notify_fault', 'notify_stop', 'notify_deleted',
  'notify', 'notify_master_rx_lower_pri', 'smtp_alert', 'notify_priority_changes', 'lvs_sync_daemon_interface',
  'garp_master_delay', 'garp_master_refresh', 'garp_master_repeat', 'garp_master_refresh_repeat',
  'garp_lower_prio_delay', 'garp_lower_prio_repeat', 'down_timer_adverts', 'garp_extra_if', 'vmac_garp_intvl',
  'lower_prio_no_advert', 'higher_prio_send_advert', 'kernel_rx_buf_size', 'authentication',
]);

const AUTH_KEYWORDS = new Set(['auth_type', 'auth_pass']);
const SCRIPT_KEYWORDS = new Set(['script', 'interval', 'timeout', 'weight', 'rise', 'fall', 'user', 'init_fail']);

type BlockKind = 'root' | 'global_defs' | 'vrrp_instance' | 'authentication' | 'vrrp_script';

const KEYWORDS_OF: Record<BlockKind, Set<string>> = {
  root: ROOT_KEYWORDS,
  global_defs: GLOBAL_KEYWORDS,
  vrrp_instance: INSTANCE_KEYWORDS,
  authentication: AUTH_KEYWORDS,
  vrrp_script: SCRIPT_KEYWORDS,
};

/**
 * Keywords whose handler reads its first value unconditionally: written bare, keepalived 2.2.7
 * stops with "missing a parameter" (lib/parser.c null_strvec) and the whole VRRP process exits.
 * Checked with `keepalived --config-test` in the lab image.
 */
const NEEDS_VALUE: Partial<Record<BlockKind, Set<string>>> = {
  vrrp_instance: new Set([
    'state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'version', 'preempt_delay', 'unicast_src_ip',
    'debug', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify', 'down_timer_adverts',
  ]),
  authentication: new Set(['auth_type', 'auth_pass']),
  vrrp_script: new Set(['interval', 'timeout', 'weight', 'rise', 'fall', 'user']),
  global_defs: new Set(['smtp_server', 'vrrp_version', 'smtp_connect_timeout', 'vrrp_down_timer_adverts']),
};

// ---------------------------------------------------------------------------------------------
// Lexer: text -> items (statements and braces), as keepalived's read_line + alloc_strvec see them.

interface Word {
  text: string;
  quoted: boolean;
}

type Item =
  | { kind: 'stmt'; words: Word[]; raw: string; line: number }
  | { kind: 'open'; line: number }
  | { kind: 'close'; line: number };

interface Lexed {
  items: Item[];
  includes: string[];
  warnings: string[];
}

function lex(text: string): Lexed {
  const items: Item[] = [];
  const includes: string[] = [];
  const warnings: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let warnedDefinitions = false;
  lines.forEach((physical, index) => {
    const line = index + 1;
    const { text: content, unterminatedQuote } = stripComment(physical);
    const trimmed = content.trim();
    if (!trimmed) return;
    if (unterminatedQuote) warnings.push(at(line, `a double quote is not closed; keepalived reads the rest of the line as one string.`));
    const include = /^include[rmwba]?\s+(.*)$/.exec(trimmed);
    if (include) {
      includes.push(unquote(include[1]!.trim()));
      return;
    }
    if (/^\$[A-Za-z_]\w*\s*=/.test(trimmed) || trimmed.startsWith('@')) {
      if (!warnedDefinitions) {
        warnings.push(at(line, `parameter definitions ($NAME=...) and @conditional lines are not evaluated by the grader; write the values out.`));
        warnedDefinitions = true;
      }
      return;
    }
    // Every brace outside double quotes is an item of its own (keepalived splits the line there).
    let segment = '';
    let inQuote = false;
    const flush = () => {
      const raw = segment.trim();
      if (raw) items.push({ kind: 'stmt', words: splitWords(raw), raw, line });
      segment = '';
    };
    for (const ch of content) {
      if (ch === '"') inQuote = !inQuote;
      if (!inQuote && (ch === '{' || ch === '}')) {
        flush();
        items.push({ kind: ch === '{' ? 'open' : 'close', line });
      } else {
        segment += ch;
      }
    }
    flush();
  });
  return { items, includes, warnings };
}

/** keepalived's decomment(): `#` or `!` outside double quotes ends the line; `\#` and `\!` are literal. */
function stripComment(line: string): { text: string; unterminatedQuote: boolean } {
  let out = '';
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') inQuote = !inQuote;
    else if (ch === '\\' && !inQuote && (line[i + 1] === '#' || line[i + 1] === '!')) {
      out += line[i + 1];
      i++;
      continue;
    } else if (!inQuote && (ch === '#' || ch === '!')) break;
    out += ch;
  }
  return { text: out, unterminatedQuote: inQuote };
}

/** keepalived's alloc_strvec_r(): blanks separate words; "a quoted string" is one word without quotes. */
function splitWords(raw: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < raw.length) {
    while (i < raw.length && /\s/.test(raw[i]!)) i++;
    if (i >= raw.length) break;
    if (raw[i] === '"') {
      const end = raw.indexOf('"', i + 1);
      const stop = end === -1 ? raw.length : end;
      words.push({ text: raw.slice(i + 1, stop), quoted: true });
      i = stop + 1;
    } else {
      let j = i;
      while (j < raw.length && !/\s/.test(raw[j]!) && raw[j] !== '"') j++;
      words.push({ text: raw.slice(i, j), quoted: false });
      i = j;
    }
  }
  return words;
}

/**
 * keepalived's alloc_strvec_quoted_escaped(), used for `script` and `notify*` lines: shell-like
 * words, with '...' and "..." quoting (adjacent parts join) and backslash escapes.
 */
function shellWords(raw: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < raw.length) {
    while (i < raw.length && /\s/.test(raw[i]!)) i++;
    if (i >= raw.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < raw.length; i++) {
      const ch = raw[i]!;
      if (ch === '\\' && i + 1 < raw.length) {
        const next = raw[++i]!;
        word += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
      } else if (quote) {
        if (ch === quote) quote = undefined;
        else word += ch;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (/\s/.test(ch)) break;
      else word += ch;
    }
    words.push(word);
  }
  return words;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function at(line: number, message: string): string {
  return `line ${line}: ${message}`;
}

// ---------------------------------------------------------------------------------------------
// Values

const INT = /^[+-]?\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

function parseInteger(s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined || !INT.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}

/** keepalived reads decimal seconds to the microsecond (read_decimal_unsigned_strvec, 6 digits). */
function parseSeconds(s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined || !DECIMAL.test(s)) return undefined;
  const micro = Math.round(Number(s) * 1e6);
  return micro >= min * 1e6 && micro <= max * 1e6 ? micro / 1e6 : undefined;
}

/** keepalived's check_true_false(). */
function parseBool(s: string): boolean | undefined {
  const v = s.toLowerCase();
  if (v === 'true' || v === 'on' || v === 'yes') return true;
  if (v === 'false' || v === 'off' || v === 'no') return false;
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

function isIpAddress(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && IPV6.test(s) && (s.match(/::/g) ?? []).length <= 1);
}

/** Restricted Damerau-Levenshtein distance (a swap of two neighbours counts 1: `bakcup`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known keyword a typo most likely meant: 1 edit for short words, up to 3 for long ones. */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  const allowed = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > allowed) continue; // cannot be close enough
    const distance = editDistance(word.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

const BLOCK_LABEL: Record<BlockKind, string> = {
  root: 'the top level',
  global_defs: 'global_defs',
  vrrp_instance: 'vrrp_instance',
  authentication: 'authentication',
  vrrp_script: 'vrrp_script',
};

/** Where a keyword belongs when it is not valid where it was written. */
function homeOf(keyword: string, here: BlockKind): BlockKind | undefined {
  const order: BlockKind[] = ['vrrp_instance', 'global_defs', 'vrrp_script', 'authentication', 'root'];
  return order.find((kind) => kind !== here && KEYWORDS_OF[kind].has(keyword));
}

// ---------------------------------------------------------------------------------------------
// Parser

interface InstanceDraft {
  name: string;
  line: number;
  state?: 'MASTER' | 'BACKUP';
  interface?: string;
  virtualRouterId?: number;
  priority?: number;
  advertIntS?: number;
  advertLine?: number;
  downTimerAdverts: number;
  nopreempt: boolean;
  nopreemptLine?: number;
  preemptDelayS: number;
  preemptDelayLine?: number;
  authType?: 'PASS' | 'AH';
  authPass?: string;
  authLine?: number;
  virtualIpAddresses: string[];
  unicastSrcIp?: string;
  unicastPeers: string[];
  unicastConfigured: boolean;
  trackScripts: TrackedScript[];
  trackLine?: number;
  notify: VrrpInstance['notify'];
  smtpAlert?: boolean;
  version?: 2 | 3;
  strictMode?: boolean;
}

interface GlobalDraft extends GlobalDefs {
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  downTimerAdverts?: number;
}

type StmtItem = Extract<Item, { kind: 'stmt' }>;

class Parser {
  private pos = 0;
  readonly warnings: string[] = [];
  readonly global: GlobalDraft = { vrrpStrict: false, notificationEmail: [], enableScriptSecurity: false };
  readonly scripts: Record<string, VrrpScript> = {};
  readonly drafts: InstanceDraft[] = [];

  constructor(private readonly items: Item[]) {}

  private warn(line: number, message: string): void {
    this.warnings.push(at(line, message));
  }

  private peek(): Item | undefined {
    return this.items[this.pos];
  }

  private next(): Item | undefined {
    return this.items[this.pos++];
  }

  private nextIsOpen(): boolean {
    return this.peek()?.kind === 'open';
  }

  parse(): void {
    for (let item = this.next(); item; item = this.next()) {
      if (item.kind === 'close') {
        this.warn(item.line, `extra '}' with no block to close; check the braces above it.`);
        continue;
      }
      if (item.kind === 'open') {
        this.warn(item.line, `'{' without a keyword before it; keepalived ignores it.`);
        continue;
      }
      this.rootStatement(item);
    }
  }

  private rootStatement(stmt: StmtItem): void {
    const keyword = stmt.words[0]!.text;
    switch (keyword) {
      case 'global_defs':
        this.extraWords(stmt, 1);
        this.block(stmt, 'global_defs', (s) => this.globalStatement(s));
        return;
      case 'vrrp_script':
        this.vrrpScript(stmt);
        return;
      case 'vrrp_instance':
        this.vrrpInstance(stmt);
        return;
    }
    if (ROOT_KEYWORDS.has(keyword)) {
      // A block the graders do not need (virtual_server, vrrp_sync_group...): skipped whole.
      this.skipBlock();
      return;
    }
    const home = homeOf(keyword, 'root');
    if (home && home !== 'root') {
      this.warn(
        stmt.line,
        `'${keyword}' belongs inside ${/^[aeiou]/.test(BLOCK_LABEL[home]) ? 'an' : 'a'} ${BLOCK_LABEL[home]} block but is outside any block, so keepalived ignores it` +
          (home === 'vrrp_instance' ? ` (if it was inside one, a '}' above closed that vrrp_instance early).` : '.'),
      );
    } else {
      this.unknownKeyword(stmt, 'root');
    }
    // At the top level the contents of an unknown block are unknown keywords too: skip them in one go.
    this.skipBlock();
  }

  /**
   * Reads a `{ ... }` sub-block with keepalived's rules: a missing `{` is reported but the lines
   * still belong to the block; the first `}` ends it; an unknown keyword's `{` is ignored.
   */
  private block(opener: StmtItem, kind: BlockKind, onStatement: (stmt: StmtItem) => void, label = BLOCK_LABEL[kind]): void {
    if (this.nextIsOpen()) this.next();
    else this.warn(opener.line, `'{' missing after ${label}; keepalived reads the following lines as its contents anyway.`);
    let quiet = false; // inside the contents of a mistyped block: one warning already explains them
    for (let item = this.next(); item; item = this.next()) {
      if (item.kind === 'close') return;
      if (item.kind === 'open') {
        if (!quiet) this.warn(item.line, `unexpected '{' in ${label}; keepalived ignores it, so the next '}' closes ${label}.`);
        quiet = true;
        continue;
      }
      const keyword = item.words[0]!.text;
      if (KEYWORDS_OF[kind].has(keyword)) {
        if (item.words.length < 2 && NEEDS_VALUE[kind]?.has(keyword)) {
          this.warn(item.line, `'${keyword}' in ${label} needs a value; without one keepalived stops with "missing a parameter" and does not start.`);
          this.skipBlock();
          continue;
        }
        onStatement(item);
        continue;
      }
      if (!quiet) {
        const opensBlock = this.nextIsOpen();
        this.unknownKeyword(item, kind, label);
        if (opensBlock) {
          // (A top-level keyword here was already explained as a missing '}' above it.)
          if (homeOf(keyword, kind) !== 'root') {
            this.warn(
              item.line,
              `keepalived ignores the '{' after '${keyword}', so the '}' that was meant to close it closes ${label} instead; settings after it fall outside ${label}.`,
            );
          }
          this.next();
          quiet = true;
        }
      }
    }
    this.warn(opener.line, `${label} is not closed: a '}' is missing before the end of the file.`);
  }

  private unknownKeyword(stmt: StmtItem, kind: BlockKind, label = BLOCK_LABEL[kind]): void {
    const keyword = stmt.words[0]!.text;
    const home = homeOf(keyword, kind);
    if (home === 'root') {
      this.warn(stmt.line, `'${keyword}' starts a top-level block, but ${label} is still open: a '}' is missing above this line. keepalived ignores this line and reads what follows as part of ${label}.`);
      return;
    }
    if (home) {
      this.warn(stmt.line, `'${keyword}' is not valid in ${label}; it belongs in ${BLOCK_LABEL[home]}. keepalived ignores it here.`);
      return;
    }
    const suggestion = closest(keyword, KEYWORDS_OF[kind]) ?? closest(keyword, [...INSTANCE_KEYWORDS, ...GLOBAL_KEYWORDS, ...ROOT_KEYWORDS]);
    const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';
    this.warn(stmt.line, `unknown keyword '${keyword}' in ${label}; keepalived ignores it.${hint}`);
  }

  /** Skips an optional `{ ... }` after a keyword, braces balanced. */
  private skipBlock(): void {
    if (!this.nextIsOpen()) return;
    const start = this.next()!;
    let depth = 1;
    for (let item = this.next(); item; item = this.next()) {
      if (item.kind === 'open') depth++;
      else if (item.kind === 'close' && --depth === 0) return;
    }
    this.warn(start.line, `the block opened here is not closed: a '}' is missing before the end of the file.`);
  }

  /** The statements of a value block (`virtual_ipaddress { ... }`): one entry per line. */
  private valueLines(opener: StmtItem): StmtItem[] {
    const keyword = opener.words[0]!.text;
    if (opener.words.length > 1) this.warn(opener.line, `'${keyword}' takes its values inside { }, one per line; '${opener.words.slice(1).map((w) => w.text).join(' ')}' is ignored.`);
    if (this.nextIsOpen()) this.next();
    else this.warn(opener.line, `'{' missing after ${keyword}; keepalived reads the following lines as its values until the next '}'.`);
    const lines: StmtItem[] = [];
    for (let item = this.next(); item; item = this.next()) {
      if (item.kind === 'close') return lines;
      if (item.kind === 'open') continue;
      lines.push(item);
    }
    this.warn(opener.line, `${keyword} is not closed: a '}' is missing before the end of the file.`);
    return lines;
  }

  /** keepalived ignores words beyond those a keyword takes; often a sign of two settings on one line. */
  private extraWords(stmt: StmtItem, takes: number): void {
    if (stmt.words.length <= takes) return;
    const extra = stmt.words.slice(takes).map((w) => w.text).join(' ');
    this.warn(stmt.line, `'${stmt.words[0]!.text}' takes ${takes === 1 ? 'no value' : takes === 2 ? 'one value' : `${takes - 1} values`}; keepalived ignores '${extra}'. Put each setting on its own line.`);
  }

  private value(stmt: StmtItem, what: string): string | undefined {
    const v = stmt.words[1]?.text;
    if (v === undefined) this.warn(stmt.line, `'${stmt.words[0]!.text}' needs ${what}; keepalived ignores it.`);
    return v;
  }

  // --- global_defs -----------------------------------------------------------------------------

  private globalStatement(stmt: StmtItem): void {
    const g = this.global;
    const keyword = stmt.words[0]!.text;
    switch (keyword) {
      case 'router_id': {
        const v = this.value(stmt, 'a name');
        if (v !== undefined) g.routerId = stmt.words.slice(1).map((w) => w.text).join(' ');
        break;
      }
      case 'vrrp_strict':
        g.vrrpStrict = true;
        break;
      case 'smtp_server': {
        g.smtpServer = stmt.words[1]!.text; // present: NEEDS_VALUE checked it
        const port = stmt.words[2]?.text;
        if (port !== undefined) {
          const p = parseInteger(port, 1, 65535);
          if (p === undefined) {
            this.warn(stmt.line, `keepalived reads '${port}' after smtp_server as the port, which is not a number, and rejects the smtp_server: no mail is sent. Comments must start with '#'.`);
            delete g.smtpServer;
          } else g.smtpPort = p;
        }
        break;
      }
      case 'notification_email':
        for (const entry of this.valueLines(stmt)) {
          for (const w of entry.words) {
            g.notificationEmail.push(w.text);
            if (!w.text.includes('@')) {
              this.warn(entry.line, `notification_email lists '${w.text}', which is not an email address (is the block's '}' missing or misplaced?).`);
            }
          }
        }
        break;
      case 'notification_email_from': {
        const v = this.value(stmt, 'an address');
        if (v !== undefined) g.notificationEmailFrom = v;
        break;
      }
      case 'enable_script_security':
        g.enableScriptSecurity = true;
        break;
      case 'script_user': {
        const v = this.value(stmt, 'a user name');
        if (v !== undefined) g.scriptUser = v;
        break;
      }
      case 'vrrp_version': {
        const v = parseInteger(stmt.words[1]?.text, 2, 3);
        if (v === undefined) this.warn(stmt.line, `vrrp_version must be 2 or 3; keepalived ignores '${stmt.words[1]?.text ?? ''}'.`);
        else g.vrrpVersion = v as 2 | 3;
        break;
      }
      case 'smtp_alert':
      case 'smtp_alert_vrrp': {
        const v = stmt.words[1] ? parseBool(stmt.words[1].text) : true;
        if (v === undefined) this.warn(stmt.line, `${keyword} takes on/off, true/false or yes/no; keepalived ignores '${stmt.words[1]!.text}'.`);
        else if (keyword === 'smtp_alert') g.smtpAlert = v;
        else g.smtpAlertVrrp = v;
        break;
      }
      case 'vrrp_down_timer_adverts': {
        const v = parseInteger(stmt.words[1]?.text, 1, 100);
        if (v === undefined) this.warn(stmt.line, `vrrp_down_timer_adverts must be a whole number from 1 to 100; keepalived ignores it.`);
        else g.downTimerAdverts = v;
        break;
      }
      default:
        this.skipBlock();
    }
  }

  // --- vrrp_script -----------------------------------------------------------------------------

  private vrrpScript(opener: StmtItem): void {
    const name = opener.words[1]?.text;
    if (!name) {
      this.warn(opener.line, `vrrp_script needs a name (vrrp_script chk_nginx { ... }); without one keepalived stops with "missing a parameter" and does not start.`);
      this.skipBlock();
      return;
    }
    this.extraWords(opener, 2);
    const script: VrrpScript = { name, intervalS: 1, weight: 0, weightReverse: false, fall: 1, rise: 1, line: opener.line };
    const label = `vrrp_script ${name}`;
    this.block(opener, 'vrrp_script', (stmt) => this.scriptStatement(stmt, script, label), label);
    if (script.script === undefined) {
      this.warn(opener.line, `${label} has no 'script' line, so keepalived drops it and every track_script naming it.`);
      return;
    }
    if (this.scripts[name]) {
      this.warn(opener.line, `${label} is defined twice; keepalived tracks the first one (line ${this.scripts[name].line}).`);
      return;
    }
    this.scripts[name] = script;
  }

  private scriptStatement(stmt: StmtItem, script: VrrpScript, label: string): void {
    const keyword = stmt.words[0]!.text;
    const arg = stmt.words[1]?.text;
    switch (keyword) {
      case 'script': {
        const words = shellWords(stmt.raw).slice(1);
        if (words.length === 0) {
          this.warn(stmt.line, `'script' needs a command.`);
          break;
        }
        script.script = words[0]!;
        if (words.length > 1) {
          this.warn(
            stmt.line,
            `keepalived runs only '${words[0]}' here and drops '${words.slice(1).join(' ')}': put the whole command in double quotes (script "${words.join(' ')}").`,
          );
        }
        break;
      }
      case 'interval': {
        const v = parseInteger(arg, 0, 4294);
        if (v === undefined) this.warn(stmt.line, `${label}: interval must be a whole number of seconds; keepalived ignores '${arg ?? ''}' and runs the script every ${script.intervalS} s.`);
        else if (v === 0) {
          this.warn(stmt.line, `${label}: interval 0 is not allowed; keepalived uses 1.`);
          script.intervalS = 1;
        } else script.intervalS = v;
        break;
      }
      case 'timeout': {
        const v = parseInteger(arg, 0, 4294);
        if (v === undefined) this.warn(stmt.line, `${label}: timeout must be a whole number of seconds; keepalived ignores '${arg ?? ''}'.`);
        else script.timeoutS = Math.max(1, v);
        break;
      }
      case 'weight': {
        const v = parseInteger(arg, -SCRIPT_WEIGHT_MAX, SCRIPT_WEIGHT_MAX);
        if (v === undefined) this.warn(stmt.line, `${label}: weight must be a whole number from -253 to 253; keepalived ignores '${arg ?? ''}'.`);
        else script.weight = v;
        const option = stmt.words[2]?.text;
        if (option === 'reverse') script.weightReverse = true;
        else if (option !== undefined) this.warn(stmt.line, `${label}: unknown weight option '${option}' (only 'reverse' is allowed).`);
        break;
      }
      case 'fall':
      case 'rise': {
        const v = parseInteger(arg, 1, 2 ** 31 - 1);
        if (v === undefined) this.warn(stmt.line, `${label}: ${keyword} must be a whole number of at least 1; keepalived uses 1.`);
        script[keyword] = v ?? 1;
        break;
      }
      default:
        break; // user, init_fail: accepted, not modelled
    }
  }

  // --- vrrp_instance ---------------------------------------------------------------------------

  private vrrpInstance(opener: StmtItem): void {
    const name = opener.words[1]?.text;
    if (!name || opener.words.length > 2) {
      this.warn(opener.line, `vrrp_instance must have exactly one name (vrrp_instance VI_1 { ... }); keepalived skips this block.`);
      this.skipBlock();
      return;
    }
    if (this.drafts.some((d) => d.name === name)) {
      this.warn(opener.line, `vrrp_instance ${name} is already defined; keepalived skips this second block.`);
      this.skipBlock();
      return;
    }
    const draft: InstanceDraft = {
      name,
      line: opener.line,
      // keepalived copies the global default when it creates the instance (alloc_vrrp).
      downTimerAdverts: this.global.downTimerAdverts ?? DOWN_TIMER_ADVERTS_DEFAULT,
      nopreempt: false,
      preemptDelayS: 0,
      virtualIpAddresses: [],
      unicastPeers: [],
      unicastConfigured: false,
      trackScripts: [],
      notify: {},
    };
    this.drafts.push(draft);
    const label = `vrrp_instance ${name}`;
    this.block(opener, 'vrrp_instance', (stmt) => this.instanceStatement(stmt, draft, label), label);
  }

  private instanceStatement(stmt: StmtItem, d: InstanceDraft, label: string): void {
    const keyword = stmt.words[0]!.text;
    const arg = stmt.words[1]?.text;
    switch (keyword) {
      case 'state':
        this.extraWords(stmt, 2);
        if (arg === 'MASTER') d.state = 'MASTER';
        else if (arg === 'BACKUP') {
          if (d.state === 'MASTER') this.warn(stmt.line, `${label}: state was already set to MASTER; keepalived ignores this BACKUP.`);
          else d.state = 'BACKUP';
        } else {
          this.warn(stmt.line, `${label}: state must be MASTER or BACKUP in capitals; keepalived reads '${arg ?? ''}' as BACKUP.`);
          if (d.state !== 'MASTER') d.state = 'BACKUP';
        }
        break;
      case 'interface':
        this.extraWords(stmt, 2);
        if (this.value(stmt, 'an interface name') !== undefined) d.interface = arg;
        break;
      case 'virtual_router_id': {
        this.extraWords(stmt, 2);
        const v = parseInteger(arg, 1, 255);
        if (v === undefined) this.warn(stmt.line, `${label}: virtual_router_id must be a whole number from 1 to 255; keepalived ignores '${arg ?? ''}'.`);
        else d.virtualRouterId = v;
        break;
      }
      case 'priority': {
        this.extraWords(stmt, 2);
        const v = parseInteger(arg, 1, PRIORITY_OWNER);
        if (v === undefined) {
          this.warn(stmt.line, `${label}: priority must be a whole number from 1 to 255; keepalived uses ${PRIORITY_DEFAULT} instead of '${arg ?? ''}'.`);
          d.priority = PRIORITY_DEFAULT;
        } else d.priority = v;
        break;
      }
      case 'advert_int': {
        this.extraWords(stmt, 2);
        const v = parseSeconds(arg, 0.01, 255);
        if (v === undefined) this.warn(stmt.line, `${label}: advert_int must be a number of seconds from 0.01 to 255; keepalived ignores '${arg ?? ''}'.`);
        else {
          d.advertIntS = v;
          d.advertLine = stmt.line;
        }
        break;
      }
      case 'version': {
        const v = parseInteger(arg, 2, 3);
        if (v === undefined) this.warn(stmt.line, `${label}: version must be 2 or 3; keepalived ignores '${arg ?? ''}'.`);
        else d.version = v as 2 | 3;
        break;
      }
      case 'nopreempt':
        this.extraWords(stmt, 1);
        d.nopreempt = true;
        d.nopreemptLine = stmt.line;
        break;
      case 'preempt':
        d.nopreempt = false;
        break;
      case 'preempt_delay': {
        this.extraWords(stmt, 2);
        const v = parseSeconds(arg, 0, 1000);
        if (v === undefined) {
          this.warn(stmt.line, `${label}: preempt_delay must be a number of seconds from 0 to 1000; keepalived uses 0.`);
          d.preemptDelayS = 0;
        } else {
          d.preemptDelayS = v;
          d.preemptDelayLine = stmt.line;
        }
        break;
      }
      case 'authentication':
        this.extraWords(stmt, 1);
        d.authLine = stmt.line;
        this.block(stmt, 'authentication', (s) => this.authStatement(s, d, label), `the authentication block of ${label}`);
        break;
      case 'virtual_ipaddress':
        for (const entry of this.valueLines(stmt)) {
          const address = entry.words[0]!.text.replace(/\/\d+$/, '');
          if (!isIpAddress(address)) {
            this.warn(entry.line, `${label}: '${entry.words[0]!.text}' in virtual_ipaddress is not an IP address; keepalived rejects it.`);
            continue;
          }
          d.virtualIpAddresses.push(address);
        }
        break;
      case 'unicast_src_ip':
        this.extraWords(stmt, 2);
        if (arg === undefined) this.warn(stmt.line, `${label}: unicast_src_ip needs an address.`);
        else if (!isIpAddress(arg)) this.warn(stmt.line, `${label}: unicast_src_ip '${arg}' is not an IP address; keepalived rejects it.`);
        else d.unicastSrcIp = arg;
        break;
      case 'unicast_peer':
        d.unicastConfigured = true;
        for (const entry of this.valueLines(stmt)) {
          const address = entry.words[0]!.text;
          if (!isIpAddress(address)) {
            this.warn(entry.line, `${label}: '${address}' in unicast_peer is not an IP address; keepalived ignores it.`);
            continue;
          }
          d.unicastPeers.push(address);
        }
        break;
      case 'track_script':
        d.trackLine = stmt.line;
        for (const entry of this.valueLines(stmt)) this.trackScriptEntry(entry, d, label);
        break;
      case 'notify_master':
      case 'notify_backup':
      case 'notify_fault':
      case 'notify_stop':
      case 'notify': {
        const slot = keyword === 'notify' ? 'any' : (keyword.slice('notify_'.length) as 'master' | 'backup' | 'fault' | 'stop');
        this.notifyStatement(stmt, d, slot, label);
        break;
      }
      case 'smtp_alert': {
        const v = arg === undefined ? true : parseBool(arg);
        if (v === undefined) this.warn(stmt.line, `${label}: smtp_alert takes on/off, true/false or yes/no; keepalived ignores '${arg}'.`);
        else d.smtpAlert = v;
        break;
      }
      case 'strict_mode': {
        const v = arg === undefined ? true : parseBool(arg);
        if (v === undefined) this.warn(stmt.line, `${label}: strict_mode takes on/off, true/false or yes/no; keepalived ignores '${arg}'.`);
        else d.strictMode = v;
        break;
      }
      case 'down_timer_adverts': {
        const v = parseInteger(arg, 1, 100);
        if (v === undefined) this.warn(stmt.line, `${label}: down_timer_adverts must be a whole number from 1 to 100; keepalived ignores '${arg ?? ''}'.`);
        else d.downTimerAdverts = v;
        break;
      }
      default:
        // Known to keepalived, not needed by the graders (use_vmac, track_interface { }, garp_*...).
        this.skipBlock();
    }
  }

  private authStatement(stmt: StmtItem, d: InstanceDraft, label: string): void {
    const keyword = stmt.words[0]!.text;
    const arg = stmt.words[1]?.text;
    this.extraWords(stmt, 2);
    if (keyword === 'auth_type') {
      if (arg === 'PASS' || arg === 'AH') d.authType = arg;
      else this.warn(stmt.line, `${label}: auth_type must be PASS or AH in capitals; keepalived ignores '${arg ?? ''}'.`);
    } else if (arg === undefined) {
      this.warn(stmt.line, `${label}: auth_pass needs a password.`);
    } else {
      d.authPass = arg;
      if (arg.length > AUTH_PASS_LENGTH) {
        this.warn(stmt.line, `${label}: keepalived uses only the first ${AUTH_PASS_LENGTH} characters of auth_pass ('${arg.slice(0, AUTH_PASS_LENGTH)}').`);
      }
    }
  }

  /** A track_script line is `NAME [weight N [reverse|noreverse]]` (vrrp_track.c alloc_track_script). */
  private trackScriptEntry(entry: StmtItem, d: InstanceDraft, label: string): void {
    const [nameWord, option, weightText, reverseText] = entry.words.map((w) => w.text);
    const name = nameWord!;
    const script = this.scripts[name];
    if (!script) {
      const later = this.items.slice(this.pos).some((i) => i.kind === 'stmt' && i.words[0]?.text === 'vrrp_script' && i.words[1]?.text === name);
      const hint = later
        ? ` it is defined further down: keepalived only finds vrrp_script blocks written above the vrrp_instance, so move it up.`
        : ` define vrrp_script ${name} { ... } above the vrrp_instance.`;
      this.warn(entry.line, `${label}: track_script '${name}' names no vrrp_script keepalived knows, so it is ignored;${hint}`);
      return;
    }
    if (d.trackScripts.some((t) => t.name === name)) {
      this.warn(entry.line, `${label}: track_script '${name}' is listed twice; keepalived ignores the second.`);
      return;
    }
    const tracked: TrackedScript = { name };
    if (option !== undefined) {
      if (option !== 'weight') {
        this.warn(
          entry.line,
          `${label}: track_script line '${entry.raw}' is not 'NAME [weight N]', so keepalived ignores it and does not track ${name}. Comments must start with '#'.`,
        );
        return;
      }
      if (weightText === undefined) {
        this.warn(entry.line, `${label}: 'weight' without a value after track_script ${name}; keepalived ignores the line.`);
        return;
      }
      const w = parseInteger(weightText, -254, 254);
      if (w === undefined) {
        this.warn(entry.line, `${label}: track_script ${name} weight must be from -253 to 253; keepalived uses the script's own weight (${script.weight}).`);
      } else if (Math.abs(w) === 254) {
        this.warn(entry.line, `${label}: track_script ${name} weight ${w} is out of range; keepalived uses ${Math.sign(w) * SCRIPT_WEIGHT_MAX}.`);
        tracked.weight = Math.sign(w) * SCRIPT_WEIGHT_MAX;
      } else tracked.weight = w;
      if (reverseText === 'reverse') tracked.reverse = true;
      else if (reverseText === 'noreverse') tracked.reverse = false;
      else if (reverseText !== undefined) this.warn(entry.line, `${label}: unknown track_script option '${reverseText}' (reverse or noreverse); keepalived ignores it.`);
    }
    d.trackScripts.push(tracked);
  }

  /** keepalived takes the first word as the command and a second word as the user to run it as. */
  private notifyStatement(stmt: StmtItem, d: InstanceDraft, slot: keyof VrrpInstance['notify'], label: string): void {
    const keyword = stmt.words[0]!.text;
    const words = shellWords(stmt.raw).slice(1);
    if (words.length === 0) {
      this.warn(stmt.line, `${label}: ${keyword} needs a command.`);
      return;
    }
    if (d.notify[slot] !== undefined) {
      this.warn(stmt.line, `${label}: ${keyword} is set twice; keepalived keeps the first.`);
      return;
    }
    if (words.length > 1 && !NODE_USERS.has(words[1]!)) {
      this.warn(
        stmt.line,
        `${label}: keepalived reads '${keyword} ${words.join(' ')}' as the command '${words[0]}' run as user '${words[1]}', and drops it as there is no such user. Quote the whole command: ${keyword} "${words.join(' ')}".`,
      );
      return;
    }
    d.notify[slot] = words[0]!;
  }

  // --- after the whole file (keepalived's vrrp_complete_instance) --------------------------------

  finish(): { instances: VrrpInstance[] } {
    const instances = this.drafts.map((d) => this.complete(d));
    if (instances.length === 0) this.warnings.push('there is no vrrp_instance block, so keepalived runs no VRRP and never holds a VIP.');
    const used = new Set(instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
    for (const name of Object.keys(this.scripts)) {
      if (!used.has(name)) this.warn(this.scripts[name]!.line, `vrrp_script ${name} is not used by any track_script, so keepalived never runs it.`);
    }
    const seen = new Map<string, VrrpInstance>();
    for (const inst of instances) {
      if (inst.virtualRouterId === undefined) continue;
      const key = `${inst.interface ?? ''}/${inst.virtualRouterId}/${inst.unicastPeers.length > 0 ? 'unicast' : 'multicast'}`;
      const other = seen.get(key);
      if (other) {
        this.warn(inst.line, `vrrp_instance ${inst.name} uses virtual_router_id ${inst.virtualRouterId} like ${other.name} on the same interface; each instance needs its own id.`);
      } else seen.set(key, inst);
    }
    return { instances };
  }

  private complete(d: InstanceDraft): VrrpInstance {
    const label = `vrrp_instance ${d.name}`;
    const g = this.global;
    const strictMode = d.strictMode ?? g.vrrpStrict;
    const hasIpv6 = d.virtualIpAddresses.some((a) => a.includes(':'));
    let effectiveVersion: 2 | 3 = d.version ?? (hasIpv6 ? 3 : (g.vrrpVersion ?? 2));
    if (hasIpv6 && strictMode && effectiveVersion === 2) {
      this.warn(d.line, `${label}: strict mode needs VRRPv3 for IPv6 addresses; keepalived uses version 3.`);
      effectiveVersion = 3;
    }

    if (d.virtualRouterId === undefined) this.warn(d.line, `${label} has no virtual_router_id; keepalived refuses to run it. Use the same id (1-255) on both nodes.`);
    if (d.virtualIpAddresses.length === 0) {
      this.warn(d.line, `${label} has no virtual_ipaddress, so there is no VIP to move${effectiveVersion === 3 || strictMode ? ' (with VRRPv3 or strict mode keepalived refuses to run it)' : ''}.`);
    }

    // keepalived 2.2.7 derives a missing priority from the state: MASTER means address owner.
    let priority = d.priority;
    if (priority === undefined) {
      if (d.state === 'MASTER') {
        priority = PRIORITY_OWNER;
        this.warn(d.line, `${label} has state MASTER and no priority, so keepalived gives it priority 255 (address owner): it takes the VIP at once, nopreempt does not apply and track_script weights are ignored. Set a priority (e.g. 100) to avoid this.`);
      } else priority = PRIORITY_DEFAULT;
    }

    let state = d.state;
    if (strictMode && state === 'MASTER' && priority !== PRIORITY_OWNER) {
      this.warn(d.line, `${label}: in strict mode (vrrp_strict) state MASTER requires priority 255; keepalived starts it as BACKUP.`);
      state = 'BACKUP';
    }

    let authPassEffective: string | undefined;
    if (d.authType !== undefined || d.authPass !== undefined) {
      const line = d.authLine ?? d.line;
      if (strictMode) this.warn(line, `${label}: strict mode (vrrp_strict) does not support authentication; keepalived ignores the authentication block.`);
      else if (effectiveVersion === 3) this.warn(line, `${label}: VRRPv3 has no authentication; keepalived ignores the authentication block.`);
      else if (d.authType === undefined) this.warn(line, `${label}: auth_pass without auth_type; keepalived uses no authentication. Add auth_type PASS.`);
      else if (d.authPass === undefined) this.warn(line, `${label}: auth_type ${d.authType} without auth_pass; keepalived uses no authentication.`);
      else authPassEffective = d.authPass.slice(0, AUTH_PASS_LENGTH);
    }

    if (d.unicastConfigured && d.unicastPeers.length === 0) {
      this.warn(d.line, `${label}: unicast_peer lists no address, so keepalived falls back to multicast.`);
    }
    if (strictMode && d.unicastPeers.length > 0) {
      this.warn(d.line, `${label}: strict mode (vrrp_strict) does not allow unicast peers; keepalived refuses to run this instance. Remove vrrp_strict.`);
    }

    let nopreempt = d.nopreempt;
    let preemptDelayS = d.preemptDelayS;
    if (priority === PRIORITY_OWNER && nopreempt) {
      this.warn(d.nopreemptLine ?? d.line, `${label}: nopreempt does not work with priority 255; keepalived clears it.`);
      nopreempt = false;
    }
    if (state === 'MASTER') {
      if (nopreempt) {
        this.warn(d.nopreemptLine ?? d.line, `${label}: nopreempt does not work with state MASTER; keepalived clears it, so this node takes the VIP back. Use state BACKUP on both nodes.`);
        nopreempt = false;
      }
      if (preemptDelayS > 0) {
        this.warn(d.preemptDelayLine ?? d.line, `${label}: preempt_delay does not work with state MASTER; keepalived clears it. Use state BACKUP.`);
        preemptDelayS = 0;
      }
    }
    if (preemptDelayS > 0 && (strictMode || nopreempt)) {
      this.warn(d.preemptDelayLine ?? d.line, `${label}: preempt_delay has no effect with ${strictMode ? 'strict mode' : 'nopreempt'}; keepalived resets it to 0.`);
      preemptDelayS = 0;
    }

    let downTimerAdverts = d.downTimerAdverts;
    if (strictMode && downTimerAdverts !== DOWN_TIMER_ADVERTS_DEFAULT) {
      this.warn(d.line, `${label}: down_timer_adverts cannot be changed in strict mode; keepalived uses ${DOWN_TIMER_ADVERTS_DEFAULT}.`);
      downTimerAdverts = DOWN_TIMER_ADVERTS_DEFAULT;
    }

    const advertIntS = this.effectiveAdvert(d, effectiveVersion, label);

    let trackScripts = d.trackScripts;
    if (priority === PRIORITY_OWNER) {
      const weighted = trackScripts.filter((t) => (t.weight ?? this.scripts[t.name]!.weight) !== 0);
      if (weighted.length > 0) {
        this.warn(d.trackLine ?? d.line, `${label} has priority 255 (address owner), so keepalived ignores the weights of ${weighted.map((t) => t.name).join(', ')}: a failing check cannot lower its priority.`);
        trackScripts = trackScripts.filter((t) => !weighted.includes(t));
      }
    }

    return {
      name: d.name,
      line: d.line,
      ...(d.state ? { state: d.state } : {}),
      ...(d.interface !== undefined ? { interface: d.interface } : {}),
      ...(d.virtualRouterId !== undefined ? { virtualRouterId: d.virtualRouterId } : {}),
      priority,
      advertIntS,
      downTimerAdverts,
      nopreempt,
      nopreemptWritten: d.nopreempt,
      preemptDelayS,
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
  private effectiveAdvert(d: InstanceDraft, version: 2 | 3, label: string): number {
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
      this.warn(d.advertLine ?? d.line, `${label}: ${why}; keepalived uses advert_int ${seconds} instead of ${configured}.`);
    }
    return seconds;
  }
}

/** Parses keepalived.conf text. Never throws: whatever is wrong ends up in `warnings`. */
export function parseKeepalivedConfig(text: string): KeepalivedConfig {
  const lexed = lex(text);
  const parser = new Parser(lexed.items);
  parser.parse();
  const { instances } = parser.finish();
  const { smtpAlert: _smtpAlert, smtpAlertVrrp: _smtpAlertVrrp, downTimerAdverts: _downTimerAdverts, ...global } = parser.global;
  return {
    global,
    scripts: parser.scripts,
    instances,
    includes: lexed.includes,
    warnings: sortByLine([...lexed.warnings, ...parser.warnings]),
  };
}

/** Warnings in file order (stable for equal lines), so a learner reads them top to bottom. */
function sortByLine(warnings: string[]): string[] {
  const lineOf = (w: string) => Number(/^line (\d+):/.exec(w)?.[1] ?? Infinity);
  return warnings.map((w, i) => ({ w, i })).sort((a, b) => lineOf(a.w) - lineOf(b.w) || a.i - b.i).map((x) => x.w);
}
