/**
 * Parsers for the line-oriented tools the observer runs inside nodes. Pure functions, so the
 * formats are pinned by unit tests.
 */
import type { VrrpState } from '../shared/events.ts';

export interface AddressLine {
  deleted: boolean;
  iface: string;
  address: string;
  prefix: number;
}

/**
 * One line of `ip -o monitor address` or `ip -o addr show`:
 *   "2: eth0    inet 10.88.1.100/24 scope global secondary eth0\       valid_lft forever ..."
 *   "Deleted 2: eth0    inet 10.88.1.100/24 scope global secondary eth0 ..."
 * Some iproute2 versions prefix monitor lines with "[ADDR]"; IPv6 lines are parsed too.
 */
export function parseAddressLine(line: string): AddressLine | undefined {
  const m = /^(?:\[ADDR\]\s*)?(Deleted\s+)?\d+:\s+(\S+?)(?:@\S+)?\s+inet6?\s+([0-9a-fA-F.:]+)\/(\d+)/.exec(line.trim());
  if (!m) return undefined;
  return { deleted: Boolean(m[1]), iface: m[2]!, address: m[3]!, prefix: Number(m[4]) };
}

export interface AdvertLine {
  src: string;
  dst: string;
  version: number;
  vrid: number;
  priority: number;
  intervalS: number;
}

/**
 * One line of `tcpdump -nn -l 'ip proto 112'`:
 *   "12:00:01.000 IP 10.88.1.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20"
 * VRRPv3 prints the interval in centiseconds ("intvl 100cs").
 */
export function parseAdvertLine(line: string): AdvertLine | undefined {
  const m = /IP6? (\S+) > (\S+?): VRRPv(\d), Advertisement, vrid (\d+), prio (\d+)(?:,.*?intvl (\d+)(s|cs))?/.exec(line);
  if (!m) return undefined;
  const interval = m[6] === undefined ? 1 : m[7] === 'cs' ? Number(m[6]) / 100 : Number(m[6]);
  return {
    src: m[1]!,
    dst: m[2]!,
    version: Number(m[3]),
    vrid: Number(m[4]),
    priority: Number(m[5]),
    intervalS: interval,
  };
}

export type KeepalivedLogEvent =
  | { kind: 'state'; instance: string; state: VrrpState }
  | { kind: 'daemon'; running: boolean };

/**
 * The keepalived log lines that mark a change the grader and the VIP panel care about:
 *   "(VI_1) Entering MASTER STATE", "(VI_1) Entering BACKUP STATE (init)", "(VI_1) Entering FAULT STATE",
 *   "Starting Keepalived v2.2.7 ...", "Stopped Keepalived v2.2.7 ...".
 */
export function parseKeepalivedLogLine(line: string): KeepalivedLogEvent | undefined {
  const state = /\(([^)\s]+)\) Entering (MASTER|BACKUP|FAULT) STATE/.exec(line);
  if (state) return { kind: 'state', instance: state[1]!, state: state[2] as VrrpState };
  if (/Starting Keepalived v/.test(line)) return { kind: 'daemon', running: true };
  if (/Stopped Keepalived v/.test(line)) return { kind: 'daemon', running: false };
  return undefined;
}
