/**
 * Addresses of a lab copy. A lab's subnet is canonical for `kalab check` and single-learner mode;
 * a classroom gives each copy its own /24 and the same host numbers. A lab has one VIP or more
 * (lab.yaml `vips`, host numbers, default [100]); the first is "the VIP" wherever a lab or an
 * expectation names none (every single-VIP lab, and `vip-on: lb1`).
 */
import { NODE_HOSTS, VIP_HOST, type NodeName } from '../kinds/cast.ts';

export interface LabAddresses {
  subnet: string;
  gateway: string;
  /** The first VIP: the one a lab or an expectation means when it names none. */
  vip: string;
  /** Every VIP of the lab, in lab.yaml's order (the first is `vip`). */
  vips: string[];
  node: Record<NodeName, string>;
}

export function addressesFor(subnet: string, vipHosts: readonly number[] = [VIP_HOST]): LabAddresses {
  const prefix = subnet.replace(/\.0\/24$/, '');
  const node = Object.fromEntries(
    Object.entries(NODE_HOSTS).map(([name, host]) => [name, `${prefix}.${host}`]),
  ) as Record<NodeName, string>;
  const vips = (vipHosts.length ? vipHosts : [VIP_HOST]).map((host) => `${prefix}.${host}`);
  return { subnet, gateway: `${prefix}.1`, vip: vips[0]!, vips, node };
}

/**
 * The address of the VIP with this host number (`vip: 101` in lab.yaml), or the first VIP when
 * none is named. A host number the lab does not declare is refused when the lab loads
 * (definition.ts), so here it can only be a programming error.
 */
export function vipAddress(addresses: LabAddresses, host?: number): string {
  if (host === undefined) return addresses.vip;
  const address = addresses.vips.find((a) => a.endsWith(`.${host}`));
  if (!address) throw new Error(`VIP .${host} is not one of this lab's VIPs (${addresses.vips.join(', ')}).`);
  return address;
}

/** Which node an address belongs to, if any. */
export function nodeAt(addresses: LabAddresses, ip: string): NodeName | undefined {
  return (Object.entries(addresses.node) as [NodeName, string][]).find(([, a]) => a === ip)?.[0];
}
