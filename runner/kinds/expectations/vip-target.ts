/**
 * Which node, and which of the lab's VIPs, an expectation is about. A lab with one VIP writes the
 * node alone (`vip-on: lb1`); master-master names the VIP by its host number
 * (`vip-on: { node: lb2, vip: 101 }`). No VIP named: the lab's first.
 */
import { z } from 'zod';
import { vipAddress, type LabAddresses } from '../../lab/addresses.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';

/** A VIP as lab.yaml names it: its host number on the lab's subnet (100, 101). */
export const vipHostSchema = z.number().int().min(2).max(254);

/** `lb1`, or `{ node: lb1, vip: 101 }`: kept as written, read through `targetOf`. */
export const nodeAtVipSchema = z.union([nodeNameSchema, z.object({ node: nodeNameSchema, vip: vipHostSchema.optional() }).strict()]);
export type NodeAtVip = z.infer<typeof nodeAtVipSchema>;

export interface Target {
  node: NodeName;
  vip?: number;
}

export function targetOf(params: NodeAtVip): Target {
  return typeof params === 'string' ? { node: params } : params;
}

/** The host numbers the params name (for the lab definition to check against `vips`). */
export const vipsNamed = (params: { vip?: number } | string): number[] => (typeof params === 'object' && params.vip !== undefined ? [params.vip] : []);

/** "VIP" or "VIP .101", for a check's label. */
export const vipWords = ({ vip }: { vip?: number }): string => (vip === undefined ? 'VIP' : `VIP .${vip}`);

/** The address of the VIP the params name, on this lab copy. */
export const addressOf = (addresses: LabAddresses, { vip }: { vip?: number }): string => vipAddress(addresses, vip);
