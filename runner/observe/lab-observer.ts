/**
 * Follows a running lab as events, never by polling containers:
 *  - per node, one long-lived `ip -o monitor address`, seeded with a snapshot, for who holds the VIP;
 *  - per lb node, an outbound `tcpdump` of VRRP, for the adverts each node sends (priority, destination);
 *  - per lb node, `tail -F` of keepalived's log, for state changes and daemon start/stop;
 *  - on a mail node, `tail -F` of its mailbox, for every mail it receives;
 *  - Docker's event stream, for frozen (paused) and stopped nodes.
 * Every change lands in one timeline with a timestamp; listeners (grader, CLI, browser) subscribe.
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { LabInstance } from '../engine/lab-instance.ts';
import type { LineStream } from '../engine/exec.ts';
import { LABEL_INSTANCE, LABEL_NODE } from '../engine/labels.ts';
import { roleOf, type NodeName } from '../lab/definition.ts';
import { nodeAt } from '../lab/addresses.ts';
import type { LabEvent, NodeRunState, VipSnapshot, VrrpState } from '../shared/events.ts';
import { parseAddressLine, parseAdvertLine, parseKeepalivedLogLine } from './parse.ts';
import { watchMailbox } from './mail-watcher.ts';

/** Where the node image's systemctl shim writes keepalived's log (docker/node). */
export const KEEPALIVED_LOG = '/var/log/kalab/keepalived.log';

/** The timeline keeps this many events; older ones are dropped (a long classroom session). */
const TIMELINE_LIMIT = 5000;

export interface NodeView {
  node: NodeName;
  run: NodeRunState;
  holdsVip: boolean;
  keepalived: boolean;
  /** Latest VRRP state per instance, from keepalived's log. */
  vrrp: Record<string, VrrpState>;
  /** The latest advert this node sent. */
  lastAdvert?: { t: number; priority: number; dst: string; vrid: number };
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

export class LabObserver {
  private readonly emitter = new EventEmitter();
  private readonly events: LabEvent[] = [];
  private readonly views = new Map<NodeName, NodeView>();
  private readonly watchers: LineStream[] = [];
  private dockerEvents?: Readable;
  private stopped = false;
  /** When something last changed that VRRP may still be reacting to (see lastActivityAt). */
  private activityAt = Date.now();

  constructor(private readonly lab: LabInstance) {
    this.emitter.setMaxListeners(0);
    for (const node of lab.nodes) {
      this.views.set(node, { node, run: 'running', holdsVip: false, keepalived: false, vrrp: {} });
    }
  }

  /** Start one node's watchers; resolves once they have their snapshots. */
  async watchNode(node: NodeName): Promise<void> {
    const watchers: Promise<void>[] = [this.watchAddresses(node)];
    if (roleOf(node) === 'lb') watchers.push(this.watchAdverts(node), this.watchKeepalivedLog(node));
    if (roleOf(node) === 'mail') watchers.push(this.watchMail(node));
    await Promise.all(watchers);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.dockerEvents?.destroy();
    await Promise.all(this.watchers.map((w) => w.stop()));
    this.emitter.removeAllListeners();
  }

  private readonly gaps: ObservationGap[] = [];

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

  vip(): VipSnapshot {
    const holders = [...this.views.values()].filter((v) => v.holdsVip).map((v) => v.node);
    return {
      t: Date.now(),
      holders,
      runningHolders: holders.filter((n) => this.views.get(n)!.run === 'running'),
    };
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
    // Adverts are the steady heartbeat and mail is a consequence of a change: neither is a change VRRP reacts to.
    if (event.type !== 'advert' && event.type !== 'mail') this.noteActivity(event.t);
    this.emitter.emit('event', event);
  }

  private setHolds(node: NodeName, held: boolean, iface: string): void {
    const view = this.views.get(node)!;
    if (view.holdsVip === held) return;
    view.holdsVip = held;
    this.record({ type: 'vip', t: Date.now(), node, held, iface });
  }

