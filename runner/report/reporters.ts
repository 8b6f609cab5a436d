/**
 * The contract's reporters: pretty (people), json (one object), junit (CI systems).
 * Each turns finished results into text; the pretty reporter also prints steps as they finish.
 */
import { diagnosisData } from '../grade/diagnosis.ts';
import type { LabRunResult, StepResult } from '../grade/step-runner.ts';
import { renderDiagnosisIn, type Lang } from '../i18n/diagnoses.ts';
import { describeFiguresZh } from '../i18n/zh/failover.ts';
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

/**
 * The pretty reporter's language (`kalab check --lang`, or the locale): its step lines, diagnoses
 * and summary. The JSON and JUnit reports keep the codes and the English text whatever it is.
 */
export interface PrettyOptions {
  lang?: Lang;
  /** Step titles in that language by step id (lab.yaml's title_zh); a step without one keeps its English title. */
  titles?: Readonly<Record<string, string>>;
}

/** The step titles of a lab in `lang`, for PrettyOptions.titles (English: none needed). */
export function stepTitles(steps: readonly { id: string; title_zh?: string | undefined }[], lang: Lang): Record<string, string> {
  if (lang !== 'zh') return {};
  return Object.fromEntries(steps.flatMap((s) => (s.title_zh ? [[s.id, s.title_zh]] : [])));
}

/** The heading above a lab's steps: "basic-vip: Basic VIP failover (alice)". */
export function prettyHeading(lab: { id: string; title: string; title_zh?: string | undefined }, solution: string | undefined, { lang = 'en' }: PrettyOptions = {}): string {
  if (lang === 'zh') return `${lab.id}：${lab.title_zh ?? lab.title}${solution ? `（${solution}）` : ''}`;
  return `${lab.id}: ${lab.title}${solution ? ` (${solution})` : ''}`;
}

export function prettyStep(result: StepResult, { lang = 'en', titles = {} }: PrettyOptions = {}): string {
  const zh = lang === 'zh';
  const notRun = result.message === 'not run';
  const mark = result.passed ? paint('32', '✔') : notRun ? paint('2', '–') : paint('31', '✘');
  const seconds = (result.ms / 1000).toFixed(1);
  const time = notRun ? (zh ? paint('2', '（未运行）') : '') : paint('2', zh ? `（${seconds} 秒）` : ` (${seconds} s)`);
  const title = titles[result.id] ?? result.title;
  const head = zh ? `  ${mark} ${result.id}：${title}${time}` : `  ${mark} ${result.id}: ${title}${time}`;
  // Every step whose VIP moved says what its users lost, passed or not.
  const figures = result.failover
    ? `\n      ${paint('2', zh ? `故障切换 ${describeFiguresZh(result.failover)}` : `failover ${describeFigures(result.failover)}`)}`
    : '';
  if (result.passed || notRun) return `${head}${figures}`;
  const message = zh && result.diagnosis ? renderDiagnosisIn('zh', result.diagnosis) : result.message;
  return `${head}${figures}\n      ${message}`;
}

export function prettySummary(result: LabRunResult, { lang = 'en' }: PrettyOptions = {}): string {
  const passed = result.steps.filter((s) => s.passed).length;
  const total = result.steps.length;
  if (lang === 'zh') {
    const verdict = result.passed ? paint('32', '通过') : paint('31', '未通过');
    return `${verdict} ${result.lab}：${result.passed ? `${total} 个步骤全部通过` : `${total} 个步骤中通过了 ${passed} 个`}`;
  }
  const verdict = result.passed ? paint('32', 'PASS') : paint('31', 'FAIL');
  return `${verdict} ${result.lab}: ${passed}/${total} steps passed`;
}
