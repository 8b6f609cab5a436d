/** A WebSocket stand-in for the widget's unit tests: records what the page sends, delivers what the runner would. */
import type { SocketLike } from '../../docs/.vitepress/theme/lab/socket-client.ts';
import type { ClientMessage, ServerMessage } from '../../runner/shared/protocol.ts';

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: ClientMessage[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** The runner refused the upgrade (401) or went away. */
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(m: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

/** A `createSocket` for a session under test, and the sockets it has made, in order (a reconnect makes another). */
export function fakeSockets(): { sockets: FakeSocket[]; createSocket: () => FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
  };
}
