/** One connected page, as the lab hub and terminals see it: something to send messages to. */
import type { ServerMessage } from '../shared/protocol.ts';

export interface Peer {
  readonly id: number;
  send(message: ServerMessage): void;
}
