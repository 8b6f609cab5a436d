/**
 * A step's verdict in the page's language. The runner sends the English text (`message`) and the
 * diagnoses as data (`diagnosis` for a failure, `diagnoses` for a pass: runner/shared/protocol.ts);
 * a zh page words them with the Chinese renderers (runner/i18n/zh/diagnoses.ts), and falls back to
 * the English when a verdict carries none (an older runner) or names a code without Chinese yet. A
 * check that could not run has no diagnosis but a sentence (./sentence-text.ts).
 */
import type { StepVerdict } from '../../../../runner/shared/protocol.ts';
import { renderDiagnosisZh } from '../../../../runner/i18n/zh/diagnoses.ts';
import { sentenceText } from './sentence-text.ts';
import { uiLang } from './strings.ts';

export function verdictText(verdict: Pick<StepVerdict, 'message' | 'diagnosis' | 'diagnoses' | 'sentence'>, lang: string | undefined): string {
  if (uiLang(lang) !== 'zh') return verdict.message;
  const diagnoses = verdict.diagnosis ? [verdict.diagnosis] : (verdict.diagnoses ?? []);
  if (diagnoses.length === 0) return sentenceText(verdict, lang);
  const texts = diagnoses.map(renderDiagnosisZh);
  return texts.every((t): t is string => t !== undefined) ? texts.join('') : verdict.message;
}
