/**
 * One page's WebSocket: parse and validate each message, route it to the page's lab, and answer
 * anything that cannot be done with an `error` message. Nothing a page sends can crash the server.
 */
import type { WebSocket } from 'ws';
import { KalabError } from '../shared/errors.ts';
import type { ClientMessage, ServerMessage } from '../shared/protocol.ts';
import { parseClientMessage } from './client-messages.ts';
import type { LabHub } from './lab-hub.ts';
import type { LiveLab } from './live-lab.ts';
import type { Peer } from './peer.ts';
import { RequestError } from './request-error.ts';

/**
 * A page that stops reading its socket (a hung tab) must not grow the server's memory: terminal
 * output is already bounded by flow control, so this only trips on a page that reads nothing at all.
 */
export const MAX_SOCKET_BUFFER_BYTES = 16 * 1024 * 1024;

let nextPeerId = 1;

export class Connection implements Peer {
  readonly id = nextPeerId++;
  private lab?: LiveLab;

  constructor(
    private readonly ws: WebSocket,
    private readonly hub: LabHub,
    private readonly log: (line: string) => void,
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.send({ type: 'error', message: 'Send JSON text messages, not binary ones.' });
      void this.handle(data.toString());
    });
    ws.on('close', () => this.lab?.detach(this));
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
    if (!parsed.ok) return this.send({ type: 'error', message: parsed.error });
    try {
      await this.dispatch(parsed.message);
    } catch (err) {
      if (err instanceof KalabError) {
        this.send({ type: 'error', message: err.message });
      } else {
        this.log(`socket ${this.id}: ${parsed.message.type} failed: ${(err as Error)?.stack ?? err}`);
        this.send({ type: 'error', message: `The runner could not do ${parsed.message.type}: ${(err as Error)?.message ?? err}` });
      }
    }
  }

  private async dispatch(message: ClientMessage): Promise<void> {
    if (message.type === 'hello') {
      const lab = this.hub.lab(message.lab);
      if (this.lab && this.lab !== lab) this.lab.detach(this);
      this.lab = lab;
      lab.attach(this);
      return;
    }
    const lab = this.lab;
    if (!lab) throw new RequestError(`Send hello with a lab first (got ${message.type}).`);
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
        return lab.terminal(message.node).input(message.data);
      case 'term.resize':
        return lab.terminal(message.node).resize(message.cols, message.rows);
      case 'term.ack':
        return lab.ackTerminal(this, message.node, message.bytes);
      case 'step.check':
        return lab.checkStep(message.step);
      case 'step.action':
        return lab.stepAction(message.step);
      case 'file.read':
        return lab.readFile(this, message.node, message.path);
      case 'file.write':
        return lab.writeFile(this, message.node, message.path, message.content);
    }
  }
}
