/**
 * The one JSON message protocol between a lab page in the browser and the runner's server, over a
 * single WebSocket per page (/ws). Shared by both sides: the server validates every client message
 * against the lab definition before acting on it.
 */
import type { DiagnosisData } from '../grade/diagnosis.ts';
import type { RunnerActionName } from '../kinds/registry.ts';
import type { LabEvent, NodeRunState, VipSnapshot, VrrpState } from './events.ts';
import type { SentenceData } from './sentences.ts';

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
  /**
   * Judge a step against the live lab (the learner did the action). `auto` (added, optional): the
   * page asked on its own, because the lab changed; such a verdict never replaces a passed one.
   */
  | { type: 'step.check'; step: string; auto?: true }
  /** Do a step's runner action (a fault: freeze a node, cut its heartbeat, stop its keepalived...). */
  | { type: 'step.action'; step: string }
  | { type: 'file.read'; node: string; path: string }
  | { type: 'file.write'; node: string; path: string; content: string }
  /** The reference solution's files for an editable node (under /etc/keepalived/), answered by `solution.files`. */
  | { type: 'solution.read'; node: string }
  // ---- the instructor page (classroom mode; the socket must carry the instructor cookie) ----
  /** The instructor page's first message: the class as it is now, then `class.state` on every change. */
  | { type: 'class.hello' }
  /** Reset (a fresh copy, no progress) or stop a learner's lab. */
  | { type: 'class.reset'; learner: string; lab: string }
  | { type: 'class.stop'; learner: string; lab: string }
  /**
   * Watch a learner's terminal read-only: `term.replay`/`term.output` for that node follow, with
   * `watch` set; the page acknowledges with `term.ack` as a learner's page does. Another watch
   * replaces it; `class.unwatch` ends it.
   */
  | { type: 'class.watch'; learner: string; lab: string; node: string }
  | { type: 'class.unwatch' };

/** One learner's lab as the instructor page shows it. */
export interface ClassLearnerLab {
  learner: string;
  name: string;
  lab: string;
  /** The lab's nodes (what the page can watch). */
  nodes: string[];
  status: LabStatus;
  /** Steps passed / steps in the lab. */
  passed: number;
  total: number;
  /** The first step not passed yet (undefined: all passed). */
  currentStep?: string;
  /**
   * The diagnosis code and text of the learner's latest failed check of the current step;
   * `diagnosis` (added, optional): the same as data, for a page that words it in its own language.
   */
  lastFailure?: { code?: string; message: string; diagnosis?: DiagnosisData };
  /** Who holds the VIP now (running holders). */
  vipHolders: string[];
  /** The learner's last action (a message from their page), ms since the epoch. */
  lastActivity: number;
  /** Which Docker engine holds this lab (e.g. "local"). */
  engine: string;
  subnet?: string;
}

export interface ClassState {
  type: 'class.state';
  joinCode: string;
  learners: ClassLearnerLab[];
  /** Joined learners with no lab started yet. */
  idle: { learner: string; name: string; lastActivity: number }[];
  /**
   * Where most of the class is: the step most learners are on, and its most frequent diagnosis
   * (`data`, added, optional: its newest occurrence as data, for a page in another language).
   */
  stuck?: { lab: string; step: string; learners: number; diagnosis?: { code?: string; message: string; count: number; data?: DiagnosisData } };
  maxSessions: number;
}

export interface NodeInfo {
  node: string;
  address: string;
  run: NodeRunState;
  /** Holds the lab's first VIP (the VIP of a one-VIP lab). */
  holdsVip: boolean;
  /** Which of the lab's VIPs it holds (optional: a runner from before labs had several). */
  vips?: string[];
  keepalived: boolean;
  vrrp: Record<string, VrrpState>;
  lastAdvert?: { t: number; priority: number; dst: string; vrid: number };
  /** The priority of its latest advert per VRID (optional: a runner from before labs had several VIPs). */
  priorities?: Record<number, number>;
}

