/**
 * One lab page's session with the runner: the socket, the state store, and the routing of terminal
 * and file messages to whichever pane shows that node. The Vue components call these methods and
 * render `store.state`; everything that decides something lives here (and is unit-tested).
 */
import type { ClientMessage, ServerMessage } from '../../../../runner/shared/protocol.ts';
import { AutoCheck, currentStep, isLabChange, labSignature } from './auto-check.ts';
import { AckCounter } from './flow-control.ts';
import { clientId, loadProgress, saveProgress, type KeyValueStorage } from './progress-storage.ts';
import { LabConnection, type BackoffOptions, type SocketFactory, type Timers } from './socket-client.ts';
import { ownAddressText } from './page-addresses.ts';
import { sentenceText } from './sentence-text.ts';
import { LabStore } from './store.ts';
import { translator } from './strings.ts';
import { terminalInputFor } from './terminal-input.ts';

/** What a terminal pane does with its node's output. */
export interface TerminalSink {
  /** Live output; call `done` once xterm has processed it (its write callback). */
  write(data: string, done: () => void): void;
  /** The recent output, sent when the terminal is (re)opened: clear the screen, then show it. */
  replay(data: string): void;
  /** The shell ended; the next keystroke opens a new one. */
  exit(code: number): void;
  /** Whether the shell asked for bracketed paste (xterm's `modes.bracketedPasteMode`). */
  bracketedPaste(): boolean;
}

/** What a terminal pane talks to: a learner's LabSession, or the instructor's read-only watch. */
export interface TerminalHost {
  attachTerminal(node: string, sink: TerminalSink, size: { cols: number; rows: number }): () => void;
  input(node: string, data: string): void;
  resize(node: string, cols: number, rows: number): void;
}

/** What an editor pane does with its node's files. */
export interface FileSink {
  content(path: string, content: string, exists: boolean): void;
  saved(path: string): void;
  /** The runner refused or failed a file request (its message is in the store's lastError). */
  failed(message: string): void;
}

export interface LabSessionOptions {
  lab: string;
  url: string;
  createSocket: SocketFactory;
  storage: KeyValueStorage | null;
  makeReactive?: <T extends object>(state: T) => T;
  /** A classroom learner's page: the runner keeps the progress, the browser neither loads nor saves it. */
  classroom?: boolean;
  timers?: Timers;
  backoff?: BackoffOptions;
  /** Judge the current step again when the lab changes (./auto-check.ts); on unless set to false. */
  autoCheck?: boolean | { delayMs: number };
  /** The page's language (VitePress's "en-US", "zh-CN"): what the session says and the store words (English by default). */
  lang?: string;
}

/** One file the page asked for, awaiting the runner's answer (errors carry no request id: the oldest takes one). */
interface FileRequest {
  node: string;
  /** This request's answer, if `message` is one (consumed when true). */
  answers?(message: ServerMessage): boolean;
  /** The runner refused or failed it (`lost`: the connection went before an answer). */
  fail(text: string, lost: boolean): void;
}

/** A file of the lab's reference solution (solution.files). */
export interface ReferenceFile {
  path: string;
  content: string;
}

interface TerminalSlot {
  sink: TerminalSink;
  acks: AckCounter;
  size: { cols: number; rows: number };
  /** term.open sent for the current connection and lab copy. */
  opened: boolean;
  exited: boolean;
}

