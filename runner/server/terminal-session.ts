/**
 * One node's terminal in a live lab: a TTY shell kept across page reloads and dropped sockets, the
 * recent output for replay, and flow control between the shell and every page showing it. A shell
 * that exits is opened again by the next term.open.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ShellSession } from '../engine/exec.ts';
import type { NodeName } from '../lab/definition.ts';
import { TERMINAL_SCROLLBACK_BYTES, type ServerMessage } from '../shared/protocol.ts';
import { say } from '../shared/sentences.ts';
import { OutputPump } from './flow-control.ts';
import type { Peer } from './peer.ts';
import { RequestError } from './request-error.ts';
import { TerminalReplay } from './terminal-replay.ts';

export type ShellOpener = (size: { cols: number; rows: number }) => Promise<ShellSession>;

interface LiveShell {
  session: ShellSession;
  pump: OutputPump<Peer>;
  decoder: StringDecoder;
  exitCode?: number;
}

export class TerminalSession {
  private shell?: LiveShell;
  private opening?: Promise<LiveShell>;
  private readonly viewers = new Set<Peer>();
  /** Read-only viewers (the instructor page), with the label their messages carry. */
  private readonly watchers = new Map<Peer, string>();
  /** The recent output, with the input modes in force ahead of it (bracketed paste even when trimmed). */
  readonly scrollback = new TerminalReplay(TERMINAL_SCROLLBACK_BYTES);
  private closed = false;

  constructor(
    readonly node: NodeName,
    private readonly openShell: ShellOpener,
  ) {}

  /**
   * Attach a page: open the shell if there is none (or it exited), replay the recent output, then
   * stream live output to it. Opening twice from one page is harmless (it re-replays).
   */
  async open(peer: Peer, size: { cols: number; rows: number }): Promise<void> {
    const shell = await this.liveShell(size);
    if (this.closed) throw new RequestError(say('terminal-stopped-while-opening', { node: this.node }));
    // Synchronous from here: the replay reaches the page before any live output does.
    peer.send({ type: 'term.replay', node: this.node, data: this.scrollback.text() });
    this.viewers.add(peer);
    shell.pump.detach(peer); // a re-open starts this page's count afresh (the replay is not counted: see flow-control.ts)
    shell.pump.attach(peer);
    await shell.session.resize(size.cols, size.rows);
  }

  /**
   * Attach a read-only viewer: the same replay and live output, each message marked `watch: label`;
   * it sends no input (the connection refuses it) but acknowledges output like any page, so flow
   * control holds for it too.
   */
  async watch(peer: Peer, label: string): Promise<void> {
    const shell = await this.liveShell({ cols: 80, rows: 24 });
    if (this.closed) throw new RequestError(say('terminal-stopped-while-opening', { node: this.node }));
    peer.send({ type: 'term.replay', node: this.node, data: this.scrollback.text(), watch: label });
    this.watchers.set(peer, label);
    shell.pump.detach(peer);
    shell.pump.attach(peer);
  }

  /** Keystrokes sent right after term.open wait for the shell to be there. */
  async input(data: string): Promise<void> {
    const shell = await this.readyShell();
    shell.session.stream.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    await (await this.readyShell()).session.resize(cols, rows);
  }

  ack(peer: Peer, units: number): void {
    this.shell?.pump.ack(peer, units);
  }

  detach(peer: Peer): void {
    this.viewers.delete(peer);
    this.watchers.delete(peer);
    this.shell?.pump.detach(peer);
  }

  /** Flow-control figures for tests and logs. */
  stats(): { paused: boolean; held: number; unacked: number; dropped: number } {
    const pump = this.shell?.pump;
    return { paused: pump?.isPaused ?? false, held: pump?.heldChars ?? 0, unacked: pump?.gate.maxUnacked() ?? 0, dropped: pump?.dropped ?? 0 };
  }

  /** End the shell (the lab is going away). */
  close(): void {
    this.closed = true;
    this.viewers.clear();
    this.watchers.clear();
    this.shell?.session.stream.destroy();
    this.shell = undefined;
  }

  private async readyShell(): Promise<LiveShell> {
    if (this.opening) await this.opening.catch(() => undefined);
    return this.requireShell();
  }

  private requireShell(): LiveShell {
    const shell = this.shell;
    if (!shell || shell.exitCode !== undefined) {
      throw new RequestError(say('terminal-ended', { node: this.node }));
    }
    return shell;
  }

  private async liveShell(size: { cols: number; rows: number }): Promise<LiveShell> {
    if (this.shell && this.shell.exitCode === undefined) return this.shell;
    this.opening ??= this.start(size).finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async start(size: { cols: number; rows: number }): Promise<LiveShell> {
    const session = await this.openShell(size);
    if (this.closed) {
      session.stream.destroy();
      throw new RequestError(say('terminal-stopped-while-opening', { node: this.node }));
    }
    const stream = session.stream;
    const deliver = (text: string) => {
      this.scrollback.push(text);
      this.broadcast({ type: 'term.output', node: this.node, data: text });
    };
    const shell: LiveShell = { session, decoder: new StringDecoder('utf8'), pump: new OutputPump<Peer>(stream, deliver) };
    // Pages still attached from the previous shell keep watching the new one.
    for (const peer of [...this.viewers, ...this.watchers.keys()]) shell.pump.attach(peer);
    stream.on('data', (chunk: Buffer) => shell.pump.write(shell.decoder.write(chunk)));
    stream.on('error', () => undefined); // the shell's end is reported through `exited`
    void session.exited.then((code) => {
      shell.pump.write(shell.decoder.end());
      shell.exitCode = code;
      if (this.shell === shell && !this.closed) this.broadcast({ type: 'term.exit', node: this.node, code });
    });
    this.shell = shell;
    return shell;
  }

  private broadcast(message: ServerMessage): void {
    for (const peer of this.viewers) peer.send(message);
    for (const [peer, label] of this.watchers) peer.send({ ...message, watch: label } as ServerMessage);
  }
}
