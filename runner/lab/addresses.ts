/**
 * Addresses of a lab copy. A lab's subnet is canonical for `kalab check` and single-learner mode;
 * a classroom gives each copy its own /24 and the same host numbers.
 */
import { NODE_HOSTS, VIP_HOST, type NodeName } from './definition.ts';

export interface LabAddresses {
  subnet: string;
  gateway: string;
  vip: string;
  node: Record<NodeName, string>;
}

export function addressesFor(subnet: string): LabAddresses {
  const prefix = subnet.replace(/\.0\/24$/, '');
  const node = Object.fromEntries(
    Object.entries(NODE_HOSTS).map(([name, host]) => [name, `${prefix}.${host}`]),
  ) as Record<NodeName, string>;
  return { subnet, gateway: `${prefix}.1`, vip: `${prefix}.${VIP_HOST}`, node };
}

/** Which node an address belongs to, if any. */
export function nodeAt(addresses: LabAddresses, ip: string): NodeName | undefined {
  return (Object.entries(addresses.node) as [NodeName, string][]).find(([, a]) => a === ip)?.[0];
}
