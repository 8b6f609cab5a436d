/**
 * The browser workbench's server: the built site over HTTP and the lab protocol over a WebSocket at
 * /ws, on one port. Listens on 127.0.0.1 unless told otherwise; a WebSocket from any page but the
 * server's own is refused with 403.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Classroom } from '../classroom/classroom.ts';
import { handleClassroomRequest, identify } from '../classroom/http-routes.ts';
import { ClassroomStore } from '../classroom/store.ts';
import { currentOwner, ownAsClass, reapOnEngineToo } from '../engine/reaper.ts';
import { engineSocket } from '../engine/docker.ts';
import type { EngineSpec } from '../engine/engines.ts';
import { EnginePlacer } from '../classroom/placement.ts';
import { LABEL_INSTANCE, LABEL_OWNER } from '../engine/labels.ts';
import { removeLabCopies } from '../engine/lab-instance.ts';
import { HotPool, POOL_INSTANCE_PREFIX } from './hot-pool.ts';
import type { LabPolicy } from './lab-rules.ts';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { HostConflictError } from '../shared/errors.ts';
import { PROJECT_ROOT } from '../shared/paths.ts';
import { MAX_MESSAGE_BYTES } from './client-messages.ts';
import { Connection, type Identity } from './connection.ts';
import { LabHub } from './lab-hub.ts';
import type { EngineProvider } from './live-lab.ts';
import { allowedOrigins, isAllowedOrigin } from './origin-check.ts';
import { serveSite } from './static-site.ts';
import type { TerminalSession } from './terminal-session.ts';
import type { NodeName } from '../lab/definition.ts';

export const DEFAULT_SITE_DIR = path.join(PROJECT_ROOT, 'docs', '.vitepress', 'dist');
export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const WS_PATH = '/ws';
/** How long a dead classroom workbench's labs wait for a successor before they are reaped (within the 30 s nothing may outlive a runner). */
export const CLASS_ADOPT_GRACE_MS = 20_000;

export interface WorkbenchServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  siteDir?: string;
  /** The engine and node image; asked for on the first lab.start. */
  engine: EngineProvider;
  labsDir?: string;
  log?: (line: string) => void;
  /** false (`--no-solutions`): pages offer hints, never the reference solution (an exam). Default true. */
  solutions?: boolean;
  /**
   * Classroom mode: learners join with a code and each gets their own copies; the WebSocket needs a
   * session (or the instructor's key). Without it: single-learner mode.
   */
  classroom?: ClassroomServerOptions;
}

export interface ClassroomServerOptions {
  /** The SQLite file that keeps the class (created if missing; a restart reads it back). */
  statePath: string;
  maxSessions: number;
  idleTimeoutMs: number;
  lifetimeMs: number;
  pool: string;
  /** Mark cookies Secure: the class is served over HTTPS by a reverse proxy. */
  secureCookies?: boolean;
  /** On close, leave the learners' labs running for the next start to take back. */
  keepLabsOnClose?: boolean;
  /** Copies of each lab kept started ahead of time (0: none), so that a Start is instant. */
  hotPoolSize?: number;
  /** More Docker engines for the learners' labs, beside the local one (runner/engine/engines.ts). */
  engines?: EngineSpec[];
  /** Labs the local engine holds at most when there are other engines (default: maxSessions). */
  localCapacity?: number;
}

export interface WorkbenchServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  host: string;
  /** Close every socket, tear down every lab this server started, stop listening. */
  close(): Promise<void>;
  /** A terminal's flow-control state (paused, held, unacknowledged), for diagnostics and tests. */
  terminalStats(lab: string, node: NodeName): ReturnType<TerminalSession['stats']> | undefined;
  /** Classroom mode: the code learners join with, and the instructor's URL (it carries the key). */
  classroom?: { joinCode: string; instructorUrl: string; classroom: Classroom; hotPool?: HotPool };
}