export interface StepVerdict {
  step: string;
  passed: boolean;
  /** The verdict in English (the diagnosis' text): what a page shows when it cannot word the diagnosis itself. */
  message: string;
  checkedAt: number;
  ms: number;
  /**
   * Added, optional: a failed step's diagnosis as data (code, params, causes), for a page that
   * words it in its own language (runner/i18n/zh/diagnoses.ts); `message` is its English text.
   */
  diagnosis?: DiagnosisData;
  /** Added, optional: a passed step's checks' diagnoses in order (`message` joins their English texts). */
  diagnoses?: DiagnosisData[];
  /** Added, optional: the verdict of a check the page asked for on its own (`step.check` with `auto`). */
  auto?: boolean;
  /** Added, optional: a check that could not run says so as a sentence (runner/shared/sentences.ts), `message` its English. */
  sentence?: SentenceData;
}

export type ServerMessage =
  /** `editable`: the nodes with an editor tab (the lab's lb nodes; files under /etc/keepalived/).
   * `commands` (added, optional): what the learner types for the step, from lab.yaml.
   * `action`: the step's runner action, a button labelled `button` ("✂ Cut the heartbeat to lb2");
   * `node`: the node it acts on; `actionNodes` (added, optional): every node it names, for a page
   * that labels the button in its own language ("✂ 切断 lb1 到 lb2 的心跳").
   * `title_zh` (added, optional): the lab's and a step's title in Chinese, for a zh page. */
  | {
      type: 'welcome';
      lab: string;
      title: string;
      title_zh?: string;
      steps: { id: string; title: string; title_zh?: string; action?: RunnerActionName; button?: string; node?: string; actionNodes?: string[]; commands?: { node: string; command: string }[] }[];
      editable: string[];
      /** Added, optional: false when the workbench was started with --no-solutions (an exam): the page offers hints, not the reference solution. */
      solutions?: boolean;
    }
  /**
   * `canonicalSubnet`: the subnet the tutorial's text names; when `subnet` differs (a classroom
   * session), the page shows the learner's own addresses. `expiresAt`: when this copy is removed
   * (idle timeout or lifetime, whichever is first), if it will be. `vips`: every VIP of the lab,
   * the first being `vip` (master-master has two).
   */
  | { type: 'lab.state'; status: LabStatus; vip?: string; vips?: string[]; subnet?: string; canonicalSubnet?: string; nodes: NodeInfo[]; message?: string; expiresAt?: number; /** Added, optional: `message` as a sentence, for a page in another language. */ sentence?: SentenceData }
  /** The copy will be removed at `at` (idle: no activity from the learner; lifetime: its maximum age). */
  | { type: 'lab.expiring'; at: number; reason: 'idle' | 'lifetime'; /** The limit that runs out: the idle timeout or the lifetime. */ limitMs?: number }
  | ClassState
  | { type: 'vip'; snapshot: VipSnapshot; nodes: NodeInfo[] }
  /** The timeline so far (on hello) or one new event. */
  | { type: 'timeline'; events: LabEvent[] }
  /** `watch`: set on the instructor page's read-only view (the learner whose terminal it is). */
  | { type: 'term.output'; node: string; data: string; watch?: string }
  /** Sent on (re)open, before live output: the recent scrollback. */
  | { type: 'term.replay'; node: string; data: string; watch?: string }
  | { type: 'term.exit'; node: string; code: number }
  | { type: 'step.running'; step: string }
  /** A step's runner action (its button) is done: the fault is in place. */
  | { type: 'step.acted'; step: string }
  | { type: 'step.result'; verdict: StepVerdict }
  /** All verdicts so far for this lab copy (progress survives a reload). */
  | { type: 'progress'; verdicts: StepVerdict[] }
  /** `exists: false`: no such file yet (content is empty; saving creates it). Added by the server; optional for older readers. */
  | { type: 'file.content'; node: string; path: string; content: string; exists?: boolean }
  | { type: 'file.saved'; node: string; path: string }
  /**
   * The reference solution's files for `node` (absolute paths under /etc/keepalived/), with a
   * classroom copy's own addresses in place of the tutorial's.
   */
  | { type: 'solution.files'; node: string; files: { path: string; content: string }[] }
  /** `sentence` (added, optional): `message` as a sentence (runner/shared/sentences.ts), for a page in another language. */
  | { type: 'error'; message: string; sentence?: SentenceData };
