/**
 * The one JSON message protocol between a lab page in the browser and the runner's server, over a
 * single WebSocket per page (/ws). Shared by both sides: the server validates every client message
 * against the lab definition before acting on it.
 */
import type { LabEvent, NodeRunState, VipSnapshot, VrrpState } from './events.ts';

export type LabStatus = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

/** Flow control for terminals (xterm.js's watermark scheme): the server stops reading a shell once
 * this many bytes are unacknowledged, and resumes below the low mark. */
export const TERMINAL_HIGH_WATER = 128 * 1024;
export const TERMINAL_LOW_WATER = 16 * 1024;
/** The client acknowledges after writing at least this many bytes (or at the end of a burst). */
export const TERMINAL_ACK_EVERY = 16 * 1024;
/** Recent output kept per terminal, replayed when a page reconnects. */
export const TERMINAL_SCROLLBACK_BYTES = 64 * 1024;

export type ClientMessage =
  /** First message: which lab this page is about. `client` identifies the browser (localStorage) so a reload finds its lab. */
  | { type: 'hello'; lab: string; client: string }
  | { type: 'lab.start' }
  | { type: 'lab.reset' }
  | { type: 'lab.stop' }
  /** Attach to a node's terminal (created on first open, kept across reconnects). */
  | { type: 'term.open'; node: string; cols: number; rows: number }
  | { type: 'term.input'; node: string; data: string }
  | { type: 'term.resize'; node: string; cols: number; rows: number }
  /** The client has written `bytes` more bytes of this terminal's output. */
  | { type: 'term.ack'; node: string; bytes: number }
  /** Judge a step against the live lab (the learner did the action). */
  | { type: 'step.check'; step: string }
  /** Do a step's action that a terminal cannot (freeze / unfreeze a node). */
  | { type: 'step.action'; step: string }
  | { type: 'file.read'; node: string; path: string }
  | { type: 'file.write'; node: string; path: string; content: string };

export interface NodeInfo {
  node: string;
  address: string;
  run: NodeRunState;
  holdsVip: boolean;
  keepalived: boolean;
  vrrp: Record<string, VrrpState>;
  lastAdvert?: { t: number; priority: number; dst: string; vrid: number };
}

export interface StepVerdict {
  step: string;
  passed: boolean;
  message: string;
  checkedAt: number;
  ms: number;
}

export type ServerMessage =
  /** `editable`: the nodes with an editor tab (the lab's lb nodes; files under /etc/keepalived/).
   * `commands` (added, optional): what the learner types for the step, from lab.yaml. */
  | { type: 'welcome'; lab: string; title: string; steps: { id: string; title: string; action?: 'freeze' | 'unfreeze'; node?: string; commands?: { node: string; command: string }[] }[]; editable: string[] }
  | { type: 'lab.state'; status: LabStatus; vip?: string; subnet?: string; nodes: NodeInfo[]; message?: string }
  | { type: 'vip'; snapshot: VipSnapshot; nodes: NodeInfo[] }
  /** The timeline so far (on hello) or one new event. */
  | { type: 'timeline'; events: LabEvent[] }
  | { type: 'term.output'; node: string; data: string }
  /** Sent on (re)open, before live output: the recent scrollback. */
  | { type: 'term.replay'; node: string; data: string }
  | { type: 'term.exit'; node: string; code: number }
  | { type: 'step.running'; step: string }
  | { type: 'step.result'; verdict: StepVerdict }
  /** All verdicts so far for this lab copy (progress survives a reload). */
  | { type: 'progress'; verdicts: StepVerdict[] }
  /** `exists: false`: no such file yet (content is empty; saving creates it). Added by the server; optional for older readers. */
  | { type: 'file.content'; node: string; path: string; content: string; exists?: boolean }
  | { type: 'file.saved'; node: string; path: string }
  | { type: 'error'; message: string };
