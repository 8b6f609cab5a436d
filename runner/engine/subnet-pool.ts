/**
 * Subnets for lab copies that do not use their lab's canonical one (classroom sessions, many
 * solutions checked at once, a second check while a first holds the canonical copy). A pool is a
 * range of /24s (default 10.89.0.0/16, 256 copies; KALAB_SUBNET_POOL or the caller can set
 * another); a /24 is free when no network on the engine overlaps it and it is no lab's canonical
 * subnet. Two processes may pick the same /24 at once: the engine refuses the second network,
 * and the caller takes the next one (LabInstance.start does, see createNetwork).
 */
import type Docker from 'dockerode';
import { KalabError } from '../shared/errors.ts';

export const DEFAULT_SUBNET_POOL = '10.89.0.0/16';

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface Cidr {
  base: number;
  size: number;
}

export function parseCidr(cidr: string): Cidr {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr.trim());
  const bits = m ? Number(m[2]) : NaN;
  if (!m || m[1]!.split('.').some((o) => Number(o) > 255) || bits > 24 || bits < 8) {
    throw new KalabError(`"${cidr}" is not a subnet pool kalab can use: give an IPv4 range of /24s such as ${DEFAULT_SUBNET_POOL} (a prefix from /8 to /24).`);
  }
  const size = 2 ** (32 - bits);
  return { base: Math.floor(toInt(m[1]!) / size) * size, size };
}

function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Every /24 of the pool, in order. */
export function poolSubnets(pool: string): string[] {
  const { base, size } = parseCidr(pool);
  const out: string[] = [];
  for (let n = base; n < base + size; n += 256) out.push(`${toIp(n)}/24`);
  return out;
}

/** The pool's /24s that overlap none of `taken` (CIDRs) and are none of `reserved`. */
export function freeSubnets(pool: string, taken: readonly string[], reserved: readonly string[] = []): string[] {
  const busy = taken.flatMap((t) => {
    try {
      return [parseCidrLoose(t)];
    } catch {
      return [];
    }
  });
  return poolSubnets(pool).filter((s) => !reserved.includes(s) && !busy.some((b) => overlaps(parseCidr(s), b)));
}

/** Any IPv4 CIDR the engine reports (a /16 bridge, a /30...), for overlap tests. */
function parseCidrLoose(cidr: string): Cidr {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new Error('not IPv4');
  const size = 2 ** (32 - Number(m[2]));
  return { base: Math.floor(toInt(m[1]!) / size) * size, size };
}

/** The IPv4 subnets of every network the engine has. */
export async function engineSubnets(docker: Docker): Promise<string[]> {
  const networks = await docker.listNetworks();
  return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter((s) => s.includes('.')));
}

export function subnetPool(env: NodeJS.ProcessEnv = process.env): string {
  return env.KALAB_SUBNET_POOL?.trim() || DEFAULT_SUBNET_POOL;
}
