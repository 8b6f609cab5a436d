/**
 * Verdicts the grader withholds rather than guesses: the observer lost sight of a node while the
 * step ran (the contract: "an observation the runner lost is said to be lost, never guessed"), or
 * the check was stopped before it could judge.
 */
import type { NodeName } from '../lab/definition.ts';
import type { ObservationGap } from '../observe/lab-observer.ts';
import { defineDiagnoses, listNodes, type Diagnosis, type NoParams } from './diagnosis.ts';

interface Gap {
  node: NodeName;
  watcher: string;
  from: number;
  /** Null while the gap is still open. */
  to: number | null;
}

/** Local wall-clock time with milliseconds, 19:02:03.120, as a learner reads it beside the timeline. */
export function clockTime(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const during = (g: Gap) => `${g.node} (${g.watcher}) ${g.to === null ? `since ${clockTime(g.from)}` : `from ${clockTime(g.from)} to ${clockTime(g.to)}`}`;

export const WITHHELD = defineDiagnoses({
  'observation-lost': (p: { gaps: Gap[] }) => `could not observe ${listNodes(p.gaps.map(during))}: the verdict is withheld rather than guessed`,
  'check-aborted': (_: NoParams) => 'The check was stopped before it reached a verdict.',
  'action-failed': (p: { step: string; error: string }) => `The runner could not do step ${p.step}'s action: ${p.error}`,
});

/** The verdict for a step whose failure rests on time the observer did not see. */
export function observationLost(gaps: readonly ObservationGap[]): Diagnosis {
  return WITHHELD.say('observation-lost', { gaps: gaps.map((g) => ({ node: g.node, watcher: g.watcher, from: g.from, to: g.to ?? null })) });
}

/** A step whose action the runner could not do (the engine refused it). */
export function actionFailed(step: string, err: unknown): Diagnosis {
  const error = (err instanceof Error ? err.message : String(err)).replace(/^\(HTTP code \d+\)\s*/, '').trim();
  return WITHHELD.say('action-failed', { step, error });
}
