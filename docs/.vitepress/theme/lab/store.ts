/**
 * The lab widget's state, reduced from the runner's messages: the lab's status and nodes, the VIP
 * panel, the timeline, and each step's verdict. Plain TypeScript: the Vue components pass Vue's
 * `reactive` in and render what is here; unit tests drive it with messages and read it back.
 */
import type { LabEvent } from '../../../../runner/shared/events.ts';
import type { LabStatus, NodeInfo, ServerMessage, StepVerdict } from '../../../../runner/shared/protocol.ts';
import { appendTimeline, TimelineBuilder, type TimelineEntry } from './timeline.ts';
import { mergeVerdicts, type Verdicts } from './progress-storage.ts';
import { sentenceText } from './sentence-text.ts';
import type { ConnectionState } from './socket-client.ts';
import { actionButtonText, clockText, joinAnd, translator, uiLang, type Translate } from './strings.ts';

export interface StepCommand {
  node: string;
  command: string;
}

export interface StepInfo {
  id: string;
  title: string;
  /** A step the runner does (a fault: freeze a node, cut its heartbeat...): the page shows a button for it. */
  action?: string;
  /** The button's label, from the action's kind ("✂ Cut the heartbeat to lb2"). */
  button?: string;
  node?: string;
  /** What the learner types for this step (lab.yaml `commands`), if the runner sends them. */
  commands: StepCommand[];
}

type WelcomeMessage = Extract<ServerMessage, { type: 'welcome' }>;
/** The welcome message, tolerating a runner that also sends each step's commands. */
type WelcomeStep = WelcomeMessage['steps'][number] & { commands?: StepCommand[] };

/** requested: the page asked; running: the runner is judging it (waiting for VRRP to settle). */
export type CheckPhase = 'requested' | 'running';

/** A deadline this near is shown as a warning (the runner warns as far ahead, see lab.expiring). */
export const EXPIRY_WARNING_MS = 5 * 60_000;

/** When the runner removes the copy, and why (null: it gave the time, not the reason). */
export interface ExpiryNotice {
  at: number;
  reason: 'idle' | 'lifetime' | null;
}

export interface LabViewState {
  connection: ConnectionState;
  lab: string;
  title: string;
  steps: StepInfo[];
  /** Nodes whose /etc/keepalived/ the page may edit (from the welcome message). */
  editable: string[];
  /** The page may show the reference solution (false: the workbench runs with --no-solutions). */
  solutions: boolean;
  /** 'unknown' until the runner has said (or when it cannot be reached). */
  status: LabStatus | 'unknown';
  statusMessage: string;
  vip: string;
  /** Every VIP of the lab, the first being `vip` (master-master has two). */
  vips: string[];
  subnet: string;
  /** The subnet the tutorial's text names; differs from `subnet` for a classroom learner's copy. */
  canonicalSubnet: string;
  /**
   * The copy is about to be removed (a classroom's idle timeout or lifetime): the runner's warning,
   * or a deadline it gave that was near when it gave it (reason null: it did not say why).
   */
  expiring: ExpiryNotice | null;
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
    solutions: true,
    status: 'unknown',
    statusMessage: '',
    vip: '',
    vips: [],
    subnet: '',
    canonicalSubnet: '',
    expiring: null,
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
  /**
   * The runner keeps the progress (a classroom): its `progress` message is the whole truth, so an
   * instructor's reset clears the page too. Otherwise the page merges it with what it remembers
   * (a runner restart forgets verdicts, the browser does not).
   */
  progressFromRunner?: boolean;
  now?: () => number;
  /** The page's language (VitePress's "en-US", "zh-CN"): the steps' titles and buttons, the timeline's lines, the runner's sentences. */
  lang?: string;
}

export class LabStore {
  readonly state: LabViewState;
  private readonly timeline: TimelineBuilder;
  /** Per node and field, the time of the newest event applied, so a replayed older event cannot undo a newer one. */
  private readonly fieldTimes = new Map<string, number>();
  private readonly onVerdicts: (verdicts: Verdicts) => void;
  private readonly progressFromRunner: boolean;
  private readonly now: () => number;
  private readonly lang: string | undefined;