  private async watchAddresses(node: NodeName): Promise<void> {
    const vip = this.lab.addresses.vip;
    const onLine = (line: string) => {
      const parsed = parseAddressLine(line);
      if (parsed && parsed.address === vip) this.setHolds(node, !parsed.deleted, parsed.iface);
    };
    // The monitor starts first, then the snapshot: a change between the two shows in both, and
    // applying an add or delete twice is harmless.
    this.watchers.push(await this.lab.watchLines(node, 'ip -o monitor address', onLine));
    const snapshot = await this.lab.exec(node, 'ip -o addr show', { timeoutS: 5 });
    for (const line of snapshot.stdout.split('\n')) onLine(line);
  }

  private async watchAdverts(node: NodeName): Promise<void> {
    // Outbound only: each advert is recorded once, by the node that sent it.
    const command = "tcpdump -i eth0 -Q out -nn -l -p 'ip proto 112' 2>/dev/null";
    this.watchers.push(
      await this.lab.watchLines(node, command, (line) => {
        const advert = parseAdvertLine(line);
        if (!advert) return;
        const view = this.views.get(node)!;
        const t = Date.now();
        // A changed priority (a health check's weight) is something VRRP is still reacting to.
        if (view.lastAdvert && view.lastAdvert.priority !== advert.priority) this.noteActivity(t);
        view.lastAdvert = { t, priority: advert.priority, dst: advert.dst, vrid: advert.vrid };
        this.record({ type: 'advert', t, node, src: advert.src, dst: advert.dst, vrid: advert.vrid, priority: advert.priority, intervalS: advert.intervalS, version: advert.version });
      }),
    );
  }

  private async watchKeepalivedLog(node: NodeName): Promise<void> {
    const view = this.views.get(node)!;
    // Seed: is keepalived already running (a lab the browser reconnects to)?
    const running = await this.lab.exec(node, 'pidof keepalived', { timeoutS: 5 });
    view.keepalived = running.exitCode === 0;
    this.watchers.push(
      await this.lab.watchLines(node, `tail -F -n 0 ${KEEPALIVED_LOG} 2>/dev/null`, (line) => {
        const parsed = parseKeepalivedLogLine(line);
        if (!parsed) return;
        const t = Date.now();
        if (parsed.kind === 'state') {
          view.vrrp[parsed.instance] = parsed.state;
          this.record({ type: 'vrrp', t, node, instance: parsed.instance, state: parsed.state });
        } else {
          view.keepalived = parsed.running;
          if (!parsed.running) for (const name of Object.keys(view.vrrp)) view.vrrp[name] = 'STOPPED';
          this.record({ type: 'keepalived', t, node, running: parsed.running });
        }
      }),
    );
  }

  private async watchMail(node: NodeName): Promise<void> {
    this.watchers.push(
      await watchMailbox(
        (command, onLine) => this.lab.watchLines(node, command, onLine),
        (m) => {
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
        },
      ),
    );
  }

  /** Follow Docker's events for this lab copy: frozen, unfrozen and stopped nodes. */
  async watchEngine(): Promise<void> {
    const stream = (await this.lab.docker.getEvents({
      filters: { type: ['container'], label: [`${LABEL_INSTANCE}=${this.lab.instance}`], event: ['pause', 'unpause', 'die', 'start'] },
    })) as Readable;
    this.dockerEvents = stream;
    createInterface({ input: stream }).on('line', (line) => {
      let event: { status?: string; Action?: string; Actor?: { Attributes?: Record<string, string> } };
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      const node = event.Actor?.Attributes?.[LABEL_NODE] as NodeName | undefined;
      if (!node || !this.views.has(node)) return;
      const action = event.Action ?? event.status;
      const state: NodeRunState | undefined =
        action === 'pause' ? 'frozen' : action === 'unpause' || action === 'start' ? 'running' : action === 'die' ? 'stopped' : undefined;
      if (!state) return;
      this.views.get(node)!.run = state;
      this.record({ type: 'node', t: Date.now(), node, state });
    });
    stream.on('error', () => undefined);
  }

  /** Which lab node an advert's destination names, for unicast checks (undefined: multicast or foreign). */
  nodeAtAddress(ip: string): NodeName | undefined {
    return nodeAt(this.lab.addresses, ip);
  }
}
