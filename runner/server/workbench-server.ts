/**
 * The browser workbench's server: the built site over HTTP and the lab protocol over a WebSocket at
 * /ws, on one port. Listens on 127.0.0.1 unless told otherwise; a WebSocket from any page but the
 * server's own is refused with 403.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { HostConflictError } from '../shared/errors.ts';
import { PROJECT_ROOT } from '../shared/paths.ts';
import { MAX_MESSAGE_BYTES } from './client-messages.ts';
import { Connection } from './connection.ts';
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

export interface WorkbenchServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  siteDir?: string;
  /** The engine and node image; asked for on the first lab.start. */
  engine: EngineProvider;
  labsDir?: string;
  log?: (line: string) => void;
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
}

export async function startWorkbenchServer(opts: WorkbenchServerOptions): Promise<WorkbenchServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const siteDir = opts.siteDir ?? DEFAULT_SITE_DIR;
  const log = opts.log ?? ((line: string) => process.stderr.write(`kalab: ${line}\n`));
  const hub = new LabHub(opts.engine, log, opts.labsDir);

  const http = createServer((req, res) => {
    serveSite(siteDir, req, res).catch((err) => {
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
    wss.handleUpgrade(req, socket, head, (ws) => {
      new Connection(ws, hub, log);
    });
  });

  const port = await listen(http, opts.port, host);
  origins = allowedOrigins(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    host,
    terminalStats: (lab, node) => hub.peek(lab)?.terminalStats(node),
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.close(1001, 'the workbench is shutting down');
        await hub.closeAll();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
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
