/**
 * The class's results for the instructor to keep: one CSV of every verdict, and a JUnit file per
 * learner (one suite per lab, one case per step, the latest verdict of each) for a grade book or CI.
 */
import { renderJunit } from '../report/reporters.ts';
import type { LabRunResult } from '../grade/step-runner.ts';
import type { LabDefinition } from '../lab/definition.ts';
import type { LearnerRow, VerdictRow } from './store.ts';

const csvField = (v: string | number | boolean | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function resultsCsv(learners: readonly LearnerRow[], verdicts: readonly VerdictRow[]): string {
  const names = new Map(learners.map((l) => [l.id, l.name]));
  const header = ['learner', 'name', 'lab', 'step', 'passed', 'checked_at', 'ms', 'code', 'message'];
  const rows = verdicts.map((v) => [v.learnerId, names.get(v.learnerId) ?? '', v.lab, v.step, v.passed, new Date(v.checkedAt).toISOString(), v.ms, v.code, v.message]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** One learner's labs as `kalab check` results: each step's latest verdict, "not run" where none. */
export function learnerJunit(definitions: readonly LabDefinition[], verdicts: readonly VerdictRow[]): string {
  const results: LabRunResult[] = definitions.map((def) => {
    const latest = new Map<string, VerdictRow>();
    for (const v of verdicts.filter((x) => x.lab === def.id)) latest.set(v.step, v);
    const steps = def.steps.map((s) => {
      const v = latest.get(s.id);
      return v ? { id: s.id, title: s.title, passed: v.passed, ms: v.ms, message: v.message } : { id: s.id, title: s.title, passed: false, ms: 0, message: 'not run' };
    });
    return { lab: def.id, passed: steps.every((s) => s.passed), steps };
  });
  return renderJunit(results);
}