  constructor(lab: string, initialVerdicts: Verdicts = {}, options: LabStoreOptions = {}) {
    const make = options.makeReactive ?? (<T extends object>(s: T) => s);
    this.state = make(initialLabState(lab, initialVerdicts));
    this.onVerdicts = options.onVerdicts ?? (() => {});
    this.progressFromRunner = options.progressFromRunner ?? false;
    this.now = options.now ?? Date.now;
    this.lang = options.lang;
    this.timeline = new TimelineBuilder(options.lang);
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

  /**
   * The page sent the runner something, which a classroom runner counts as the learner's activity:
   * an idle deadline has moved. Any other warning stands (the runner repeats one that still applies).
   */
  activity(): void {
    if (this.state.expiring?.reason === 'idle') this.state.expiring = null;
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
        // A zh page shows the lab's and the steps' Chinese titles (lab.yaml title_zh), when the lab has them.
        s.title = (this.zh && message.title_zh) || message.title;
        s.steps = (message.steps as WelcomeStep[]).map((step) => ({
          id: step.id,
          title: (this.zh && step.title_zh) || step.title,
          ...(step.action ? { action: step.action } : {}),
          ...(step.button ? { button: (this.zh && step.action && actionButtonText(this.lang, step.action, step.actionNodes ?? (step.node ? [step.node] : []))) || step.button } : {}),
          ...(step.node ? { node: step.node } : {}),
          commands: Array.isArray(step.commands) ? step.commands.filter(isCommand) : [],
        }));
        s.editable = [...message.editable];
        s.solutions = message.solutions !== false;
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
        // In the page's language when the runner sent the sentence (a zh page: "正在启动 lb1、lb2…").
        s.statusMessage = message.message === undefined ? '' : sentenceText({ message: message.message, sentence: message.sentence }, this.lang);
        s.vip = message.vip ?? '';
        s.vips = message.vips ?? (message.vip ? [message.vip] : []);
        s.subnet = message.subnet ?? '';
        s.canonicalSubnet = message.canonicalSubnet ?? '';
        s.expiring = this.expiryFrom(message.expiresAt);
        s.nodes = message.nodes.map(cloneNode);
        if (message.status === 'stopped' || message.status === 'failed') s.checks = {};
        if (message.status !== 'running') s.actionPending = '';
        return;
      }
      case 'lab.expiring':
        s.expiring = { at: message.at, reason: message.reason };
        return;
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
      case 'step.acted':
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
        this.setVerdicts(mergeVerdicts(this.progressFromRunner ? {} : s.verdicts, message.verdicts));
        return;
      case 'error': {
        s.lastError = { message: sentenceText(message, this.lang), at: this.now() };
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

  private get zh(): boolean {
    return uiLang(this.lang) === 'zh';
  }

  dismissError(): void {
    this.state.lastError = null;
  }

  /**
   * What a lab.state's deadline says about removal: true as of the moment it was sent, so it is
   * read then, not later (the learner's activity since may have moved it; the runner warns with
   * lab.expiring when a deadline comes near). A deadline the page was already warned of keeps the
   * warning's reason.
   */
  private expiryFrom(expiresAt: number | undefined): ExpiryNotice | null {
    if (expiresAt === undefined || expiresAt - this.now() > EXPIRY_WARNING_MS) return null;
    const warned = this.state.expiring;
    return warned && warned.at === expiresAt ? warned : { at: expiresAt, reason: null };
  }

  /** Keep the node views live between snapshots: each event updates the one field it is about. */
  private applyEvent(event: LabEvent): void {
    const vip = event.type === 'vip' ? (event.address ?? this.state.vip) : '';
    const field = event.type === 'vrrp' ? `vrrp:${event.instance}` : event.type === 'vip' ? `vip:${vip}` : event.type;
    const key = `${event.node}|${field}`;
    const last = this.fieldTimes.get(key);
    if (last !== undefined && event.t < last) return;
    this.fieldTimes.set(key, event.t);
    const node = this.state.nodes.find((n) => n.node === event.node);
    if (!node) return; // Not a node of this lab copy (or the lab state has not arrived yet).
    switch (event.type) {
      case 'vip': {
        const held = new Set(heldVips(this.state, node));
        if (event.held) held.add(vip);
        else held.delete(vip);
        node.vips = labVips(this.state).filter((a) => held.has(a));
        node.holdsVip = held.has(labVips(this.state)[0] ?? vip);
        this.state.vipChangedAt = Math.max(this.state.vipChangedAt, event.t);
        break;
      }
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
        node.priorities = { ...node.priorities, [event.vrid]: event.priority };
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
  return {
    ...n,
    vrrp: { ...n.vrrp },
    ...(n.vips ? { vips: [...n.vips] } : {}),
    ...(n.priorities ? { priorities: { ...n.priorities } } : {}),
    ...(n.lastAdvert ? { lastAdvert: { ...n.lastAdvert } } : {}),
  };
}

/** The lab's VIPs as the runner named them (a runner from before several VIPs names only `vip`). */
export function labVips(state: Pick<LabViewState, 'vip' | 'vips'>): string[] {
  return state.vips.length ? state.vips : state.vip ? [state.vip] : [];
}

/** The VIPs a node holds (from an older runner: the VIP, when it holds it). */
function heldVips(state: Pick<LabViewState, 'vip' | 'vips'>, n: NodeInfo): string[] {
  return n.vips ?? (n.holdsVip ? labVips(state).slice(0, 1) : []);
}

/** ".101": a VIP by its host number, as a lab with several names them. */
export const vipShort = (address: string): string => address.slice(address.lastIndexOf('.'));

// ---- Views the components render (pure functions of the state). ----

export interface VipRow {
  node: string;
  address: string;
  holdsVip: boolean;
  /** The lab's VIPs it holds, by host number (".100"), for a lab with several. */
  vips: string[];
  run: NodeInfo['run'];
  keepalived: boolean;
  /** "MASTER", or "VI_1 MASTER, VI_2 BACKUP" with several instances; "—" when none known. */
  vrrp: string;
  priority: number | null;
  /** With several virtual routers (master-master), the priority of each: "51: 100 · 52: 90". */
  priorities: string;
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
        vips: heldVips(state, n).map(vipShort),
        run: n.run,
        keepalived: n.keepalived,
        vrrp,
        priority: n.lastAdvert ? n.lastAdvert.priority : null,
        priorities: Object.entries(n.priorities ?? {})
          .map(([vrid, p]) => `${vrid}: ${p}`)
          .join(' · '),
      };
    });
}

/**
 * Who holds a VIP, in words, for the panel's headline: "lb1 holds the VIP" in a lab with one VIP;
 * with several, "lb1 holds .100" for the one asked about, and without one asked about, every VIP's
 * line joined ("lb1 holds .100 · lb2 holds .101").
 */
export function vipHolderText(state: LabViewState, address?: string, lang?: string): string {
  const t = translator(lang);
  const vips = labVips(state);
  if (address === undefined && vips.length > 1) return vips.map((a) => vipHolderText(state, a, lang)).join(' · ');
  const vip = address ?? vips[0];
  const what = vips.length > 1 && vip ? vipShort(vip) : t('vip.the');
  // In the contract's order, whatever order the runner reported the nodes in.
  const order = sortNodes(state.nodes.map((n) => n.node));
  const holds = (n: NodeInfo) => (vip ? heldVips(state, n).includes(vip) : n.holdsVip);
  const holders = state.nodes.filter(holds).sort((a, b) => order.indexOf(a.node) - order.indexOf(b.node));
  if (holders.length === 0) return t('vip.none', { what });
  const running = holders.filter((n) => n.run === 'running');
  if (holders.length === 1) return t(holders[0]!.run === 'frozen' ? 'vip.oneFrozen' : 'vip.one', { node: holders[0]!.node, what });
  if (running.length > 1) return t('vip.split', { nodes: joinAnd(t, running.map((n) => n.node)), what });
  return t('vip.several', { nodes: joinAnd(t, holders.map((n) => (n.run === 'frozen' ? t('vip.frozenNode', { node: n.node }) : n.node))), what });
}

export function passedCount(state: LabViewState): number {
  return state.steps.filter((s) => state.verdicts[s.id]?.passed).length;
}

export function verdictFor(state: LabViewState, step: string): StepVerdict | undefined {
  return state.verdicts[step];
}

/** The banner's sentence; `idleMs`: how long since the page last sent the runner anything. */
export function expiryMessage(t: Translate, notice: ExpiryNotice, idleMs: number): string {
  const at = clockText(notice.at);
  if (notice.reason === 'idle') return t('expiry.idle', { minutes: Math.max(1, Math.round(idleMs / 60_000)), at });
  if (notice.reason === 'lifetime') return t('expiry.lifetime', { at });
  return t('expiry.soon', { at });
}
