/**
 * One live copy of a lab: in single-learner mode the lab's own (instance = lab id, canonical
 * subnet), shared by every page attached to it; in a classroom one learner's (its own instance
 * name and a subnet from the pool, see LiveLabCopy). It owns the copy's lifecycle (start, reset, stop), the one
 * observer whose events it relays to every page (no page polls a container), the terminals, the
 * step verdicts (progress survives a reload) and the editor's file access.
 */
import path from 'node:path';
import type Docker from 'dockerode';
import { LabInstance } from '../engine/lab-instance.ts';
import { diagnosisData } from '../grade/diagnosis.ts';
import { judgeStep, performAction, type StepResult } from '../grade/step-runner.ts';
import { addressMap } from '../lab/address-map.ts';
import type { LabDefinition, NodeName } from '../lab/definition.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import { observeLab, startObservedLab } from '../observe/start-observed-lab.ts';
import type { LabEvent } from '../shared/events.ts';
import { KalabError } from '../shared/errors.ts';
import { LABS_DIR } from '../shared/paths.ts';
import type { LabStatus, NodeInfo, ServerMessage, StepVerdict } from '../shared/protocol.ts';
import { say, said, type Said, type Sentence } from '../shared/sentences.ts';
import { readNodeFile, readReferenceFiles, writeNodeFile } from './lab-files.ts';
import { OPEN_POLICY, requireEditable, requireEditableNode, requireNode, requireRunnerAction, requireStep, welcomeFor, type LabPolicy } from './lab-rules.ts';
import type { HotCopy } from './hot-pool.ts';
import { LearnerActs } from './learner-acts.ts';
import type { Peer } from './peer.ts';
import type { PreopenedShells } from './preopened-shells.ts';
import { RequestError } from './request-error.ts';
import { StepMeasures } from './step-measures.ts';
import { TerminalSession } from './terminal-session.ts';

export interface Engine {
  docker: Docker;
  image: string;
  /** Which engine, where there are several (the classroom's placement), and its subnet pool. */
  name?: string;
  pool?: string;
}
/** The Docker engine and node image, ready (the start command runs the preflight first). */
export type EngineProvider = () => Promise<Engine>;

interface Running {
  instance: LabInstance;
  observer: LabObserver;
  unsubscribe: () => void;
  terminals: Map<NodeName, TerminalSession>;
  /** Aborts step checks and actions when the copy goes away. */
  abort: AbortController;
  /** The steps the workbench performs itself, measured for their failover figures. */
  measures: StepMeasures;
  /** Shells a hot-pool copy opened ahead of time, taken by the first term.open of each node. */
  shells?: PreopenedShells;
}

/** What makes a classroom learner's copy its own, and how it reports to the classroom. */
export interface LiveLabCopy {
  instance: string;
  pool: string;
  /** Verdicts recorded before (a restarted workbench): progress survives. */
  verdicts: StepVerdict[];
  /** On start, take the copy back if it is still running (a restarted workbench). */
  adoptRunning: boolean;
  /** A copy started ahead of time (runner/server/hot-pool.ts), if one is ready. */
  take?(): HotCopy | undefined;
  /** When the copy will be removed, if it will be (idle timeout or lifetime). */
  expiresAt(): number | undefined;
  onStarted(lab: LabInstance, adopted: boolean, engine: string | undefined): void;
  onStopped(): void;
  /** A fresh copy with no progress was asked for (by the learner or the instructor). */
  onReset(): void;
  onVerdict(verdict: StepVerdict, code: string | undefined): void;
  /** Something the instructor page shows changed (status, VIP holders). */
  onChange(): void;
}

export class LiveLab {
  private status: LabStatus = 'stopped';
  /** What the latest lab.state says beside its status (a start's progress, why it failed or stopped). */
  private statusSaid?: Said;
  private running?: Running;
  private readonly peers = new Set<Peer>();
  private readonly verdicts = new Map<string, StepVerdict>();
  /** The learner's last command, signal key or saved file: a terminal step happened no earlier. */
  private readonly acts = new LearnerActs();
  /** Checks being judged, per step; `manual`: a page pressed Check for it (not only automatic asks). */
  private readonly checksInFlight = new Map<string, { run: Promise<void>; manual: boolean }>();
  /** Start, reset and stop run one at a time, in the order asked. */
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(
    readonly definition: LabDefinition,
    private readonly engine: EngineProvider,
    private readonly log: (line: string) => void,
    private readonly copy?: LiveLabCopy,
    /** The lab's folder (its reference solution, for "Show solution"). */
    private readonly labDir: string = path.join(LABS_DIR, definition.id),
    /** What the page may see (--no-solutions: no reference solution). */
    private readonly policy: LabPolicy = OPEN_POLICY,
  ) {
    for (const v of copy?.verdicts ?? []) this.verdicts.set(v.step, v);
  }

