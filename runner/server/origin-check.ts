/**
 * Which browser pages may open the WebSocket. Anyone whose page can reach /ws gets a root shell in
 * the lab containers, so a page served by another site (or a DNS-rebinding name pointing at
 * 127.0.0.1) must be refused: only the server's own host:port is allowed, plus its loopback
 * equivalents (localhost, 127.0.0.1, [::1]). Comparing against the request's Host header would not
 * do: a rebinding attack controls both.
 */
import { networkInterfaces, hostname } from 'node:os';

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** host:port pairs (lower case, IPv6 in brackets) a page may come from. */
export function allowedOrigins(listenHost: string, port: number, extraHosts: string[] = []): Set<string> {
  const hosts = new Set<string>(LOOPBACK_HOSTS);
  if (WILDCARD_HOSTS.has(listenHost)) {
    // Listening everywhere: a learner reaches the server by one of this machine's own addresses or names.
    hosts.add(hostname().toLowerCase());
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? []) hosts.add(bracketed(a.address));
    }
  } else {
    hosts.add(bracketed(listenHost));
  }
  for (const h of extraHosts) hosts.add(bracketed(h));
  return new Set([...hosts].map((h) => `${h.toLowerCase()}:${port}`));
}

/** True when `origin` (the Origin header) names one of the allowed host:port pairs over http. */
export function isAllowedOrigin(origin: string | undefined, allowed: Set<string>): boolean {
  if (!origin) return false; // browsers always send Origin on a WebSocket; its absence is not a page of ours
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '')) return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowed.has(`${url.hostname.toLowerCase()}:${port}`);
}

function bracketed(host: string): string {
  const h = host.toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}
