/**
 * The lab widget's state, reduced from the runner's messages: the lab's status and nodes, the VIP
 * panel, the timeline, and each step's verdict. Plain TypeScript: the Vue components pass Vue's
 * `reactive` in and render what is here; unit tests drive it with messages and read it back.
 */
import type { LabEvent } from '../../../../runner/shared/events.ts';
import type { LabStatus, NodeInfo, ServerMessage, StepVerdict } from '../../../../runner/shared/protocol.ts';
import { appendTimeline, TimelineBuilder, type TimelineEntry } from './timeline.ts';
import { mergeVerdicts, type Verdicts } from './progress-storage.ts';
import type { ConnectionState } from './socket-client.ts';

export interface StepCommand {
  node: string;
  command: string;
}

export interface StepInfo {
  id: string;
  title: string;
  /** A step a terminal cannot do (freeze / unfreeze a node): the page shows a button for it. */
  action?: 'freeze' | 'unfreeze';
  node?: string;
  /** What the learner types for this step (lab.yaml `commands`), if the runner sends them. */
  commands: StepCommand[];
}

type WelcomeMessage = Extract<ServerMessage, { type: 'welcome' }>;
/** The welcome message, tolerating a runner that also sends each step's commands. */
type WelcomeStep = WelcomeMessage['steps'][number] & { commands?: StepCommand[] };

/** requested: the page asked; running: the runner is judging it (waiting for VRRP to settle). */
export type CheckPhase = 'requested' | 'running';

export interface LabViewState {
  connection: ConnectionState;
  lab: string;
  title: string;
  steps: StepInfo[];
  /** Nodes whose /etc/keepalived/ the page may edit (from the welcome message). */
  editable: string[];
  /** 'unknown' until the runner has said (or when it cannot be reached). */
  status: LabStatus | 'unknown';
  statusMessage: string;
  vip: string;
  subnet: string;
  nodes: NodeInfo[];
  /** Time of the latest VIP snapshot or VIP event (runner clock). */
  vipChangedAt: number;
  timeline: TimelineEntry[];
  verdicts: Verdicts;
  checks: Record<string, CheckPhase>;
  /** A step action (freeze / unfreeze) the page asked for and has not heard back about. */
  actionPending: string;
  lastError: { message: string; at: number } | null;
}

export function initialLabState(lab: string, verdicts: Verdicts = {}): LabViewState {
  return {
    connection: 'connecting',
    lab,
    title: '',
    steps: [],
    editable: [],
    status: 'unknown',
    statusMessage: '',
    vip: '',
    subnet: '',
    nodes: [],
    vipChangedAt: 0,
    timeline: [],
    verdicts,
    checks: {},
    actionPending: '',
    lastError: null,
  };
}

export const isLbNode = (node: string): boolean => /^lb\d+$/.test(node);

/** The lab contract's cast in its own order (the runner reports nodes in whatever order they started). */
const NODE_ORDER = ['lb1', 'lb2', 'web1', 'web2', 'mail', 'client'];

