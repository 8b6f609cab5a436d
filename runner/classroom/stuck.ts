/**
 * "Where is the class?": the step most learners are on (their first step not passed), and the
 * diagnosis their failed checks of it gave most often. Pure, from the instructor page's rows and
 * the recorded verdicts.
 */
import type { ClassLearnerLab, ClassState } from '../shared/protocol.ts';
import type { VerdictRow } from './store.ts';

type StuckDiagnosis = NonNullable<NonNullable<ClassState['stuck']>['diagnosis']>;

export function stuckSummary(labs: readonly ClassLearnerLab[], verdicts: readonly VerdictRow[]): ClassState['stuck'] {
  const onStep = new Map<string, { lab: string; step: string; learners: Set<string> }>();
  for (const l of labs) {
    if (!l.currentStep) continue;
    const k = `${l.lab} ${l.currentStep}`;
    const entry = onStep.get(k) ?? { lab: l.lab, step: l.currentStep, learners: new Set<string>() };
    entry.learners.add(l.learner);
    onStep.set(k, entry);
  }
  const top = [...onStep.values()].sort((a, b) => b.learners.size - a.learners.size || a.lab.localeCompare(b.lab) || a.step.localeCompare(b.step))[0];
  if (!top) return undefined;
  const counts = new Map<string, StuckDiagnosis>();
  for (const v of verdicts) {
    if (v.passed || v.lab !== top.lab || v.step !== top.step || !top.learners.has(v.learnerId)) continue;
    const k = v.code ?? v.message;
    const entry = counts.get(k) ?? { ...(v.code ? { code: v.code } : {}), message: v.message, count: 0 };
    entry.count++;
    // The newest wording of that diagnosis, and its data (for a page in another language).
    entry.message = v.message;
    if (v.diagnosis) entry.data = v.diagnosis;
    else delete entry.data;
    counts.set(k, entry);
  }
  const diagnosis = [...counts.values()].sort((a, b) => b.count - a.count)[0];
  return { lab: top.lab, step: top.step, learners: top.learners.size, ...(diagnosis ? { diagnosis } : {}) };
}
