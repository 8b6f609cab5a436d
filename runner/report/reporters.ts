/**
 * The contract's reporters: pretty (people), json (one object), junit (CI systems).
 * Each turns finished results into text; the pretty reporter also prints steps as they finish.
 */
import { diagnosisData } from '../grade/diagnosis.ts';
import type { LabRunResult, StepResult } from '../grade/step-runner.ts';

export type ReporterName = 'pretty' | 'json' | 'junit';
export const REPORTERS: ReporterName[] = ['pretty', 'json', 'junit'];

/**
 * The contract's JSON for one lab: {lab, passed, steps: [{id, title, passed, ms, message}]}, and on
 * a failed step its diagnosis as data ({code, params, causes?}) for tools that match codes.
 */
export function toJsonObject(result: LabRunResult): object {
  return {
    lab: result.lab,
    passed: result.passed,
    steps: result.steps.map(({ id, title, passed, ms, message, diagnosis }) => ({
      id,
      title,
      passed,
      ms,
      message,
      ...(!passed && diagnosis ? { diagnosis: diagnosisData(diagnosis) } : {}),
    })),
  };
}

export function renderJson(results: LabRunResult[], all: boolean): string {
  const body = all ? { passed: results.every((r) => r.passed), labs: results.map(toJsonObject) } : toJsonObject(results[0]!);
  return `${JSON.stringify(body, null, 2)}\n`;
}

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export function renderJunit(results: LabRunResult[]): string {
  const suites = results.map((r) => {
    const failures = r.steps.filter((s) => !s.passed && s.message !== 'not run').length;
    const skipped = r.steps.filter((s) => s.message === 'not run').length;
    const time = (r.steps.reduce((sum, s) => sum + s.ms, 0) / 1000).toFixed(3);
    const cases = r.steps.map((s) => {
      const open = `    <testcase classname="kalab.${escapeXml(r.lab)}" name="${escapeXml(s.id)}: ${escapeXml(s.title)}" time="${(s.ms / 1000).toFixed(3)}"`;
      if (s.passed) return `${open}/>`;
      if (s.message === 'not run') return `${open}>\n      <skipped message="not run: an earlier step failed"/>\n    </testcase>`;
      const type = s.diagnosis ? ` type="${escapeXml(s.diagnosis.code)}"` : '';
      return `${open}>\n      <failure message="${escapeXml(s.message)}"${type}>${escapeXml(s.message)}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${escapeXml(r.lab)}" tests="${r.steps.length}" failures="${failures}" skipped="${skipped}" time="${time}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);

export function prettyStep(result: StepResult): string {
  const mark = result.passed ? paint('32', '✔') : result.message === 'not run' ? paint('2', '–') : paint('31', '✘');
  const time = result.message === 'not run' ? '' : paint('2', ` (${(result.ms / 1000).toFixed(1)} s)`);
  const head = `  ${mark} ${result.id}: ${result.title}${time}`;
  if (result.passed || result.message === 'not run') return head;
  return `${head}\n      ${result.message}`;
}

export function prettySummary(result: LabRunResult): string {
  const passed = result.steps.filter((s) => s.passed).length;
  const verdict = result.passed ? paint('32', 'PASS') : paint('31', 'FAIL');
  return `${verdict} ${result.lab}: ${passed}/${result.steps.length} steps passed`;
}