  get labStatus(): LabStatus {
    return this.status;
  }

  /** The steps passed so far (latest verdict per step). */
  progress(): StepVerdict[] {
    return [...this.verdicts.values()];
  }

  /** Who holds the VIP now, among the running nodes (empty when the lab is not running). */
  vipHolders(): string[] {
    return this.running?.observer.vip().runningHolders ?? [];
  }

  get subnet(): string | undefined {
    return this.running?.instance.addresses.subnet;
  }

  /** Warn every page of this copy that it will be removed at `at`. */
  warnExpiry(at: number, reason: 'idle' | 'lifetime', limitMs: number): void {
    this.broadcast({ type: 'lab.expiring', at, reason, limitMs });
  }

  get id(): string {
    return this.definition.id;
  }

  get isLive(): boolean {
    return this.running !== undefined;
  }

  /** Running, or on its way (a start takes a hot-pool copy before it runs): it holds a place on the host. */
  get holdsPlace(): boolean {
    return this.running !== undefined || this.status === 'starting';
  }

  // ---- pages ----

  /** A page said hello: tell it everything it needs to draw the lab as it is now. */
  attach(peer: Peer): void {
    this.peers.add(peer);
    peer.send(welcomeFor(this.definition, this.policy));
    peer.send(this.stateMessage());
    if (this.running) {
      peer.send(this.vipMessage(this.running));
      peer.send({ type: 'timeline', events: [...this.running.observer.timeline().filter(isTimelineEvent(new Map())), ...this.running.measures.events()] });
    }
    peer.send({ type: 'progress', verdicts: [...this.verdicts.values()] });
  }

  detach(peer: Peer): void {
    this.peers.delete(peer);
    for (const t of this.running?.terminals.values() ?? []) t.detach(peer);
  }

  get peerCount(): number {
    return this.peers.size;
  }

  // ---- lifecycle ----

  start(): Promise<void> {
    return this.queue(async () => {
      if (this.running) {
        this.broadcast(this.stateMessage());
        return;
      }
      await this.bringUp();
    });
  }

  /** A fresh copy: teardown, start again, verdicts cleared. */
  reset(): Promise<void> {
    return this.queue(async () => {
      await this.tearDown();
      this.verdicts.clear();
      this.copy?.onReset();
      this.broadcast({ type: 'progress', verdicts: [] });
      this.copy?.onChange();
      await this.bringUp();
    });
  }

  /** `why`: said to the pages with the stopped state (a classroom copy removed by its idle timeout). */
  stop(why?: Sentence): Promise<void> {
    return this.queue(() => this.tearDown(why));
  }

  /**
   * Let go of the copy without removing it (a classroom workbench closing with --keep-labs): the
   * observer and terminals end here, the containers run on for the next workbench to take back.
   */
  release(): Promise<void> {
    return this.queue(async () => {
      const live = this.running;
      if (!live) return;
      live.abort.abort();
      live.unsubscribe();
      for (const t of live.terminals.values()) t.close();
      this.running = undefined;
      await live.observer.stop().catch(() => undefined);
    });
  }

