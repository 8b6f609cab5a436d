/**
 * The Docker engine client: one place that decides which engine kalab talks to, and turns "no
 * engine" into one sentence a user can act on.
 */
import Docker from 'dockerode';
import { EngineUnavailableError } from '../shared/errors.ts';

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const PING_TIMEOUT_MS = 5000;

/** The engine's unix socket: DOCKER_HOST=unix://... if set, else the default; undefined for a TCP host. */
export function engineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return DEFAULT_SOCKET;
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  return undefined;
}

/** Where the engine is, for messages. */
export function engineAddress(env: NodeJS.ProcessEnv = process.env): string {
  return engineSocket(env) ?? env.DOCKER_HOST ?? DEFAULT_SOCKET;
}

export function dockerClient(): Docker {
  const socketPath = engineSocket();
  // A tcp:// or ssh:// DOCKER_HOST (with DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) is docker-modem's to parse.
  return socketPath ? new Docker({ socketPath }) : new Docker();
}

/** Resolves when the engine answers a ping; otherwise throws EngineUnavailableError saying what to do. */
export async function pingEngine(docker: Docker): Promise<void> {
  const where = engineAddress();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), PING_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    throw new EngineUnavailableError(engineProblem(err, where), { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** One sentence on why the engine at `where` does not answer and what to do about it. */
export function engineProblem(err: unknown, where: string): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
      return `No Docker engine answers at ${where}: start it (systemctl start docker, or dockerd &), or run \`npx kalab setup\` as root to install and start one.`;
    case 'EACCES':
    case 'EPERM':
      return `Permission denied on ${where}: run kalab as root or as a member of the docker group (usermod -aG docker $USER, then log in again).`;
    case 'ETIMEDOUT':
      return `The Docker engine at ${where} did not answer within ${PING_TIMEOUT_MS / 1000} s: check that dockerd is healthy (docker info) and restart it if not.`;
    default: {
      const detail = err instanceof Error ? err.message : String(err);
      return `The Docker engine at ${where} does not answer (${detail}): check that dockerd runs (docker info).`;
    }
  }
}
