/**
 * What the observer records about a running lab. The grader, the CLI and the browser's VIP panel and
 * timeline all read this one stream. Times are milliseconds since the epoch (Date.now()).
 */
import type { NodeName } from '../lab/definition.ts';

export type NodeRunState = 'running' | 'frozen' | 'stopped';
export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOPPED';

export type LabEvent =
  /**
   * A VIP appeared on or vanished from one of a node's interfaces. `address`: which of the lab's
   * VIPs (the observer always says; a reader of an older stream takes it for the first).
   */
  | { type: 'vip'; t: number; node: NodeName; held: boolean; iface: string; address?: string }
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
  | MailEvent
  | HttpEvent
  | FailoverEvent;

/**
 * One request of the grader's continuous client (runner/observe/client-probe.ts), sent at `t` and
 * ended at `end`. Only the probe hands these out, to the step it measures; the observer's timeline
 * does not hold them.
 */
export interface HttpEvent {
  type: 'http';
  t: number;
  end: number;
  /** The client, who asked. */
  node: NodeName;
  /** `ok`: an HTTP answer; anything else: none (given up, refused, no route, closed unanswered). */
  result: 'ok' | 'timeout' | 'refused' | 'unreachable' | 'error' | 'closed';
  /** The HTTP status (0 without an answer). */
  status: number;
  /** The node the answer names (`kalab-node: lb1`), when it names one. */
  answeredBy?: string;
}

/**
 * What a step cost the users of the VIP as it moved from `from` to `to` (runner/grade/failover-figures.ts):
 * reported for every step whose VIP holder changes, budgets or not.
 */
export interface FailoverFigures {
  from: NodeName;
  to: NodeName;
  /** From the start of the step's action to the VIP on `to` alone among the running nodes (the observer's events). */
  failoverMs: number;
  /**
   * The client's outage: from its last answer before a failed request to its first answer after
   * (the longest such gap), 0 when no request failed, null when the client was not answered again
   * by the verdict. Absent, with the request counts, when the client was not probed.
   */
  outageMs?: number | null;
  failedRequests?: number;
  requests?: number;
}

/** A step's figures, in the page's timeline (the workbench relays it; the observer never records one). */
export interface FailoverEvent extends FailoverFigures {
  type: 'failover';
  /** When the VIP reached `to`. */
  t: number;
  /** The new holder, as every timeline line names a node. */
  node: NodeName;
  step: string;
}

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

/** One VIP's holder set as seen at one moment. */
export interface VipSnapshot {
  t: number;
  /** Which VIP (the lab's first, unless another was asked for); the observer always says. */
  address?: string;
  /** Nodes with the VIP on an interface, whether running or frozen. */
  holders: NodeName[];
  /** Holders that are running (a frozen node keeps the address, as a hung machine does, but serves nothing). */
  runningHolders: NodeName[];
}
