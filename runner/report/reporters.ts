/**
 * The contract's reporters: pretty (people), json (one object), junit (CI systems).
 * Each turns finished results into text; the pretty reporter also prints steps as they finish.
 */
import { diagnosisData } from '../grade/diagnosis.ts';
import type { LabRunResult, StepResult } from '../grade/step-runner.ts';
import { describeFigures } from '../shared/failover-text.ts';

export type ReporterName = 'pretty' | 'json' | 'junit';
export const REPORTERS: ReporterName[] = ['pretty', 'json', 'junit'];

/**
 * The contract's JSON for one lab: {lab, passed, steps: [{id, title, passed, ms, message}]}, and on
 * a failed step its diagnosis as data ({code, params, causes?}) for tools that match codes; on a
 * step whose VIP moved, its failover figures ({from, to, failoverMs, outageMs, failedRequests, requests}).
 */
export function toJsonObject(result: LabRunResult): object {
  return {
    lab: result.lab,
    ...(result.solution ? { solution: result.solution } : {}),
    passed: result.passed,
    steps: result.steps.map(({ id, title, passed, ms, message, diagnosis, failover }) => ({
      id,
      title,
      passed,
      ms,
      message,
      ...(!passed && diagnosis ? { diagnosis: diagnosisData(diagnosis) } : {}),
      ...(failover ? { failover } : {}),
    })),
  };
}

/** One lab's object; several (--all, or several solutions) under `labs` with the overall verdict. */
export function renderJson(results: LabRunResult[], all: boolean): string {
  const body = all || results.length > 1 ? { passed: results.every((r) => r.passed), labs: results.map(toJsonObject) } : toJsonObject(results[0]!);
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
      if (s.message === 'not run') return `${open}>\n      <skipped message="not run: an earlier step failed"/>\n    </testcase>`;
      const type = s.diagnosis ? ` type="${escapeXml(s.diagnosis.code)}"` : '';
      const failure = s.passed ? [] : [`      <failure message="${escapeXml(s.message)}"${type}>${escapeXml(s.message)}</failure>`];
      const body = [...failure, ...junitFigures(s)];
      return body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`;
    });
    return `  <testsuite name="${escapeXml(r.solution ? `${r.lab} (${r.solution})` : r.lab)}" tests="${r.steps.length}" failures="${failures}" skipped="${skipped}" time="${time}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

/** A step's failover figures as testcase properties (for tools) and one line of system-out (for people). */
function junitFigures({ failover: f }: StepResult): string[] {
  if (!f) return [];
  const values: [string, string | number | null | undefined][] = [
    ['failover.from', f.from],
    ['failover.to', f.to],
    ['failover.ms', f.failoverMs],
    ['failover.outageMs', f.outageMs],
    ['failover.failedRequests', f.failedRequests],
    ['failover.requests', f.requests],
  ];
  const properties = values.filter(([, v]) => v !== undefined).map(([name, v]) => `        <property name="${name}" value="${escapeXml(String(v))}"/>`);
  return [`      <properties>\n${properties.join('\n')}\n      </properties>`, `      <system-out>${escapeXml(`failover ${describeFigures(f)}`)}</system-out>`];
}

const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);

export function prettyStep(result: StepResult): string {
  const mark = result.passed ? paint('32', '✔') : result.message === 'not run' ? paint('2', '–') : paint('31', '✘');
  const time = result.message === 'not run' ? '' : paint('2', ` (${(result.ms / 1000).toFixed(1)} s)`);
  const head = `  ${mark} ${result.id}: ${result.title}${time}`;
  // Every step whose VIP moved says what its users lost, passed or not.
  const figures = result.failover ? `\n      ${paint('2', `failover ${describeFigures(result.failover)}`)}` : '';
  if (result.passed || result.message === 'not run') return `${head}${figures}`;
  return `${head}${figures}\n      ${result.message}`;
}

export function prettySummary(result: LabRunResult): string {
  const passed = result.steps.filter((s) => s.passed).length;
  const verdict = result.passed ? paint('32', 'PASS') : paint('31', 'FAIL');
  return `${verdict} ${result.lab}: ${passed}/${result.steps.length} steps passed`;
}
