/**
 * The fixed cast of the lab contract: the node names every lab, action and expectation uses, with
 * each node's host number on the lab subnet. Its own module, below the kinds and the lab
 * definition (which re-exports it), so that a kind can name nodes without importing the definition
 * that is built from the kinds.
 */
import { z } from 'zod';

export const NODE_HOSTS = {
  lb1: 11,
  lb2: 12,
  web1: 21,
  web2: 22,
  mail: 25,
  client: 30,
} as const;
export const VIP_HOST = 100;

export type NodeName = keyof typeof NODE_HOSTS;
export const NODE_NAMES = Object.keys(NODE_HOSTS) as NodeName[];
export const nodeNameSchema = z.enum(NODE_NAMES as [NodeName, ...NodeName[]]);

/** What a node is for; decides which services its image starts. */
export type NodeRole = 'lb' | 'web' | 'mail' | 'client';
export function roleOf(node: NodeName): NodeRole {
  if (node === 'lb1' || node === 'lb2') return 'lb';
  if (node === 'web1' || node === 'web2') return 'web';
  return node;
}
