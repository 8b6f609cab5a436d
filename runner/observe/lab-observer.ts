/**
 * Follows a running lab as events, never by polling, and only from outside the learner's reach:
 *  - beside each lb node, the grader's eyes (runner/observe/eyes.ts: a container sharing only the
 *    node's network namespace) follow its addresses (`ip -o monitor address` after a snapshot),
 *    the VRRP adverts it sends (`tcpdump`), and keepalived's log (read-only);
 *  - beside the mail node, eyes follow its mailbox;
 *  - Docker's event stream says which nodes are frozen (paused) or stopped;
 *  - `docker top` (the engine's view of a node's processes) says whether keepalived runs.
 * Every change lands in one timeline with a timestamp; listeners (grader, CLI, browser) subscribe.
 * When the eyes or the event stream stop seeing, the gap is recorded (lostDuring) and the watcher
 * is started again: an observation that was lost is said to be lost, never guessed.
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { LabInstance } from '../engine/lab-instance.ts';
import { LABEL_INSTANCE, LABEL_NODE, LABEL_PART } from '../engine/labels.ts';
import { roleOf, type NodeName } from '../kinds/cast.ts';
import { nodeAt } from '../lab/addresses.ts';
import type { LabEvent, NodeRunState, VipSnapshot, VrrpState } from '../shared/events.ts';
import { parseAddressLine, parseAdvertLine, parseKeepalivedLogLine } from './parse.ts';
import { mailboxReader } from './mail-watcher.ts';
import type { MailMessage } from './mbox.ts';
import { followEyes, type EyesFollower } from './eyes.ts';
import { nodeProcesses } from './processes.ts';

/** Where the node image's systemctl shim writes keepalived's log (docker/node). */
export const KEEPALIVED_LOG = '/var/log/kalab/keepalived.log';

/** The timeline keeps this many events; older ones are dropped (a long classroom session). */
const TIMELINE_LIMIT = 5000;

export interface NodeView {
  node: NodeName;
  run: NodeRunState;
  /** Whether it holds the lab's first VIP (the VIP, in a lab with one). */
  holdsVip: boolean;
  /** The lab's VIPs it holds, in the lab's order (master-master: one each, or both on one node). */
  vips: string[];
  keepalived: boolean;
  /** Latest VRRP state per instance, from keepalived's log. */
  vrrp: Record<string, VrrpState>;
  /** The latest advert this node sent, as captured on the wire. */
  lastAdvert?: { t: number; priority: number; dst: string; vrid: number; intervalS: number };
  /** The priority of its latest advert for each virtual router it advertises (master-master: two). */
  priorities: Record<number, number>;
  /** The interface the VIP was last seen on. */
  lastIface?: string;
}

/** A stretch of time in which one of a node's watchers was not observing (it ended and was restarted). */
export interface ObservationGap {
  node: NodeName;
  /** What was not observed: 'addresses', 'adverts', 'keepalived-log', 'mail', 'engine'. */
  watcher: string;
  from: number;
  /** Undefined while the gap is still open. */
  to?: number;
}

/** After a broken event stream, try again this often. */
const ENGINE_RETRY_MS = 500;

/** What each eyes watcher observes, for gaps. */
const EYES_WATCHES: Record<string, string[]> = {
  lb: ['addresses', 'adverts', 'keepalived-log'],
  mail: ['mail'],
  client: [],
};

export class LabObserver {
  private readonly emitter = new EventEmitter();
  private readonly events: LabEvent[] = [];
  private readonly views = new Map<NodeName, NodeView>();
  private readonly eyes: EyesFollower[] = [];
  private readonly gaps: ObservationGap[] = [];
  /** The latest advert per node and VRID (`lb1 51`), and per node (`lb1`). */
  private readonly adverts = new Map<string, Extract<LabEvent, { type: 'advert' }>>();
  private dockerEvents?: Readable;
  private engineSince = Math.floor(Date.now() / 1000);
  private stopped = false;
  /** When something last changed that VRRP may still be reacting to (see lastActivityAt). */
  private activityAt = Date.now();

