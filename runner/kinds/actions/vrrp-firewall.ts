/**
 * The lab's own firewall for heartbeat faults: one nftables table, `inet kalab_fault`, in a node's
 * network namespace, written from the node's eyes (lab.execBeside: the grader's container beside
 * the node, with its own nft), never by a program the node or a solution could replace. Its input
 * chain drops VRRP (IP protocol 112) arriving at the node, as a firewall that forgot to allow
 * protocol 112 does. keepalived's own table (vrrp_strict) is a different one, so neither touches
 * the other. A learner who runs `nft list ruleset` on the node sees the rule: what such a fault
 * looks like on a real host.
 */
import type { LabInstance } from '../../engine/lab-instance.ts';
import type { NodeName } from '../cast.ts';
import { requireDone } from './node-fault.ts';

export const FAULT_TABLE = 'inet kalab_fault';
const VRRP_PROTOCOL = 112;

/** Drop VRRP arriving at `to` (from `from` only, when given). Adding the same drop twice is harmless. */
export async function dropVrrp(lab: LabInstance, to: NodeName, from?: NodeName): Promise<void> {
  const source = from ? `ip saddr ${lab.addresses.node[from]} ` : '';
  // Priority -300: before any other input chain, so nothing accepts the adverts first.
  const script = [
    `add table ${FAULT_TABLE}`,
    `add chain ${FAULT_TABLE} input { type filter hook input priority -300; policy accept; }`,
    `add rule ${FAULT_TABLE} input ${source}ip protocol ${VRRP_PROTOCOL} counter drop`,
  ].join('\n');
  requireDone(await lab.execBeside(to, `nft -f - <<'EOF'\n${script}\nEOF`, { timeoutS: 10 }), `drop VRRP at ${to}`);
}

/** Remove every heartbeat fault at `node` (none there: nothing to do). */
export async function healVrrp(lab: LabInstance, node: NodeName): Promise<void> {
  const command = `if nft list table ${FAULT_TABLE} >/dev/null 2>&1; then nft delete table ${FAULT_TABLE}; fi`;
  requireDone(await lab.execBeside(node, command, { timeoutS: 10 }), `stop dropping VRRP at ${node}`);
}