export class LabSession implements TerminalHost {
  readonly store: LabStore;
  readonly connection: LabConnection;
  private readonly terminals = new Map<string, TerminalSlot>();
  private readonly files = new Map<string, FileSink>();
  /** File requests waiting for an answer, oldest first: an error reply goes to the oldest. */
  private readonly filePending: FileRequest[] = [];
  /** Judges the current step again when the lab changes. */
  readonly autoCheck: AutoCheck;
  /** The next timeline message is the history of the lab (sent on hello, or when a copy starts): no change of the lab. */
  private historyNext = true;
  private readonly showListeners = new Set<(node: string) => void>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly options: LabSessionOptions) {
    const storage = options.storage;
    const classroom = options.classroom ?? false;
    this.store = new LabStore(options.lab, classroom ? {} : loadProgress(storage, options.lab), {
      ...(options.makeReactive ? { makeReactive: options.makeReactive } : {}),
      ...(options.lang ? { lang: options.lang } : {}),
      ...(classroom ? { progressFromRunner: true } : { onVerdicts: (verdicts) => saveProgress(storage, options.lab, verdicts) }),
    });
    const auto = options.autoCheck ?? true;
    this.autoCheck = new AutoCheck(
      {
        currentStep: () => (auto === false ? undefined : currentStep(this.store.state)),
        checking: (step) => step in this.store.state.checks,
        live: () => this.live,
        send: (step) => this.sendCheck(step, true),
      },
      options.timers ?? { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>) },
      typeof auto === 'object' ? auto.delayMs : undefined,
    );
    this.connection = new LabConnection({
      url: options.url,
      lab: options.lab,
      client: clientId(storage),
      createSocket: options.createSocket,
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    this.unsubscribe.push(
      this.connection.onState((state) => {
        this.store.setConnection(state);
        if (state === 'open') {
          this.store.activity(); // the hello, sent on open
          return;
        }
        for (const slot of this.terminals.values()) slot.opened = false;
        for (const request of this.filePending.splice(0)) request.fail('The connection to the lab runner was lost.', true);
        this.autoCheck.reset();
        this.historyNext = true;
      }),
      this.connection.onMessage((message) => this.receive(message)),
    );
  }

  get state() {
    return this.store.state;
  }

  start(): void {
    this.connection.start();
  }

  dispose(): void {
    this.autoCheck.dispose();
    for (const off of this.unsubscribe) off();
    this.connection.stop();
    this.terminals.clear();
    this.files.clear();
  }

  // ---- the lab ----

  startLab(): boolean {
    return this.send({ type: 'lab.start' });
  }

  resetLab(): boolean {
    return this.send({ type: 'lab.reset' });
  }

  stopLab(): boolean {
    return this.send({ type: 'lab.stop' });
  }

  check(step: string): boolean {
    if (!this.sendCheck(step, false)) return false;
    this.autoCheck.manualRequested(step);
    return true;
  }

  private sendCheck(step: string, auto: boolean): boolean {
    // An automatic check is not the learner's activity (a classroom runner does not count it either).
    const sent = auto ? this.connection.send({ type: 'step.check', step, auto: true }, false) : this.send({ type: 'step.check', step });
    if (!sent) return false;
    this.store.checkRequested(step);
    return true;
  }

  action(step: string): boolean {
    if (!this.send({ type: 'step.action', step })) return false;
    this.store.actionRequested(step);
    return true;
  }

  /** Whether terminals and files can be used now. */
  get live(): boolean {
    return this.connection.connectionState === 'open' && this.store.state.status === 'running';
  }

  // ---- terminals ----

  /** A pane for `node` exists; it is opened on the runner whenever the lab runs (again). */
  attachTerminal(node: string, sink: TerminalSink, size: { cols: number; rows: number }): () => void {
    const slot: TerminalSlot = {
      sink,
      acks: new AckCounter((bytes) => this.send({ type: 'term.ack', node, bytes })),
      size,
      opened: false,
      exited: false,
    };
    this.terminals.set(node, slot);
    this.openTerminals();
    return () => {
      if (this.terminals.get(node) === slot) this.terminals.delete(node);
    };
  }

  /** Keystrokes from the pane. After the shell exited, a keystroke opens a new shell instead. */
  input(node: string, data: string): void {
    const slot = this.terminals.get(node);
    if (!slot || !this.live) return;
    if (slot.exited) {
      slot.exited = false;
      slot.opened = false;
      this.openTerminals();
      return;
    }
    this.send({ type: 'term.input', node, data });
  }

  resize(node: string, cols: number, rows: number): void {
    const slot = this.terminals.get(node);
    if (!slot || (slot.size.cols === cols && slot.size.rows === rows)) return;
    slot.size = { cols, rows };
    if (slot.opened) this.send({ type: 'term.resize', node, cols, rows });
  }

  /**
   * Run a command from the tutorial in a node's terminal, as a paste followed by Enter, and ask the
   * page to show that terminal. Returns a reason when it cannot. The command goes with the learner's
   * own addresses: the page's blocks already show them, the steps' commands come as the lab has them.
   */
  runCommand(node: string, text: string): { ok: true } | { ok: false; reason: string } {
    const t = translator(this.options.lang);
    if (this.connection.connectionState !== 'open') return { ok: false, reason: t('run.notConnected') };
    if (this.store.state.status !== 'running') return { ok: false, reason: t('run.notRunning') };
    const slot = this.terminals.get(node);
    if (!slot) return { ok: false, reason: t('run.noTerminal', { node }) };
    for (const listener of [...this.showListeners]) listener(node);
    const data = terminalInputFor(ownAddressText(this.store.state, text), slot.sink.bracketedPaste());
    if (!data) return { ok: true };
    this.input(node, data);
    return { ok: true };
  }

  /** The page should bring this node's terminal to the front (a command was sent to it). */
  onShowTerminal(listener: (node: string) => void): () => void {
    this.showListeners.add(listener);
    return () => this.showListeners.delete(listener);
  }

  // ---- files ----

  attachFiles(node: string, sink: FileSink): () => void {
    this.files.set(node, sink);
    return () => {
      if (this.files.get(node) === sink) this.files.delete(node);
    };
  }

  readFile(node: string, path: string): boolean {
    if (!this.live || !this.send({ type: 'file.read', node, path })) return false;
    this.filePending.push(this.editorRequest(node));
    return true;
  }

  writeFile(node: string, path: string, content: string): boolean {
    if (!this.live || !this.send({ type: 'file.write', node, path, content })) return false;
    this.filePending.push(this.editorRequest(node));
    return true;
  }

  /**
   * A file's text as it is on the node, for the page itself (the solution diff), not for the
   * editor: its answer does not go to the node's editor pane.
   */
  fetchFile(node: string, path: string): Promise<{ content: string; exists: boolean }> {
    return new Promise((resolve, reject) => {
      if (!this.live || !this.send({ type: 'file.read', node, path })) return reject(new Error(translator(this.options.lang)('editor.notConnected')));
      this.filePending.push({
        node,
        answers: (m) => {
          if (m.type !== 'file.content' || m.node !== node || m.path !== path) return false;
          resolve({ content: m.content, exists: m.exists ?? true });
          return true;
        },
        fail: (text) => reject(new Error(text)),
      });
    });
  }

  /** The lab's reference solution for an editable node: its files under /etc/keepalived/. */
  fetchSolution(node: string): Promise<ReferenceFile[]> {
    return new Promise((resolve, reject) => {
      if (this.connection.connectionState !== 'open' || !this.send({ type: 'solution.read', node })) return reject(new Error(translator(this.options.lang)('run.notConnected')));
      this.filePending.push({
        node,
        answers: (m) => {
          if (m.type !== 'solution.files' || m.node !== node) return false;
          resolve(m.files.map((f) => ({ path: f.path, content: f.content })));
          return true;
        },
        fail: (text) => reject(new Error(text)),
      });
    });
  }

  private editorRequest(node: string): FileRequest {
    return {
      node,
      // The editor's answers are delivered to its pane below (also when they come after a reconnect).
      fail: (text, lost) => {
        if (!lost) this.files.get(node)?.failed(text);
      },
    };
  }

  // ---- messages ----

  private send(message: ClientMessage): boolean {
    if (!this.connection.send(message)) return false;
    this.store.activity();
    return true;
  }

  private receive(message: ServerMessage): void {
    const before = message.type === 'vip' ? labSignature(this.store.state) : '';
    const wasRunning = this.store.state.status === 'running';
    this.deliver(message);
    this.noticeChange(message, before, wasRunning);
    this.autoCheck.sync();
  }

  /** Whether `message` is a change of the lab that the current step should be judged again for. */
  private noticeChange(message: ServerMessage, signatureBefore: string, wasRunning: boolean): void {
    switch (message.type) {
      case 'welcome':
        this.historyNext = true;
        return;
      case 'lab.state':
        if (message.status !== 'running') this.autoCheck.reset();
        // A copy seen running for the first time: the timeline that follows is its history.
        else if (!wasRunning) this.historyNext = true;
        return;
      case 'timeline':
        if (this.historyNext) this.historyNext = false;
        else if (message.events.some(isLabChange)) this.autoCheck.changed();
        return;
      case 'vip':
        if (!this.historyNext && labSignature(this.store.state) !== signatureBefore) this.autoCheck.changed();
        return;
      default:
        return;
    }
  }

  private deliver(message: ServerMessage): void {
    if (this.answered(message)) {
      this.store.apply(message);
      return;
    }
    this.store.apply(message);
    switch (message.type) {
      case 'lab.state':
        if (message.status !== 'running') {
          // The copy is going or gone: its shells with it. A new copy gets new ones.
          for (const slot of this.terminals.values()) {
            slot.opened = false;
            slot.exited = false;
          }
        }
        this.openTerminals();
        return;
      case 'term.output': {
        const slot = this.terminals.get(message.node);
        if (!slot) return;
        const ticket = slot.acks.queued(message.data);
        slot.sink.write(message.data, () => slot.acks.written(ticket));
        return;
      }
      case 'term.replay': {
        const slot = this.terminals.get(message.node);
        if (!slot) return;
        // The server counts a (re)opened terminal from zero and does not count the replay.
        slot.acks.reset();
        slot.sink.replay(message.data);
        return;
      }
      case 'term.exit': {
        const slot = this.terminals.get(message.node);
        if (!slot) return;
        slot.exited = true;
        slot.sink.exit(message.code);
        return;
      }
      case 'file.content': {
        this.settleFile(message.node);
        const exists = (message as { exists?: boolean }).exists ?? true;
        this.files.get(message.node)?.content(message.path, message.content, exists);
        return;
      }
      case 'file.saved':
        this.settleFile(message.node);
        this.files.get(message.node)?.saved(message.path);
        return;
      case 'error': {
        // Errors carry no request id. One for a pending file request is (most likely) its answer:
        // the runner answers each request in turn, and file requests are the only slow ones.
        this.filePending.shift()?.fail(sentenceText(message, this.options.lang), false);
        return;
      }
      default:
        return;
    }
  }

  /** An answer to one of the page's own file requests (fetchFile, fetchSolution): taken by it. */
  private answered(message: ServerMessage): boolean {
    if (message.type !== 'file.content' && message.type !== 'solution.files') return false;
    const i = this.filePending.findIndex((r) => r.answers?.(message));
    if (i < 0) return false;
    this.filePending.splice(i, 1);
    return true;
  }

  /** The editor's request for this node is answered (the oldest one). */
  private settleFile(node: string): void {
    const i = this.filePending.findIndex((r) => r.node === node && !r.answers);
    if (i >= 0) this.filePending.splice(i, 1);
  }

  /** Open every attached terminal that is not open yet, when the lab runs and the socket is up. */
  private openTerminals(): void {
    if (!this.live) return;
    const nodes = new Set(this.store.state.nodes.map((n) => n.node));
    for (const [node, slot] of this.terminals) {
      if (slot.opened || !nodes.has(node)) continue;
      if (this.send({ type: 'term.open', node, cols: slot.size.cols, rows: slot.size.rows })) slot.opened = true;
    }
  }
}
