/**
 * The page's one WebSocket to the runner (/ws on the page's own origin). It says hello (the
 * instructor page: class.hello) on every (re)connect, reconnects with exponential backoff when the
 * runner goes away, and tells the page whether the runner is reachable at all, so a static copy of
 * the site can say how to start it.
 */
import type { ClientMessage, ServerMessage } from '../../../../runner/shared/protocol.ts';

/** The part of the browser's WebSocket this client uses (a fake in unit tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * connecting: first attempt under way. open: hello sent, messages flow.
 * reconnecting: the connection dropped, trying again. unreachable: the runner did not answer
 * (never, or for several attempts in a row); retries continue in the background.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unreachable';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Failed attempts in a row after which a lost connection counts as unreachable. */
  unreachableAfter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000, unreachableAfter: 3 };

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with up to 20% jitter so a
 * classroom of pages does not reconnect in lock-step after a runner restart. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - 0.2 * random()));
}

/** ws:// or wss:// URL of the runner's socket for a page at `location`. */
export function runnerSocketUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

/** A lab page greets with its lab and client id; another page (the instructor's) with a message of its own. */
export type LabConnectionOptions = {
  url: string;
  createSocket: SocketFactory;
  timers?: Timers;
  backoff?: BackoffOptions;
  random?: () => number;
} & ({ lab: string; client: string } | { hello: ClientMessage });

const OPEN = 1;

export class LabConnection {
  private socket: SocketLike | null = null;
  private state: ConnectionState = 'connecting';
  private failedAttempts = 0;
  private everOpened = false;
  private retryHandle: unknown = null;
  private closed = true;
  private readonly messageListeners = new Set<(msg: ServerMessage) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly timers: Timers;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly hello: ClientMessage;
  private sentAt = 0;

  constructor(private readonly options: LabConnectionOptions) {
    this.hello = 'hello' in options ? options.hello : { type: 'hello', lab: options.lab, client: options.client };
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** When this page last sent the runner anything (0: never); a classroom runner counts it as activity. */
  get lastSentAt(): number {
    return this.sentAt;
  }

  onMessage(listener: (msg: ServerMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  start(): void {
    if (!this.closed) return;
    this.closed = false;
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    this.connect();
  }

  /** Close for good (the page is leaving); no more reconnects. */
  stop(): void {
    this.closed = true;
    if (this.retryHandle !== null) this.timers.clearTimeout(this.retryHandle);
    this.retryHandle = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      try {
        socket.close(1000, 'page closed');
      } catch {
        // Closing a socket that never opened may throw in some browsers; nothing to clean up then.
      }
    }
  }

  /**
   * Send a message now; false when not connected (the caller decides whether that matters).
   * `activity` false: not the learner's doing (an automatic check), so `lastSentAt` stays.
   */
  send(message: ClientMessage, activity = true): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || this.state !== 'open') return false;
    socket.send(JSON.stringify(message));
    if (activity) this.sentAt = Date.now();
    return true;
  }

  private connect(): void {
    this.retryHandle = null;
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.failedAttempts = 0;
      this.everOpened = true;
      socket.send(JSON.stringify(this.hello));
      this.sentAt = Date.now();
      this.setState('open');
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      const message = parseServerMessage(ev.data);
      if (!message) return;
      for (const listener of [...this.messageListeners]) listener(message);
    };
    // A failed attempt fires error then close; act once, on close.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const attempt = this.failedAttempts++;
    const lostForLong = this.failedAttempts >= this.backoff.unreachableAfter;
    this.setState(!this.everOpened || lostForLong ? 'unreachable' : 'reconnecting');
    this.retryHandle = this.timers.setTimeout(() => this.connect(), backoffDelay(attempt, this.backoff, this.random));
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}

/** A server message, or null for anything that is not one (a corrupt frame must not break the page). */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') return value as ServerMessage;
  } catch {
    // fall through
  }
  return null;
}
