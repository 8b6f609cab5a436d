/**
 * keepalived's own firewall. In strict mode (vrrp_strict) an instance without `accept` must not
 * answer for its VIP, so when it becomes MASTER keepalived 2.2.7 installs an nftables table,
 * `table ip keepalived`, whose rules drop everything that arrives for the VIPs it holds and
 * everything sent from them ("setting firewall drop rule" in its log; seen on a lab node):
 *
 *     table ip keepalived {
 *         set vips { type ipv4_addr; elements = { 10.88.11.100 } }
 *         chain out { type filter hook output priority filter - 1; policy accept; ip saddr @vips drop }
 *         chain in { type filter hook input priority filter - 1; policy accept; ip daddr @vips drop }
 *     }
 *
 * On a backup, with `accept`, or without strict mode there is no such table at all. The rules are read from
 * the node's eyes (its own nft, the node's network namespace), never by a program in the node:
 * `keepalivedTables` reads `nft list ruleset` (a pure function, pinned by unit tests), and
 * `strictDrops` says, as a diagnosis, which rules drop the traffic a check found missing.
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import type { NodeName } from '../kinds/cast.ts';
import { instanceFor } from './diagnose.ts';
import { defineDiagnoses, type Diagnosis } from './diagnosis.ts';
import type { LbFacts } from './facts.ts';

/** A type, not an interface: a diagnosis carries it as plain data. */
export type DropRule = {
  /** The chain it is in: `in` (traffic arriving for the VIP) or `out` (traffic sent from it). */
  chain: string;
  /** The rule as nft prints it: `ip daddr @vips drop`. */
  rule: string;
};

export interface KeepalivedTable {
  /** `ip keepalived`, `ip6 keepalived`, `inet keepalived`: family and name as nft prints them. */
  table: string;
  /** The addresses in its sets: the VIPs keepalived drops traffic for right now. */
  vips: string[];
  drops: DropRule[];
}

/** keepalived's tables in an `nft list ruleset` (another program's tables, such as the lab's own fault table, are not). */
export function keepalivedTables(ruleset: string): KeepalivedTable[] {
  const tables: KeepalivedTable[] = [];
  let table: KeepalivedTable | undefined;
  /** The block being read inside the table: 'set', or a chain's name. */
  let block: string | undefined;
  for (const raw of ruleset.split('\n')) {
    const line = raw.trim();
    const opened = /^table (\S+) (\S+) \{$/.exec(line);
    if (opened) {
      table = opened[2] === 'keepalived' ? { table: `${opened[1]} ${opened[2]}`, vips: [], drops: [] } : undefined;
      if (table) tables.push(table);
      block = undefined;
    } else if (!table) {
      continue;
    } else if (raw === '}') {
      table = undefined; // nft closes a table at the start of a line, its blocks indented
    } else if (line === '}') {
      block = undefined;
    } else if (/^set \S+ \{$/.test(line)) {
      block = 'set';
    } else if (/^chain \S+ \{$/.test(line)) {
      block = line.split(' ')[1];
    } else if (block === 'set') {
      table.vips.push(...(line.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9a-f]*:[0-9a-f:]+\b/gi) ?? []));
    } else if (block && /\bdrop$/.test(line)) {
      table.drops.push({ chain: block, rule: line });
    }
  }
  return tables;
}

export const STRICT_FIREWALL = defineDiagnoses({
  'strict-drops-http': (p: { holder: NodeName; table: string; rules: DropRule[]; instance: string | null }) =>
    `${p.holder} holds the VIP but keepalived's strict mode installed nftables rules that drop traffic to it (table ${p.table}: ${p.rules
      .map((r) => `chain ${r.chain}: ${r.rule}`)
      .join('; ')}): add accept to ${p.instance ? `vrrp_instance ${p.instance}` : 'the vrrp_instance'} to keep strict mode and still take traffic for the VIP, or remove vrrp_strict from global_defs.`,
});

/** keepalived's tables on `node`, read from its eyes. */
export async function readKeepalivedTables(lab: LabInstance, node: NodeName): Promise<KeepalivedTable[]> {
  const r = await lab.execBeside(node, 'nft list ruleset', { timeoutS: 5 });
  return keepalivedTables(r.stdout);
}

/** Why traffic to the VIP finds no one on `holder`, when keepalived's drop rules are why; undefined when it has none. */
export async function strictDrops(lab: LabInstance, holder: NodeName, vip: string, facts: readonly LbFacts[]): Promise<Diagnosis | undefined> {
  const dropping = (await readKeepalivedTables(lab, holder)).find((t) => t.drops.length > 0);
  if (!dropping) return undefined;
  const instance = instanceFor(facts.find((f) => f.node === holder)?.config, vip)?.name ?? null;
  return STRICT_FIREWALL.say('strict-drops-http', { holder, table: dropping.table, rules: dropping.drops, instance });
}