  private queue(work: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(work);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async bringUp(): Promise<void> {
    const started = Date.now();
    this.setStatus('starting', said(say('lab-starting', { nodes: this.definition.nodes, subnet: this.definition.subnet })));
    let instance: LabInstance | undefined;
    let observer: LabObserver | undefined;
    let shells: PreopenedShells | undefined;
    try {
      const engine = await this.engine();
      const { docker, image } = engine;
      const adopted = this.copy?.adoptRunning ? await LabInstance.adopt(docker, this.definition, this.copy.instance) : undefined;
      const hot = adopted ? undefined : this.copy?.take?.();
      if (adopted) {
        ({ lab: instance, observer } = await observeLab(adopted));
      } else if (hot) {
        ({ lab: instance, observer, shells } = hot);
      } else {
        ({ lab: instance, observer } = await startObservedLab(docker, this.definition, {
          image,
          progress: (message, sentence) => this.setStatus('starting', sentence ? said(sentence) : { message }),
          ...(this.copy ? { instance: this.copy.instance, subnet: { pool: engine.pool ?? this.copy.pool } } : {}),
        }));
      }
      this.copy?.onStarted(instance, Boolean(adopted), engine.name);
    } catch (err) {
      // The runner's own errors say what to do in one sentence; anything from below is wrapped.
      const sentence =
        err instanceof RequestError ? err.sentence : err instanceof KalabError ? say('start-refused', { error: err.message }) : say('start-failed', { error: (err as Error).message });
      this.log(`${this.id}: start failed: ${(err as Error).stack ?? err}`);
      this.setStatus('failed', said(sentence));
      throw new RequestError(sentence, { cause: err });
    }
    const live: Running = {
      instance,
      observer,
      terminals: new Map(),
      abort: new AbortController(),
      unsubscribe: () => undefined,
      measures: new StepMeasures({ lab: instance, observer }, (event) => this.broadcast({ type: 'timeline', events: [event] })),
      ...(shells ? { shells } : {}),
    };
    const lastAdvert = new Map<string, string>();
    const keep = isTimelineEvent(lastAdvert);
    live.unsubscribe = observer.onEvent((event) => {
      // Every event refreshes the VIP panel (an advert carries the latest priority); the timeline
      // gets the changes, not the once-a-second adverts that repeat the previous one.
      this.broadcast(this.vipMessage(live));
      if (keep(event)) this.broadcast({ type: 'timeline', events: [event] });
      if (event.type === 'vip' || event.type === 'node') this.copy?.onChange();
    });
    this.running = live;
    const ms = Date.now() - started;
    this.log(`${this.id}: running on ${instance.addresses.subnet} after ${ms} ms`);
    this.setStatus('running', said(say('lab-started', { subnet: instance.addresses.subnet, ms })));
    this.broadcast(this.vipMessage(live));
    this.broadcast({ type: 'timeline', events: observer.timeline().filter(isTimelineEvent(new Map())) });
  }

  private async tearDown(why?: Sentence): Promise<void> {
    const live = this.running;
    if (!live) {
      if (this.status !== 'stopped') this.setStatus('stopped', why && said(why));
      return;
    }
    this.setStatus('stopping', said(say('lab-stopping', { nodes: this.definition.nodes })));
    live.abort.abort();
    live.unsubscribe();
    await live.measures.stop();
    for (const t of live.terminals.values()) t.close();
    live.shells?.close();
    this.running = undefined;
    await live.observer.stop().catch((err) => this.log(`${this.id}: observer stop: ${(err as Error).message}`));
    try {
      await live.instance.teardown();
    } finally {
      this.copy?.onStopped();
      this.setStatus('stopped', why && said(why));
    }
  }

  // ---- terminals ----

  async openTerminal(peer: Peer, nodeName: string, size: { cols: number; rows: number }): Promise<void> {
    const live = this.requireRunning();
    const node = requireNode(this.definition, nodeName);
    const terminal = this.terminalOf(live, node);
    try {
      await terminal.open(peer, size);
    } catch (err) {
      if (err instanceof KalabError) throw err;
      const frozen = live.observer.view(node).run === 'frozen';
      throw new RequestError(frozen ? say('node-frozen-terminal', { node }) : say('shell-failed', { node, error: (err as Error).message }), { cause: err });
    }
  }

  /** The instructor page watches a node's terminal read-only (opened if the learner has not yet). */
  async watchTerminal(peer: Peer, nodeName: string, label: string): Promise<void> {
    const live = this.requireRunning();
    await this.terminalOf(live, requireNode(this.definition, nodeName)).watch(peer, label);
  }

  /** A node's terminal, made on first use and kept across pages and reconnects. */
  private terminalOf(live: Running, node: NodeName): TerminalSession {
    let terminal = live.terminals.get(node);
    if (!terminal) {
      const instance = live.instance;
      terminal = new TerminalSession(node, async (s) => (await live.shells?.take(node, s)) ?? instance.shell(node, s));
      live.terminals.set(node, terminal);
    }
    return terminal;
  }

  unwatchTerminal(peer: Peer, nodeName: string): void {
    this.running?.terminals.get(nodeName as NodeName)?.detach(peer);
  }

  /** Keystrokes for a node's shell; a line or a signal key is the learner acting on the lab. */
  terminalInput(nodeName: string, data: string): Promise<void> {
    const terminal = this.terminal(nodeName);
    this.acts.typed(data);
    return terminal.input(data);
  }

  terminal(nodeName: string): TerminalSession {
    const live = this.requireRunning();
    const node = requireNode(this.definition, nodeName);
    const terminal = live.terminals.get(node);
    if (!terminal) throw new RequestError(say('terminal-not-open', { node }));
    return terminal;
  }

  /** Flow-control figures of a terminal, if it is open (diagnostics and tests). */
  terminalStats(node: NodeName): ReturnType<TerminalSession['stats']> | undefined {
    return this.running?.terminals.get(node)?.stats();
  }

  /** Acks can arrive after a terminal or the lab went away (they cross in flight): those are ignored. */
  ackTerminal(peer: Peer, nodeName: string, units: number): void {
    const node = requireNode(this.definition, nodeName);
    this.running?.terminals.get(node)?.ack(peer, units);
  }

  // ---- steps ----

  /**
   * Judge a step against the live lab; the learner did the action, so its time is the later of
   * the observer's last activity and the learner's last command (learner-acts.ts). `auto`: the page asked on its own (the lab changed): a failed verdict then does
   * not replace a passed one (only a Check pressed, or a reset, takes a pass away) and is not
   * reported to the classroom (its "where is the class stuck" counts the checks learners ask for).
   */
  checkStep(stepId: string, auto = false): Promise<void> {
    const step = requireStep(this.definition, stepId);
    const live = this.requireRunning();
    const inFlight = this.checksInFlight.get(step.id);
    if (inFlight) {
      // A second click (or a second tab, or an automatic ask) waits for the same verdict.
      if (!auto) inFlight.manual = true;
      return inFlight.run;
    }
    const flight = { run: Promise.resolve(), manual: !auto };
    const run = (async () => {
      this.broadcast({ type: 'step.running', step: step.id });
      const started = Date.now();
      let result: Awaited<ReturnType<typeof judgeStep>>;
      // A step the workbench performed was measured: its Check holds it to its budgets.
      const measure = live.measures.measureOf(step.id);
      try {
        result = await judgeStep({ lab: live.instance, observer: live.observer }, step, this.acts.actionAt(live.observer.lastActivityAt()), live.abort.signal, measure?.startedAt, measure);
      } catch (err) {
        if (live.abort.signal.aborted) return;
        this.log(`${this.id}: check ${step.id} failed to run: ${(err as Error).stack ?? err}`);
        // Every page showed "checking": every page hears that it could not be judged (not recorded as progress).
        const { message, sentence } = said(say('check-could-not-run', { error: (err as Error).message }));
        const automatic = flight.manual ? {} : { auto: true };
        this.broadcast({ type: 'step.result', verdict: { step: step.id, passed: false, message, sentence, checkedAt: Date.now(), ms: Date.now() - started, ...automatic } });
        return;
      }
      if (live.abort.signal.aborted) return; // the lab went away under the check: no verdict
      const judged = stepVerdict(step.id, result, Date.now(), Date.now() - started);
      const verdict: StepVerdict = flight.manual ? judged : { ...judged, auto: true };
      const keepsPass = verdict.auto === true && !verdict.passed && this.verdicts.get(step.id)?.passed === true;
      if (!keepsPass) {
        this.verdicts.set(step.id, verdict);
        if (!verdict.auto || verdict.passed) this.copy?.onVerdict(verdict, result.diagnosis?.code);
      }
      // Every page hears it (they showed "checking"); a page keeps a pass an automatic failure does not replace.
      this.broadcast({ type: 'step.result', verdict });
    })().finally(() => this.checksInFlight.delete(step.id));
    flight.run = run;
    this.checksInFlight.set(step.id, flight);
    return run;
  }

  /** Do a step's runner action (a fault) for the learner; the observer's events show the result. */
  async stepAction(stepId: string): Promise<void> {
    const step = requireRunnerAction(this.definition, stepId);
    const live = this.requireRunning();
    await live.measures.perform(step.id, () => performAction({ lab: live.instance, observer: live.observer }, step.do, live.abort.signal));
    // Every page's button ends its "working…": the fault is in place (what it does, the events show).
    this.broadcast({ type: 'step.acted', step: step.id });
  }

  // ---- editor ----

  async readFile(peer: Peer, nodeName: string, filePath: string): Promise<void> {
    const { node, path } = requireEditable(this.definition, nodeName, filePath);
    const { content, exists } = await readNodeFile(this.requireRunning().instance, node, path);
    peer.send({ type: 'file.content', node, path, content, exists });
  }

  async writeFile(peer: Peer, nodeName: string, filePath: string, content: string): Promise<void> {
    const { node, path } = requireEditable(this.definition, nodeName, filePath);
    await writeNodeFile(this.requireRunning().instance, node, path, content);
    this.acts.saved();
    peer.send({ type: 'file.saved', node, path });
  }

  /**
   * The reference solution's files for an editable node ("Show solution" diffs them against the
   * learner's). A copy on a subnet of its own sees them with its own addresses, as its page shows
   * the tutorial's.
   */
  readSolution(peer: Peer, nodeName: string): void {
    if (!this.policy.solutions) throw new RequestError(say('solutions-off', {}));
    const node = requireEditableNode(this.definition, nodeName);
    const subnet = this.running?.instance.addresses.subnet;
    const map = subnet && subnet !== this.definition.subnet ? addressMap(this.definition.subnet, subnet) : undefined;
    peer.send({ type: 'solution.files', node, files: readReferenceFiles(this.labDir, this.definition, node, map) });
  }

  // ---- messages ----

  private requireRunning(): Running {
    if (!this.running) {
      throw new RequestError(this.status === 'starting' ? say('lab-still-starting', { lab: this.id }) : say('lab-not-running', { lab: this.id, status: this.status }));
    }
    return this.running;
  }

  private setStatus(status: LabStatus, what?: Said): void {
    const changed = this.status !== status;
    this.status = status;
    this.statusSaid = what;
    this.broadcast(this.stateMessage());
    if (changed) this.copy?.onChange();
  }

  private stateMessage(): ServerMessage {
    const live = this.running;
    return {
      type: 'lab.state',
      status: this.status,
      vip: live?.instance.addresses.vip,
      ...(live ? { vips: live.instance.addresses.vips } : {}),
      subnet: live?.instance.addresses.subnet,
      canonicalSubnet: this.definition.subnet,
      nodes: live ? this.nodeInfo(live) : [],
      ...(this.copy?.expiresAt() ? { expiresAt: this.copy.expiresAt() } : {}),
      ...(this.statusSaid ? { message: this.statusSaid.message, ...(this.statusSaid.sentence ? { sentence: this.statusSaid.sentence } : {}) } : {}),
    };
  }

  /** The first VIP's holders; each node's info lists every VIP it holds (master-master: the panel shows both). */
  private vipMessage(live: Running): ServerMessage {
    return { type: 'vip', snapshot: live.observer.vip(), nodes: this.nodeInfo(live) };
  }

  private nodeInfo(live: Running): NodeInfo[] {
    return live.observer.allViews().map((v) => ({ ...v, address: live.instance.addresses.node[v.node] }));
  }

  private broadcast(message: ServerMessage): void {
    for (const peer of this.peers) peer.send(message);
  }
}

/**
 * Which events belong in the page's timeline: all but adverts, and an advert only when it differs
 * from that node's previous one (its priority or destination changed: a health check's weight, a
 * unicast peer). The latest advert of each node is always in the `vip` message's nodes.
 */
export function isTimelineEvent(lastAdvert: Map<string, string>): (event: LabEvent) => boolean {
  return (event) => {
    if (event.type !== 'advert') return true;
    // Per node and virtual router: master-master's two streams each change on their own.
    const stream = `${event.node} ${event.vrid}`;
    const key = `${event.priority} ${event.dst}`;
    const changed = lastAdvert.get(stream) !== key;
    lastAdvert.set(stream, key);
    return changed;
  };
}

/**
 * A judged step as the page receives it: the English message, and the diagnoses as data so that a
 * page in another language words them itself (a failure: its diagnosis; a pass: each check's).
 */
export function stepVerdict(stepId: string, result: Pick<StepResult, 'passed' | 'message' | 'diagnosis' | 'checks'>, checkedAt: number, ms: number): StepVerdict {
  const words = result.passed
    ? result.checks?.length
      ? { diagnoses: result.checks.map((c) => diagnosisData(c.diagnosis)) }
      : {}
    : result.diagnosis
      ? { diagnosis: diagnosisData(result.diagnosis) }
      : {};
  return { step: stepId, passed: result.passed, message: result.message, checkedAt, ms, ...words };
}
