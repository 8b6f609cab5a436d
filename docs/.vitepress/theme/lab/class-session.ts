/**
 * The instructor page's session with the runner (classroom mode): one socket that says class.hello,
 * the class as the runner last described it (`class.state`, sent on every change), and at most one
 * learner's terminal watched read-only. The watched terminal is acknowledged exactly as a learner's
 * page acknowledges its own (flow-control.ts): the runner holds a learner's shell while any viewer
 * is behind, so an instructor who never acknowledged would freeze the learner's terminal.
 */
import { TERMINAL_SCROLLBACK_BYTES, type ClassState, type ClientMessage, type ServerMessage } from '../../../../runner/shared/protocol.ts';
import { AckCounter } from './flow-control.ts';
import { sentenceText } from './sentence-text.ts';
import { LabConnection, type BackoffOptions, type ConnectionState, type SocketFactory, type Timers } from './socket-client.ts';
import type { TerminalSink } from './session.ts';

export interface WatchTarget {
  learner: string;
  lab: string;
  node: string;
  /** The learner's name, for the read-only label. */
  name: string;
}

export interface ClassViewState {
  connection: ConnectionState;
  /** Whether the socket was ever open: a socket refused from the start means no instructor cookie. */
  everOpened: boolean;
  class: ClassState | null;
  watching: WatchTarget | null;
  lastError: string;
}

export interface ClassSessionOptions {
  url: string;
  createSocket: SocketFactory;
  makeReactive?: <T extends object>(state: T) => T;
  timers?: Timers;
  backoff?: BackoffOptions;
  /** The page's language (VitePress's "en-US", "zh-CN"): the runner's errors are worded in it when they carry a sentence. */
  lang?: string;
}

export class ClassSession {
  readonly state: ClassViewState;
  readonly connection: LabConnection;
  private sink: TerminalSink | null = null;
  /**
   * What arrived for the watch before its pane was drawn (xterm loads after the click): shown as
   * the pane's replay when it attaches. Acknowledged at once, so the learner's shell never waits.
   */
  private backlog = '';
  private readonly acks: AckCounter;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly lang: string | undefined;

  constructor(options: ClassSessionOptions) {
    this.lang = options.lang;
    const make = options.makeReactive ?? (<T extends object>(s: T) => s);
    this.state = make<ClassViewState>({ connection: 'connecting', everOpened: false, class: null, watching: null, lastError: '' });
    this.connection = new LabConnection({
      url: options.url,
      hello: { type: 'class.hello' },
      createSocket: options.createSocket,
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.acks = new AckCounter((bytes) => {
      const node = this.state.watching?.node;
      if (node) this.send({ type: 'term.ack', node, bytes });
    });
    this.unsubscribe.push(
      this.connection.onState((connection) => {
        this.state.connection = connection;
        if (connection !== 'open') return;
        this.state.everOpened = true;
        // A new socket: the runner forgot the watch with the old one; ask again.
        const w = this.state.watching;
        if (w) this.requestWatch(w);
      }),
      this.connection.onMessage((message) => this.receive(message)),
    );
  }

  start(): void {
    this.connection.start();
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.connection.stop();
    this.sink = null;
  }

  reset(learner: string, lab: string): boolean {
    return this.send({ type: 'class.reset', learner, lab });
  }

  stop(learner: string, lab: string): boolean {
    return this.send({ type: 'class.stop', learner, lab });
  }

  /** Follow one learner's terminal (replacing any other); its output goes to the attached pane. */
  watch(target: WatchTarget): void {
    this.state.watching = { ...target };
    this.acks.reset();
    this.backlog = '';
    this.requestWatch(target);
  }

  unwatch(): void {
    if (!this.state.watching) return;
    this.state.watching = null;
    this.acks.reset();
    this.backlog = '';
    this.send({ type: 'class.unwatch' });
  }

  dismissError(): void {
    this.state.lastError = '';
  }

  // ---- the read-only pane (the shape LabTerminal.vue attaches to) ----

  attachTerminal(_node: string, sink: TerminalSink): () => void {
    this.sink = sink;
    if (this.backlog) sink.replay(this.backlog);
    this.backlog = '';
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  /** Read-only: keystrokes and sizes stay on this page (the learner's terminal keeps its own size). */
  input(): void {}

  resize(): void {}

  // ---- messages ----

  private requestWatch(target: WatchTarget): void {
    this.send({ type: 'class.watch', learner: target.learner, lab: target.lab, node: target.node });
  }

  private send(message: ClientMessage): boolean {
    return this.connection.send(message);
  }

  /** Output of the terminal being watched now; anything still in flight from an earlier watch is dropped. */
  private watched(message: { node: string; watch?: string }): boolean {
    const w = this.state.watching;
    return !!w && message.watch === w.learner && message.node === w.node;
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'class.state':
        this.state.class = message;
        return;
      case 'term.replay':
        if (!this.watched(message)) return;
        // The runner counts a watch from its replay on, and does not count the replay itself.
        this.acks.reset();
        if (this.sink) this.sink.replay(message.data);
        else this.backlog = message.data;
        return;
      case 'term.output': {
        if (!this.watched(message)) return;
        const ticket = this.acks.queued(message.data);
        if (this.sink) return this.sink.write(message.data, () => this.acks.written(ticket));
        this.backlog = (this.backlog + message.data).slice(-TERMINAL_SCROLLBACK_BYTES);
        this.acks.written(ticket);
        return;
      }
      case 'term.exit':
        if (this.state.watching?.node === message.node) this.sink?.exit(message.code);
        return;
      case 'error':
        this.state.lastError = sentenceText(message, this.lang);
        return;
      default:
        return;
    }
  }
}
