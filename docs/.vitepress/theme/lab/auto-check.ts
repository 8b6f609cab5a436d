/**
 * Steps that check themselves: when the lab changes (a VIP moves, keepalived starts or stops, a
 * VRRP state changes, a node is frozen, a mail arrives) the current step (the first not passed) is
 * judged again without a click, as iximiuz's tasks do. The Check button stays.
 *
 * The rules, which the unit tests hold this to:
 * - debounced: one check `delayMs` after the last change, not one per event (a failover is a burst
 *   of vip, vrrp and keepalived events);
 * - never more than one in flight: while the step is being judged (asked by this page, by the
 *   learner's Check, or by another tab), a change only marks that another check is due once the
 *   verdict is in, if the step is then still the current one;
 * - a change counts for the step that was current when it happened: once a step passes, the
 *   changes that came before are the previous step's, and the next step waits for changes of its
 *   own (after a failover passes, "the VIP stays on lb2" must not pass before lb1 is restarted);
 * - a check the learner asked for covers every change before it.
 *
 * Plain TypeScript over a small host interface, so a unit test drives it with fake timers.
 */
import type { LabEvent } from '../../../../runner/shared/events.ts';
import type { Timers } from './socket-client.ts';
import type { LabViewState } from './store.ts';

/** How long after the lab's last change the current step is judged. */
export const AUTO_CHECK_DELAY_MS = 1500;

/** The timeline events that are a change of the lab (adverts repeat every second; observer gaps and figures change nothing). */
const CHANGE_KINDS: ReadonlySet<LabEvent['type']> = new Set<LabEvent['type']>(['vip', 'keepalived', 'vrrp', 'mail', 'node']);

export function isLabChange(event: Pick<LabEvent, 'type'>): boolean {
  return CHANGE_KINDS.has(event.type);
}

/** The step the learner is on: the first one not passed (undefined when all have). */
export function currentStep(state: { steps: readonly { id: string }[]; verdicts: LabViewState['verdicts'] }): string | undefined {
  return state.steps.find((s) => !state.verdicts[s.id]?.passed)?.id;
}

/**
 * What the VIP panel shows of the nodes, as one string: a `vip` message that leaves it as it was
 * (the runner sends one with every advert, to refresh the priorities) is no change of the lab.
 */
export function labSignature(state: Pick<LabViewState, 'nodes'>): string {
  return state.nodes
    .map((n) => {
      const vrrp = Object.entries(n.vrrp)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([i, st]) => `${i}=${st}`)
        .join(',');
      return `${n.node}:${n.run}:${n.keepalived ? 1 : 0}:${(n.vips ?? (n.holdsVip ? ['vip'] : [])).join(',')}:${vrrp}`;
    })
    .sort()
    .join(' ');
}

export interface AutoCheckHost {
  /** The step to judge (the first not passed), if any. */
  currentStep(): string | undefined;
  /** A check of this step is being judged, whoever asked for it. */
  checking(step: string): boolean;
  /** The lab can be judged now: connected, running. */
  live(): boolean;
  /** Ask the runner to judge `step` on the page's own initiative; false if it could not be sent. */
  send(step: string): boolean;
}

export class AutoCheck {
  private timer: unknown = undefined;
  /** The step the pending timer will judge (the current step when the change came). */
  private armedFor: string | undefined;
  /** A check of this step is in flight and this scheduler waits for its verdict. */
  private waitingFor: string | undefined;
  /** The lab changed while `waitingFor`'s check was being judged: judge it again if it is still current. */
  private changedMeanwhile = false;
  private disposed = false;

  constructor(
    private readonly host: AutoCheckHost,
    private readonly timers: Timers,
    readonly delayMs = AUTO_CHECK_DELAY_MS,
  ) {}

  /** The lab changed (a vip, keepalived, vrrp, node or mail event, live, not replayed history). */
  changed(): void {
    if (this.disposed || !this.host.live()) return;
    const step = this.host.currentStep();
    if (!step) return;
    if (this.waitingFor === step && this.host.checking(step)) {
      this.changedMeanwhile = true;
      return;
    }
    this.waitingFor = undefined;
    this.changedMeanwhile = false;
    this.arm(step);
  }

  /** The learner pressed Check: that check covers every change so far. */
  manualRequested(step: string): void {
    if (this.armedFor === step) this.cancelTimer();
    this.waitingFor = step;
    this.changedMeanwhile = false;
  }

  /**
   * Call after each message the page handled: a check that ended may call for another (the lab
   * changed while it was judged), and a pending check of a step that has passed since is dropped.
   */
  sync(): void {
    if (this.disposed) return;
    const current = this.host.currentStep();
    if (this.armedFor !== undefined && this.armedFor !== current) this.cancelTimer();
    const step = this.waitingFor;
    if (step === undefined || this.host.checking(step)) return;
    const again = this.changedMeanwhile;
    this.waitingFor = undefined;
    this.changedMeanwhile = false;
    if (again && current === step && this.host.live()) this.arm(step);
  }

  /** The lab stopped or the connection went: nothing is pending any more. */
  reset(): void {
    this.cancelTimer();
    this.waitingFor = undefined;
    this.changedMeanwhile = false;
  }

  dispose(): void {
    this.reset();
    this.disposed = true;
  }

  /** For tests and the debug handle: what the scheduler is doing. */
  get pending(): { armedFor?: string; waitingFor?: string; changedMeanwhile: boolean } {
    return {
      ...(this.armedFor !== undefined ? { armedFor: this.armedFor } : {}),
      ...(this.waitingFor !== undefined ? { waitingFor: this.waitingFor } : {}),
      changedMeanwhile: this.changedMeanwhile,
    };
  }

  private arm(step: string): void {
    this.cancelTimer();
    this.armedFor = step;
    this.timer = this.timers.setTimeout(() => this.fire(step), this.delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
  }

  private fire(step: string): void {
    this.timer = undefined;
    this.armedFor = undefined;
    if (this.disposed || !this.host.live() || this.host.currentStep() !== step) return;
    if (this.host.checking(step)) {
      // Someone else's check is under way (another tab, a Check pressed): it may have started
      // before the change, so judge again once its verdict is in.
      this.waitingFor = step;
      this.changedMeanwhile = true;
      return;
    }
    if (this.host.send(step)) this.waitingFor = step;
  }
}
