/**
 * More engines than one: a classroom can spread its learners' labs over several Docker engines
 * (the local socket, `tcp://` with TLS, `ssh://`), each whole lab on one engine, placed where the
 * most room is left. Each engine has a subnet pool of its own (engines on one host share its
 * routing table, so their bridges must not overlap) and a capacity in labs. An engine that lacks
 * the node image gets it copied from the first engine (docker save | docker load), so a new engine
 * needs no build of its own.
 */
import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KalabError } from '../shared/errors.ts';
import { parseCidr } from './subnet-pool.ts';

export interface EngineSpec {
  name: string;
  /** unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host */
  host: string;
  pool: string;
  capacity: number;
  /** tcp:// with TLS: a folder holding ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH does). */
  tls?: string;
}

/** `name=lab2,host=unix:///run/d2.sock,pool=10.91.0.0/16,capacity=20[,tls=/etc/kalab/d2]` */
export function parseEngineSpec(raw: string): EngineSpec {
  const fields = new Map(raw.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()] as const;
  }));
  const name = fields.get('name');
  const host = fields.get('host');
  const pool = fields.get('pool');
  const capacity = Number(fields.get('capacity') ?? '20');
  const example = 'e.g. --engine name=lab2,host=unix:///run/lab2.sock,pool=10.91.0.0/16,capacity=20';
  if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new KalabError(`--engine "${raw}" needs a name of lowercase letters, digits and hyphens: ${example}.`);
  if (!host || !/^(unix|tcp|ssh):\/\//.test(host)) throw new KalabError(`--engine ${name} needs host=unix://..., tcp://... or ssh://...: ${example}.`);
  if (!pool) throw new KalabError(`--engine ${name} needs a subnet pool of its own (pool=10.91.0.0/16): engines on one host must not share subnets.`);
  parseCidr(pool);
  if (!Number.isInteger(capacity) || capacity < 1) throw new KalabError(`--engine ${name}: capacity is a whole number of labs, at least 1.`);
  return { name, host, pool, capacity, ...(fields.get('tls') ? { tls: fields.get('tls')! } : {}) };
}

/** A client for an engine's host URL. */
export function dockerFor(spec: Pick<EngineSpec, 'host' | 'tls'>): Docker {
  const url = new URL(spec.host);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  if (url.protocol === 'ssh:') return new Docker({ protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), ...(url.username ? { username: url.username } : {}) });
  const tls = spec.tls ? { ca: readFileSync(path.join(spec.tls, 'ca.pem')), cert: readFileSync(path.join(spec.tls, 'cert.pem')), key: readFileSync(path.join(spec.tls, 'key.pem')) } : {};
  return new Docker({ protocol: spec.tls ? 'https' : 'http', host: url.hostname, port: Number(url.port || (spec.tls ? 2376 : 2375)), ...tls });
}

/** Copy an image from one engine to another (it is the same content, so the same tag). */
export async function copyImage(from: Docker, to: Docker, tag: string): Promise<void> {
  const archive = await from.getImage(tag).get();
  const load = await to.loadImage(archive);
  await new Promise<void>((resolve, reject) => to.modem.followProgress(load, (err) => (err ? reject(err) : resolve())));
}
