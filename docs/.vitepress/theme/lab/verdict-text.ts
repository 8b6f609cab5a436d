/**
 * A step's verdict in the page's language. The runner sends the English text (`message`) and the
 * diagnoses as data (`diagnosis` for a failure, `diagnoses` for a pass: runner/shared/protocol.ts);
 * a zh page words them with the Chinese renderers (runner/i18n/zh/diagnoses.ts), and falls back to
 * the English when a verdict carries none (an older runner, a check that could not run) or names a
 * code without Chinese yet.
 */
import type { StepVerdict } from '../../../../runner/shared/protocol.ts';
import { renderDiagnosisZh } from '../../../../runner/i18n/zh/diagnoses.ts';
import { uiLang } from './strings.ts';

export function verdictText(verdict: Pick<StepVerdict, 'message' | 'diagnosis' | 'diagnoses'>, lang: string | undefined): string {
  if (uiLang(lang) !== 'zh') return verdict.message;
  const diagnoses = verdict.diagnosis ? [verdict.diagnosis] : (verdict.diagnoses ?? []);
  if (diagnoses.length === 0) return verdict.message;
  const texts = diagnoses.map(renderDiagnosisZh);
  return texts.every((t): t is string => t !== undefined) ? texts.join('') : verdict.message;
}
