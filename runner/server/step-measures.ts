/**
 * The workbench's measure of the steps it performs itself (a runner action: freeze, unfreeze, a
 * fault): the client probe runs from just before the action until the VIP has settled on its new
 * holder and the client is answered again (or a while, when nothing moves), and the step's failover
 * figures become an event in every page's timeline. The step's Check is judged with the same
 * measure, so its budgets (failover-within) hold the workbench to what `kalab check` holds.
 * A step the learner types has no measure: the workbench cannot know when it began.
 */
import type { LabSession } from '../grade/step-runner.ts';
import { measuredFigures, measureEvents, settledFigures, startMeasure, type StepMeasure } from '../grade/step-measure.ts';
import { until } from '../grade/wait/until.ts';
import { waitFor } from '../grade/wait/wait-for.ts';
import type { FailoverEvent } from '../shared/events.ts';

/** Probing ends this long after the action at the latest (a step whose VIP never moves). */
const MEASURE_LIMIT_MS = 30_000;

export class StepMeasures {
  private readonly measures = new Map<string, StepMeasure>();
  private readonly published: FailoverEvent[] = [];
  private readonly stopped = new AbortController();

  constructor(
    private readonly session: LabSession,
    private readonly publish: (event: FailoverEvent) => void,
  ) {}

  /** Perform a step's action under measure; resolves when the action is done (the measure goes on). */
  async perform(step: string, action: () => Promise<void>): Promise<void> {
    await this.measures.get(step)?.probe?.stop(); // a step done again is measured again
    const measure = await startMeasure(this.session, this.stopped.signal);
    this.measures.set(step, measure);
    try {
      await action();
    } catch (err) {
      await measure.probe?.stop();
      throw err;
    }
    // The lab may go away under it: then there is nothing to publish.
    void this.settle(step, measure).catch(() => undefined);
  }

  /** The step's measure (still running, or finished), for its Check. */
  measureOf(step: string): StepMeasure | undefined {
    return this.measures.get(step);
  }

  /** The figures published so far, for a page that attaches later. */
  events(): FailoverEvent[] {
    return [...this.published];
  }

  /** The lab goes away: every probe stops, nothing more is published. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await Promise.all([...this.measures.values()].map((m) => m.probe?.stop()));
  }

  /**
   * Wait until the figures are final (or the limit: then what was measured, such as a client never
   * answered again), then stop probing and publish.
   */
  private async settle(step: string, measure: StepMeasure): Promise<void> {
    const { observer, lab } = this.session;
    const settled = () => settledFigures(observer, lab.addresses.vip, measure) !== undefined;
    await waitFor(until(measureEvents(observer, measure), settled), { deadline: measure.startedAt + MEASURE_LIMIT_MS, signal: this.stopped.signal });
    await measure.probe?.stop();
    const f = measuredFigures(observer, lab.addresses.vip, measure);
    if (!f || this.stopped.signal.aborted) return;
    const event: FailoverEvent = { type: 'failover', t: measure.startedAt + f.failoverMs, node: f.to, step, ...f };
    this.published.push(event);
    this.publish(event);
  }
}
