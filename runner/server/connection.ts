/**
 * One page's WebSocket: parse and validate each message, route it to the page's lab, and answer
 * anything that cannot be done with an `error` message. Nothing a page sends can crash the server.
 */
import type { WebSocket } from 'ws';
import { KalabError } from '../shared/errors.ts';
import type { ClientMessage, ServerMessage } from '../shared/protocol.ts';
import { parseClientMessage } from './client-messages.ts';
import type { Classroom } from '../classroom/classroom.ts';
import type { LiveLab } from './live-lab.ts';
import type { Peer } from './peer.ts';
import { say, said, type Said } from '../shared/sentences.ts';
import { RequestError, saidBy } from './request-error.ts';

/**
 * A page that stops reading its socket (a hung tab) must not grow the server's memory: terminal
 * output is already bounded by flow control, so this only trips on a page that reads nothing at all.
 */
export const MAX_SOCKET_BUFFER_BYTES = 16 * 1024 * 1024;

let nextPeerId = 1;

/** Who is on the other end, as the server established it before the socket opened. */
export type Identity =
  /** Single-learner mode: every page shares each lab's one copy. */
  | { kind: 'single'; labs: { lab(id: string): LiveLab } }
  /** A classroom learner: their own copies. */
  | { kind: 'learner'; classroom: Classroom; learner: Parameters<Classroom['lab']>[0] }
  /** The instructor page. */
  | { kind: 'instructor'; classroom: Classroom };

export class Connection implements Peer {
  readonly id = nextPeerId++;
  private lab?: LiveLab;
  /** The instructor page's subscription to the class, and the learner terminal it watches. */
  private unsubscribeClass?: () => void;
  private watching?: { lab: LiveLab; node: string };

  constructor(
    private readonly ws: WebSocket,
    private readonly identity: Identity,
    private readonly log: (line: string) => void,
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.sendError(said(say('binary-message', {})));
      void this.handle(data.toString());
    });
    ws.on('close', () => {
      this.lab?.detach(this);
      this.unsubscribeClass?.();
      this.watching?.lab.unwatchTerminal(this, this.watching.node);
    });
    ws.on('error', (err) => this.log(`socket ${this.id}: ${err.message}`));
  }

  send(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_SOCKET_BUFFER_BYTES) {
      this.log(`socket ${this.id}: the page stopped reading (${this.ws.bufferedAmount} bytes queued); closing it`);
      this.ws.close(1008, 'not reading');
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  private async handle(raw: string): Promise<void> {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.sendError(said(say('bad-message', { error: parsed.error })));
    try {
      await this.dispatch(parsed.message);
    } catch (err) {
      if (err instanceof KalabError) {
        this.sendError(saidBy(err));
      } else {
        this.log(`socket ${this.id}: ${parsed.message.type} failed: ${(err as Error)?.stack ?? err}`);
        this.sendError(said(say('runner-failed', { type: parsed.message.type, error: String((err as Error)?.message ?? err) })));
      }
    }
  }

  /** An `error` message: the English, and the sentence for a page that words it in its own language. */
  private sendError(what: Said): void {
    this.send({ type: 'error', message: what.message, ...(what.sentence ? { sentence: what.sentence } : {}) });
  }

  private async dispatch(message: ClientMessage): Promise<void> {
    const id = this.identity;
    if (message.type.startsWith('class.')) return this.dispatchClass(message);
    if (id.kind === 'instructor') {
      // The instructor's page only watches: its acknowledgements keep the watched shell flowing.
      if (message.type === 'term.ack' && this.watching) return this.watching.lab.ackTerminal(this, message.node, message.bytes);
      throw new RequestError(say('instructor-sends-class', { type: message.type }));
    }
    // A check the page asks for on its own (the lab changed) is not the learner at work: it keeps no copy from its idle timeout.
    const automatic = message.type === 'step.check' && message.auto === true;
    if (id.kind === 'learner' && !automatic) id.classroom.touch(id.learner, message.type === 'hello' ? message.lab : this.lab?.id);
    if (message.type === 'hello') {
      const lab = id.kind === 'learner' ? id.classroom.lab(id.learner, message.lab) : id.labs.lab(message.lab);
      if (this.lab && this.lab !== lab) this.lab.detach(this);
      this.lab = lab;
      lab.attach(this);
      return;
    }
    const lab = this.lab;
    if (!lab) throw new RequestError(say('hello-first', { type: message.type }));
    switch (message.type) {
      case 'lab.start':
        return lab.start();
      case 'lab.reset':
        return lab.reset();
      case 'lab.stop':
        return lab.stop();
      case 'term.open':
        return lab.openTerminal(this, message.node, { cols: message.cols, rows: message.rows });
      case 'term.input':
        return lab.terminalInput(message.node, message.data);
      case 'term.resize':
        return lab.terminal(message.node).resize(message.cols, message.rows);
      case 'term.ack':
        return lab.ackTerminal(this, message.node, message.bytes);
      case 'step.check':
        return lab.checkStep(message.step, message.auto === true);
      case 'step.action':
        return lab.stepAction(message.step);
      case 'file.read':
        return lab.readFile(this, message.node, message.path);
      case 'file.write':
        return lab.writeFile(this, message.node, message.path, message.content);
      case 'solution.read':
        return lab.readSolution(this, message.node);
    }
  }

  private async dispatchClass(message: ClientMessage): Promise<void> {
    if (this.identity.kind !== 'instructor') throw new RequestError(say('instructor-only', {}));
    const classroom = this.identity.classroom;
    switch (message.type) {
      case 'class.hello':
        this.unsubscribeClass?.();
        this.unsubscribeClass = classroom.subscribe((state) => this.send(state));
        return;
      case 'class.reset':
      case 'class.stop':
        return classroom.control(message.type === 'class.reset' ? 'reset' : 'stop', message.learner, message.lab);
      case 'class.watch': {
        const lab = classroom.copyOf(message.learner, message.lab);
        if (!lab) throw new RequestError(say('no-lab-to-watch', { learner: message.learner, lab: message.lab }));
        this.watching?.lab.unwatchTerminal(this, this.watching.node);
        await lab.watchTerminal(this, message.node, message.learner);
        this.watching = { lab, node: message.node };
        return;
      }
      case 'class.unwatch':
        this.watching?.lab.unwatchTerminal(this, this.watching.node);
        this.watching = undefined;
        return;
    }
  }
}