/** Node names in the contract's order; unknown names after them, alphabetically. */
export function sortNodes(names: readonly string[]): string[] {
  const rank = (n: string) => {
    const i = NODE_ORDER.indexOf(n);
    return i < 0 ? NODE_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface LabStoreOptions {
  /** Wrap the state (Vue's `reactive`); identity in tests. */
  makeReactive?: <T extends object>(state: T) => T;
  /** Called whenever verdicts change, to persist progress. */
  onVerdicts?: (verdicts: Verdicts) => void;
  now?: () => number;
}

export class LabStore {
  readonly state: LabViewState;
  private readonly timeline = new TimelineBuilder();
  /** Per node and field, the time of the newest event applied, so a replayed older event cannot undo a newer one. */
  private readonly fieldTimes = new Map<string, number>();
  private readonly onVerdicts: (verdicts: Verdicts) => void;
  private readonly now: () => number;

  constructor(lab: string, initialVerdicts: Verdicts = {}, options: LabStoreOptions = {}) {
    const make = options.makeReactive ?? (<T extends object>(s: T) => s);
    this.state = make(initialLabState(lab, initialVerdicts));
    this.onVerdicts = options.onVerdicts ?? (() => {});
    this.now = options.now ?? Date.now;
  }

  setConnection(connection: ConnectionState): void {
    this.state.connection = connection;
    if (connection !== 'open') {
      // Nothing asked of a runner we lost will be answered; the learner can ask again.
      this.state.checks = {};
      this.state.actionPending = '';
    }
  }

  /** The page asked for a check; shown as "checking" until the verdict comes. */
  checkRequested(step: string): void {
    this.state.checks = { ...this.state.checks, [step]: 'requested' };
  }

  actionRequested(step: string): void {
    this.state.actionPending = step;
  }

  /** Forget this lab's progress (the learner asked to start over). */
  clearVerdicts(): void {
    this.state.verdicts = {};
    this.onVerdicts({});
  }

  apply(message: ServerMessage): void {
    const s = this.state;
    switch (message.type) {
      case 'welcome':
        s.lab = message.lab;
        s.title = message.title;
        s.steps = (message.steps as WelcomeStep[]).map((step) => ({
          id: step.id,
          title: step.title,
          ...(step.action ? { action: step.action } : {}),
          ...(step.node ? { node: step.node } : {}),
          commands: Array.isArray(step.commands) ? step.commands.filter(isCommand) : [],
        }));
        s.editable = [...message.editable];
        return;
      case 'lab.state': {
        const fresh = message.status === 'starting' && s.status !== 'starting';
        if (fresh) {
          // A new copy of the lab: its history starts now.
          s.timeline = [];
          this.timeline.reset();
          this.fieldTimes.clear();
        }
        s.status = message.status;
        s.statusMessage = message.message ?? '';
        s.vip = message.vip ?? '';
        s.subnet = message.subnet ?? '';
        s.nodes = message.nodes.map(cloneNode);
        if (message.status === 'stopped' || message.status === 'failed') s.checks = {};
        if (message.status !== 'running') s.actionPending = '';
        return;
      }
      case 'vip':
        s.nodes = message.nodes.map(cloneNode);
        s.vipChangedAt = message.snapshot.t;
        return;
      case 'timeline': {
        const sorted = [...message.events].sort((a, b) => a.t - b.t);
        for (const event of sorted) this.applyEvent(event);
        appendTimeline(s.timeline, this.timeline.add(sorted));
        return;
      }
      case 'step.running':
        s.checks = { ...s.checks, [message.step]: 'running' };
        if (s.actionPending === message.step) s.actionPending = '';
        return;
      case 'step.result': {
        const { [message.verdict.step]: _done, ...rest } = s.checks;
        s.checks = rest;
        if (s.actionPending === message.verdict.step) s.actionPending = '';
        this.setVerdicts(mergeVerdicts(s.verdicts, [message.verdict]));
        return;
      }
      case 'progress':
        this.setVerdicts(mergeVerdicts(s.verdicts, message.verdicts));
        return;
      case 'error': {
        s.lastError = { message: message.message, at: this.now() };
        // The runner refused something: a check it never started will not come back.
        const checks: Record<string, CheckPhase> = {};
        for (const [step, phase] of Object.entries(s.checks)) if (phase === 'running') checks[step] = phase;
        s.checks = checks;
        s.actionPending = '';
        return;
      }
      default:
        // Terminal and file messages go to their panes, not to the store.
        return;
    }
  }

  dismissError(): void {
    this.state.lastError = null;
  }

  /** Keep the node views live between snapshots: each event updates the one field it is about. */
  private applyEvent(event: LabEvent): void {
    const field = event.type === 'vrrp' ? `vrrp:${event.instance}` : event.type;
    const key = `${event.node}|${field}`;
    const last = this.fieldTimes.get(key);
    if (last !== undefined && event.t < last) return;
    this.fieldTimes.set(key, event.t);
    const node = this.state.nodes.find((n) => n.node === event.node);
    if (!node) return; // Not a node of this lab copy (or the lab state has not arrived yet).
    switch (event.type) {
      case 'vip':
        node.holdsVip = event.held;
        this.state.vipChangedAt = Math.max(this.state.vipChangedAt, event.t);
        break;
      case 'node':
        node.run = event.state;
        break;
      case 'vrrp':
        node.vrrp = { ...node.vrrp, [event.instance]: event.state };
        break;
      case 'keepalived':
        node.keepalived = event.running;
        if (!event.running) {
          // keepalived gone: its instances are no longer anything.
          const stopped: NodeInfo['vrrp'] = {};
          for (const instance of Object.keys(node.vrrp)) stopped[instance] = 'STOPPED';
          node.vrrp = stopped;
        }
        break;
      case 'advert':
        node.lastAdvert = { t: event.t, priority: event.priority, dst: event.dst, vrid: event.vrid };
        break;
    }
  }

  private setVerdicts(verdicts: Verdicts): void {
    this.state.verdicts = verdicts;
    this.onVerdicts(verdicts);
  }
}

function isCommand(c: unknown): c is StepCommand {
  return !!c && typeof (c as StepCommand).node === 'string' && typeof (c as StepCommand).command === 'string';
}

function cloneNode(n: NodeInfo): NodeInfo {
  return { ...n, vrrp: { ...n.vrrp }, ...(n.lastAdvert ? { lastAdvert: { ...n.lastAdvert } } : {}) };
}

// ---- Views the components render (pure functions of the state). ----

export interface VipRow {
  node: string;
  address: string;
  holdsVip: boolean;
  run: NodeInfo['run'];
  keepalived: boolean;
  /** "MASTER", or "VI_1 MASTER, VI_2 BACKUP" with several instances; "—" when none known. */
  vrrp: string;
  priority: number | null;
}

export function vipRows(state: LabViewState): VipRow[] {
  const order = sortNodes(state.nodes.map((n) => n.node));
  return [...state.nodes]
    .sort((a, b) => order.indexOf(a.node) - order.indexOf(b.node))
    .filter((n) => isLbNode(n.node))
    .map((n) => {
      const instances = Object.entries(n.vrrp);
      const vrrp =
        instances.length === 0 ? '—' : instances.length === 1 ? instances[0]![1] : instances.map(([i, st]) => `${i} ${st}`).join(', ');
      return {
        node: n.node,
        address: n.address,
        holdsVip: n.holdsVip,
        run: n.run,
        keepalived: n.keepalived,
        vrrp,
        priority: n.lastAdvert ? n.lastAdvert.priority : null,
      };
    });
}

/** Who holds the VIP, in words, for the panel's headline. */
export function vipHolderText(state: LabViewState): string {
  // In the contract's order, whatever order the runner reported the nodes in.
  const order = sortNodes(state.nodes.map((n) => n.node));
  const holders = state.nodes.filter((n) => n.holdsVip).sort((a, b) => order.indexOf(a.node) - order.indexOf(b.node));
  if (holders.length === 0) return 'no node holds the VIP';
  const running = holders.filter((n) => n.run === 'running');
  if (holders.length === 1) return `${holders[0]!.node} holds the VIP${holders[0]!.run === 'frozen' ? ' (frozen)' : ''}`;
  if (running.length > 1) return `split brain: ${running.map((n) => n.node).join(' and ')} both hold the VIP`;
  return holders.map((n) => `${n.node}${n.run === 'frozen' ? ' (frozen)' : ''}`).join(' and ') + ' hold the VIP';
}

export function passedCount(state: LabViewState): number {
  return state.steps.filter((s) => state.verdicts[s.id]?.passed).length;
}

export function verdictFor(state: LabViewState, step: string): StepVerdict | undefined {
  return state.verdicts[step];
}