export async function startWorkbenchServer(opts: WorkbenchServerOptions): Promise<WorkbenchServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const siteDir = opts.siteDir ?? DEFAULT_SITE_DIR;
  const log = opts.log ?? ((line: string) => process.stderr.write(`kalab: ${line}\n`));
  const policy: LabPolicy = { solutions: opts.solutions ?? true };
  const hub = new LabHub(opts.engine, log, opts.labsDir, policy);
  const store = opts.classroom ? new ClassroomStore(opts.classroom.statePath) : undefined;
  // The class owns its learners' labs, so that a workbench started again on it takes them back;
  // a dead workbench's labs are still reaped once the grace passes with no successor.
  if (opts.classroom && store) ownAsClass(store.ensureClass().id, `${opts.classroom.statePath}.lock`, CLASS_ADOPT_GRACE_MS);
  // The pool fills into the room the class leaves on the host (the classroom is made below).
  let classroomRef: Classroom | undefined;
  const hotPool = opts.classroom?.hotPoolSize
    ? new HotPool({ engine: opts.engine, log, size: opts.classroom.hotPoolSize, subnetPool: opts.classroom.pool, room: () => classroomRef?.roomForPool() ?? 0 })
    : undefined;
  if (hotPool) await removeStalePoolCopies(opts.engine);
  const placer = opts.classroom?.engines?.length
    ? new EnginePlacer(
        { spec: { name: 'local', host: `unix://${engineSocket() ?? '/var/run/docker.sock'}`, pool: opts.classroom.pool, capacity: opts.classroom.localCapacity ?? opts.classroom.maxSessions }, engine: opts.engine },
        opts.classroom.engines,
      )
    : undefined;
  // The watchdog removes this class's labs from every engine, not only the local one.
  for (const spec of opts.classroom?.engines ?? []) reapOnEngineToo(spec.host);
  const classroom =
    opts.classroom && store
      ? new Classroom({
          ...(placer ? { placer } : {}),
          store,
          engine: opts.engine,
          log,
          maxSessions: opts.classroom.maxSessions,
          idleTimeoutMs: opts.classroom.idleTimeoutMs,
          lifetimeMs: opts.classroom.lifetimeMs,
          pool: opts.classroom.pool,
          ...(hotPool ? { hotPool } : {}),
          ...(opts.labsDir ? { labsDir: opts.labsDir } : {}),
          policy,
        })
      : undefined;
  classroomRef = classroom;

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (classroom && store && (await handleClassroomRequest(classroom, store, req, res, Boolean(opts.classroom?.secureCookies)))) return;
    if (!classroom && (req.url ?? '').split('?')[0] === '/api/session') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ mode: 'single' }));
      return;
    }
    await serveSite(siteDir, req, res);
  };
  const http = createServer((req, res) => {
    serve(req, res).catch((err) => {
      log(`${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The workbench could not serve this file.\n');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let origins = new Set<string>();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const urlPath = (req.url ?? '').split('?')[0];
    if (urlPath !== WS_PATH) return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (!isAllowedOrigin(origin, origins)) {
      log(`refused a WebSocket from origin ${JSON.stringify(origin ?? '(none)')} (${req.socket.remoteAddress}): only pages served by this workbench may connect`);
      return refuse(socket, 403, 'Forbidden');
    }
    let identity: Identity = { kind: 'single', labs: hub };
    if (classroom) {
      const who = identify(classroom, req);
      if (who.kind === 'nobody') {
        log(`refused a WebSocket without a classroom session (${req.socket.remoteAddress}): learners join with the class's code first`);
        return refuse(socket, 401, 'Unauthorized');
      }
      identity = who.kind === 'instructor' ? { kind: 'instructor', classroom } : { kind: 'learner', classroom, learner: who.learner };
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      new Connection(ws, identity, log);
    });
  });

  const port = await listen(http, opts.port, host);
  origins = allowedOrigins(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  const url = `http://${shownHost}:${port}/`;
  if (classroom) await classroom.restore();
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    host,
    terminalStats: (lab, node) => hub.peek(lab)?.terminalStats(node),
    ...(classroom ? { classroom: { joinCode: classroom.joinCode, instructorUrl: `${url}instructor?key=${encodeURIComponent(classroom.info.instructorKey)}`, classroom, ...(hotPool ? { hotPool } : {}) } } : {}),
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.close(1001, 'the workbench is shutting down');
        await hub.closeAll();
        await classroom?.closeAll({ keepRunning: Boolean(opts.classroom?.keepLabsOnClose) });
        await hotPool?.close();
        store?.close();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** Pool copies a previous workbench of this class left (no learner had taken them): removed. */
async function removeStalePoolCopies(engine: EngineProvider): Promise<void> {
  const { docker } = await engine();
  const infos = await docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${currentOwner()}`] } });
  const stale = new Set(infos.map((i) => i.Labels[LABEL_INSTANCE]!).filter((i) => i?.startsWith(POOL_INSTANCE_PREFIX)));
  for (const instance of stale) await removeLabCopies(docker, instance);
}

function listen(http: ReturnType<typeof createServer>, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      http.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new HostConflictError(`Port ${port} is in use: set PORT=... (or --port) to another port, or stop the other program.`, { cause: err }));
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
        reject(new HostConflictError(`Cannot listen on ${host}: it is not an address of this machine; use --host 127.0.0.1 (the default) or one of its own addresses.`, { cause: err }));
      } else if (err.code === 'EACCES') {
        reject(new HostConflictError(`Port ${port} needs privileges to listen on: choose a port above 1023 with PORT=... or --port.`, { cause: err }));
      } else {
        reject(err);
      }
    };
    const onListening = () => {
      http.off('error', onError);
      const address = http.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    http.once('error', onError);
    http.once('listening', onListening);
    http.listen(port, host);
  });
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`);
}
