/**
 * What a keepalived.conf means once keepalived 2.2.7 has read it: the result types of
 * parseKeepalivedFiles, re-exported by config.ts (the module importers use).
 *
 * They hold keepalived's values, not what was typed, where the two differ: the fields mirror
 * keepalived's own structures (data_t in keepalived/include/global_data.h, vrrp_script_t in
 * keepalived/include/vrrp_track.h, vrrp_t in keepalived/include/vrrp.h) as far as the graders need.
 */

export interface KeepalivedConfig {
  global: GlobalDefs;
  /** vrrp_script blocks keepalived keeps (a block without `script` is dropped, as keepalived does). */
  scripts: Record<string, VrrpScript>;
  instances: VrrpInstance[];
  /** Targets of `include` lines as written (without surrounding double quotes), in reading order. */
  includes: string[];
  /**
   * Every file read, in the order first read, the main file first. Present when the config has
   * include lines (without them the config is the main file alone).
   */
  files?: string[];
  /**
   * Present with `files`: the include patterns, made absolute and brace-expanded, that matched no
   * file of those given. Whoever reads the node reads the directories includeRoots() names and
   * parses again; what is still listed then matches nothing on the node either, and keepalived
   * reads nothing for it. A quoted pattern is listed without its quotes: keepalived keeps them (and
   * so reads nothing), and the file the learner meant is what tells why.
   */
  unresolvedIncludes?: string[];
  /**
   * What a learner should know, in reading order. Where a line is to blame a warning starts with
   * `line N:` in the main file and `<path> line N:` in an included file.
   */
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
  /** The file the block is written in, when it is not the main file. */
  file?: string;
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
  /** The file the block is written in, when it is not the main file. */
  file?: string;
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
  /** As written (0: none): beside preemptDelayS it tells "preempt_delay cleared" apart from "no preempt_delay". */
  preemptDelayWrittenS: number;
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

