/**
 * What the observer records about a running lab. The grader, the CLI and the browser's VIP panel and
 * timeline all read this one stream. Times are milliseconds since the epoch (Date.now()).
 */
import type { NodeName } from '../lab/definition.ts';

export type NodeRunState = 'running' | 'frozen' | 'stopped';
export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOPPED';

export type LabEvent =
  /** An address appeared on or vanished from one of a node's interfaces (only the VIP is recorded). */
  | { type: 'vip'; t: number; node: NodeName; held: boolean; iface: string }
  /** The container was frozen, unfrozen, or stopped. */
  | { type: 'node'; t: number; node: NodeName; state: NodeRunState }
  /** A VRRP advert this node sent (captured on its own interface, outbound). */
  | { type: 'advert'; t: number; node: NodeName; src: string; dst: string; vrid: number; priority: number; intervalS: number; version: number }
  /** keepalived said so in its log: an instance changed state, or the daemon started or stopped. */
  | { type: 'vrrp'; t: number; node: NodeName; instance: string; state: VrrpState }
  | { type: 'keepalived'; t: number; node: NodeName; running: boolean }
  /** The grader's eyes on a node stopped seeing (these watchers are lost from `t`) or see again. */
  | { type: 'observer'; t: number; node: NodeName; seeing: boolean; watchers: string[] }
  /** A message the lab's mail node received (its mailbox, /var/mail/lab, grew by one message). */
  | MailEvent;

/**
 * One received mail, as the mail node's Postfix stored it. `node` is the mail node that received it;
 * `sender` the lab node whose address Postfix recorded as the SMTP client, when it is one.
 */
export interface MailEvent {
  type: 'mail';
  t: number;
  node: NodeName;
  sender?: NodeName;
  /** The SMTP client address from the newest `Received:` header (e.g. 10.88.5.11). */
  client?: string;
  /** The name the client gave in HELO/EHLO (`Received: from lb1 ...`). */
  helo?: string;
  /** The envelope sender from the mbox `From ` line. */
  envelopeFrom?: string;
  /** X-Original-To: the recipient as sent. */
  to?: string;
  subject: string;
  /** The body, cut to a few KiB (an alert is a line or two). */
  body: string;
}

/** The VIP's holder set as seen at one moment. */
export interface VipSnapshot {
  t: number;
  /** Nodes with the VIP on an interface, whether running or frozen. */
  holders: NodeName[];
  /** Holders that are running (a frozen node keeps the address, as a hung machine does, but serves nothing). */
  runningHolders: NodeName[];
}