  constructor(private readonly lab: LabInstance) {
    this.emitter.setMaxListeners(0);
    for (const node of lab.nodes) {
      this.views.set(node, { node, run: 'running', holdsVip: false, vips: [], keepalived: false, vrrp: {}, priorities: {} });
    }
  }

  /** Start the eyes beside a node (if it has any); resolves once they see. */
  async watchNode(node: NodeName): Promise<void> {
    if (!this.lab.watchedNodes.includes(node)) return;
    const view = this.views.get(node)!;
    const watches = EYES_WATCHES[roleOf(node)] ?? [];
    const onMail = watches.includes('mail') ? mailboxReader((m) => this.recordMail(node, m)) : () => undefined;
    const follower = followEyes(this.lab.eyes(node), {
      watchesAddresses: watches.includes('addresses'),
      handlers: {
        onAddressSnapshot: (lines) => this.applyAddressSnapshot(node, lines),
        onAddressLine: (line) => this.applyAddressLine(node, line),
        onAdvertLine: (line) => this.applyAdvert(node, line),
        onKeepalivedLogLine: (line) => this.applyLogLine(node, line),
        onMailLine: onMail,
      },
      onLost: (t) => this.openGaps(node, watches, t),
      onRestored: (t) => this.closeGaps(node, t),
    });
    this.eyes.push(follower);
    // Seed: is keepalived already running (a lab the browser reconnects to)? The engine's view.
    // Awaited together with the eyes, so that neither's failure goes unheard.
    const seed = async () => {
      if (roleOf(node) === 'lb') view.keepalived = (await nodeProcesses(this.lab.container(node))).has('keepalived');
    };
    await Promise.all([follower.ready, seed()]);
  }

