/** A page's side of the workbench's WebSocket, for integration tests: every message kept, waits with deadlines. */
import WebSocket from 'ws';
import type { ServerMessage } from '../../runner/shared/protocol.ts';

/** A page's side of the socket: every message kept, waits are predicates with deadlines. */
export class Page {
  readonly messages: ServerMessage[] = [];
  /** When each message arrived (Date.now()), for latency figures. */
  readonly receivedAt: number[] = [];
  /** Per node, all terminal output so far, and where in it each message's output starts (a flood is thousands of messages). */
  private readonly outputs = new Map<string, { text: string; startOf: Map<number, number> }>();
  private waiters: (() => void)[] = [];
  /** Acknowledge terminal output at once, as an xterm.js that writes instantly would. */
  autoAck = true;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as ServerMessage;
      if (m.type === 'term.output') {
        const out = this.outputs.get(m.node) ?? { text: '', startOf: new Map() };
        out.startOf.set(this.messages.length, out.text.length);
        out.text += m.data;
        this.outputs.set(m.node, out);
      }
      this.messages.push(m);
      this.receivedAt.push(Date.now());
      if (this.autoAck && m.type === 'term.output') this.send({ type: 'term.ack', node: m.node, bytes: m.data.length });
      for (const w of [...this.waiters]) w();
    });
    ws.on('close', () => {
      this.closed = true;
      for (const w of [...this.waiters]) w();
    });
  }

  /** `cookie`: a classroom session (or the instructor's) as the browser would send it. */
  static open(url: string, origin: string, cookie?: string): Promise<Page> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + 'ws', { origin, ...(cookie ? { headers: { cookie } } : {}) });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Page(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Resolves with the first message from index `from` on that satisfies `match`; rejects at the deadline, saying what it saw. */
  waitFor<T extends ServerMessage['type']>(
    type: T,
    match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    opts: { from?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const from = opts.from ?? 0;
    const timeoutMs = opts.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find((m) => m.type === type && match(m as Extract<ServerMessage, { type: T }>));
        if (found) return done(() => resolve(found as Extract<ServerMessage, { type: T }>));
        if (this.closed) return done(() => reject(new Error(`socket closed while waiting for ${opts.what ?? type}`)));
      };
      const timer = setTimeout(() => {
        const recent = this.messages.slice(-5).map((m) => JSON.stringify(m).slice(0, 200)).join('\n  ');
        done(() => reject(new Error(`no ${opts.what ?? type} within ${timeoutMs} ms; last messages:\n  ${recent}`)));
      }, timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        settle();
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Terminal output of a node received from message index `from` on. */
  output(node: string, from = 0): string {
    const out = this.outputs.get(node);
    if (!out) return '';
    let start = out.text.length;
    for (const [index, offset] of out.startOf) {
      if (index >= from) {
        start = offset;
        break;
      }
    }
    return out.text.slice(start);
  }

  /** Wait until the node's output since message `from` contains `text` (searched incrementally). */
  waitForOutput(node: string, text: string, from: number, timeoutMs = 15_000): Promise<unknown> {
    const base = this.output(node, 0).length - this.output(node, from).length;
    let searched = base;
    return this.waitFor(
      'term.output',
      (m) => {
        if (m.node !== node) return false;
        const all = this.outputs.get(node)!.text;
        const at = all.indexOf(text, Math.max(base, searched - text.length));
        searched = all.length;
        return at >= 0;
      },
      { from, timeoutMs, what: `"${text}" on ${node}` },
    );
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