  /** What the engine says of each node now (a lab adopted while a node was frozen); events take over from here. */
  async seedRunStates(): Promise<void> {
    await Promise.all(
      this.lab.nodes.map(async (node) => {
        const state = (await this.lab.container(node).inspect()).State;
        this.views.get(node)!.run = state.Paused ? 'frozen' : state.Running ? 'running' : 'stopped';
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.dockerEvents?.destroy();
    for (const e of this.eyes) e.stop();
    this.emitter.removeAllListeners();
  }

  /** The gaps that overlap [from, to]: a verdict that needed that time must say it could not observe. */
  lostDuring(from: number, to: number): ObservationGap[] {
    return this.gaps.filter((g) => g.from <= to && (g.to ?? Infinity) >= from).map((g) => ({ ...g }));
  }

  /** Subscribe to every recorded event; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  timeline(since = 0): LabEvent[] {
    return this.events.filter((e) => e.t >= since);
  }

  /** Who holds one of the lab's VIPs (default: the first, the VIP of a one-VIP lab). */
  vip(address = this.lab.addresses.vip): VipSnapshot {
    const holders = [...this.views.values()].filter((v) => v.vips.includes(address)).map((v) => v.node);
    return {
      t: Date.now(),
      address,
      holders,
      runningHolders: holders.filter((n) => this.views.get(n)!.run === 'running'),
    };
  }

  /**
   * The latest advert `node` sent for virtual router `vrid` (any VRID when none is named): a node
   * of master-master sends two streams, and NodeView.lastAdvert is whichever came last.
   */
  lastAdvert(node: NodeName, vrid?: number): Extract<LabEvent, { type: 'advert' }> | undefined {
    return this.adverts.get(vrid === undefined ? node : `${node} ${vrid}`);
  }

  view(node: NodeName): NodeView {
    return structuredClone(this.views.get(node)!);
  }

  allViews(): NodeView[] {
    return [...this.views.values()].map((v) => structuredClone(v));
  }

  /**
   * When the lab last changed in a way VRRP may still be reacting to: a node frozen or unfrozen,
   * keepalived started or stopped, a state change or a VIP move. The browser's Check uses it as
   * "the last action" when the learner, not kalab, did the action.
   */
  lastActivityAt(): number {
    return this.activityAt;
  }

  /** Tell the observer about an action it cannot see itself (e.g. nginx stopped, a health check will react). */
  noteActivity(t = Date.now()): void {
    this.activityAt = Math.max(this.activityAt, t);
  }

  private record(event: LabEvent): void {
    if (this.stopped) return;
    this.events.push(event);
    if (this.events.length > TIMELINE_LIMIT) this.events.splice(0, this.events.length - TIMELINE_LIMIT);
    // Adverts are the steady heartbeat, mail is a consequence of a change, and the grader's own
    // sight is not the lab's: none of them is a change VRRP reacts to.
    if (event.type !== 'advert' && event.type !== 'mail' && event.type !== 'observer') this.noteActivity(event.t);
    this.emitter.emit('event', event);
  }

  private setHolds(node: NodeName, address: string, held: boolean, iface: string): void {
    const view = this.views.get(node)!;
    if (view.vips.includes(address) === held) return;
    const vips = this.lab.addresses.vips;
    view.vips = vips.filter((a) => (a === address ? held : view.vips.includes(a)));
    view.holdsVip = view.vips.includes(vips[0]!);
    view.lastIface = iface;
    this.record({ type: 'vip', t: Date.now(), node, held, iface, address });
  }

  private applyAddressLine(node: NodeName, line: string): void {
    const parsed = parseAddressLine(line);
    if (parsed && this.lab.addresses.vips.includes(parsed.address)) this.setHolds(node, parsed.address, !parsed.deleted, parsed.iface);
  }

  /** The snapshot replaces what was known: folded in arrival order, from "holds nothing", for each VIP. */
  private applyAddressSnapshot(node: NodeName, lines: string[]): void {
    const held = new Map<string, string>();
    for (const line of lines) {
      const parsed = parseAddressLine(line);
      if (!parsed || !this.lab.addresses.vips.includes(parsed.address)) continue;
      if (parsed.deleted) held.delete(parsed.address);
      else held.set(parsed.address, parsed.iface);
    }
    for (const address of this.lab.addresses.vips) {
      this.setHolds(node, address, held.has(address), held.get(address) ?? this.views.get(node)!.lastIface ?? 'eth0');
    }
  }

  private applyAdvert(node: NodeName, line: string): void {
    const advert = parseAdvertLine(line);
    if (!advert) return;
    const view = this.views.get(node)!;
    const t = Date.now();
    // A changed priority (a health check's weight) is something VRRP is still reacting to; each
    // virtual router's adverts are compared with its own (master-master sends two priorities).
    const key = `${node} ${advert.vrid}`;
    const previous = this.adverts.get(key);
    if (previous && previous.priority !== advert.priority) this.noteActivity(t);
    view.lastAdvert = { t, priority: advert.priority, dst: advert.dst, vrid: advert.vrid, intervalS: advert.intervalS };
    view.priorities = { ...view.priorities, [advert.vrid]: advert.priority };
    const event = { type: 'advert', t, node, src: advert.src, dst: advert.dst, vrid: advert.vrid, priority: advert.priority, intervalS: advert.intervalS, version: advert.version } as const;
    this.adverts.set(key, event);
    this.adverts.set(node, event);
    this.record(event);
  }

  /** keepalived's log: for the timeline and diagnoses (a learner can delete it; verdicts never read it). */
  private applyLogLine(node: NodeName, line: string): void {
    const parsed = parseKeepalivedLogLine(line);
    if (!parsed) return;
    const view = this.views.get(node)!;
    const t = Date.now();
    if (parsed.kind === 'state') {
      view.vrrp[parsed.instance] = parsed.state;
      this.record({ type: 'vrrp', t, node, instance: parsed.instance, state: parsed.state });
    } else {
      view.keepalived = parsed.running;
      if (!parsed.running) for (const name of Object.keys(view.vrrp)) view.vrrp[name] = 'STOPPED';
      this.record({ type: 'keepalived', t, node, running: parsed.running });
    }
  }

  private recordMail(node: NodeName, m: MailMessage): void {
    const sender = m.client ? this.nodeAtAddress(m.client) : undefined;
    this.record({
      type: 'mail',
      t: Date.now(),
      node,
      ...(sender ? { sender } : {}),
      ...(m.client ? { client: m.client } : {}),
      ...(m.helo ? { helo: m.helo } : {}),
      ...(m.envelopeFrom ? { envelopeFrom: m.envelopeFrom } : {}),
      ...(m.to ? { to: m.to } : {}),
      subject: m.subject,
      body: m.body,
    });
  }

  private openGaps(node: NodeName, watchers: readonly string[], t: number): void {
    if (this.stopped) return;
    for (const watcher of watchers) {
      if (!this.gaps.some((g) => g.node === node && g.watcher === watcher && g.to === undefined)) this.gaps.push({ node, watcher, from: t });
    }
    this.record({ type: 'observer', t, node, seeing: false, watchers: [...watchers] });
  }

  private closeGaps(node: NodeName, t: number): void {
    const closed = this.gaps.filter((g) => g.node === node && g.to === undefined);
    for (const g of closed) g.to = t;
    if (closed.length) this.record({ type: 'observer', t, node, seeing: true, watchers: closed.map((g) => g.watcher) });
  }

  /**
   * Follow Docker's events for this lab copy: frozen, unfrozen and stopped nodes. When the stream
   * breaks, every node's run state is unobserved until it is followed again (from where it broke:
   * Docker replays events `since` then, so none is missed).
   */
  async watchEngine(): Promise<void> {
    const stream = (await this.lab.docker.getEvents({
      since: this.engineSince,
      filters: { type: ['container'], label: [`${LABEL_INSTANCE}=${this.lab.instance}`, `${LABEL_PART}=node`], event: ['pause', 'unpause', 'die', 'start'] },
    })) as Readable;
    this.dockerEvents = stream;
    createInterface({ input: stream }).on('line', (line) => this.applyEngineEvent(line));
    const broken = () => {
      if (this.stopped || this.dockerEvents !== stream) return;
      const t = Date.now();
      for (const node of this.views.keys()) this.openGaps(node, ['engine'], t);
      const retry = () => {
        if (this.stopped) return;
        this.watchEngine().then(
          () => {
            for (const node of this.views.keys()) this.closeGaps(node, Date.now());
          },
          () => setTimeout(retry, ENGINE_RETRY_MS).unref(),
        );
      };
      retry();
    };
    stream.on('error', broken);
    stream.on('end', broken);
    stream.on('close', broken);
  }

  private applyEngineEvent(line: string): void {
    let event: { status?: string; Action?: string; time?: number; Actor?: { Attributes?: Record<string, string> } };
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (event.time) this.engineSince = Math.max(this.engineSince, event.time);
    const node = event.Actor?.Attributes?.[LABEL_NODE] as NodeName | undefined;
    if (!node || !this.views.has(node)) return;
    const action = event.Action ?? event.status;
    const state: NodeRunState | undefined =
      action === 'pause' ? 'frozen' : action === 'unpause' || action === 'start' ? 'running' : action === 'die' ? 'stopped' : undefined;
    if (!state || this.views.get(node)!.run === state) return;
    this.views.get(node)!.run = state;
    this.record({ type: 'node', t: Date.now(), node, state });
  }

  /** Which lab node an advert's destination names, for unicast checks (undefined: multicast or foreign). */
  nodeAtAddress(ip: string): NodeName | undefined {
    return nodeAt(this.lab.addresses, ip);
  }
}
