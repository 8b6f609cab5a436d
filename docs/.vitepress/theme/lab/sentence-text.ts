/**
 * The runner's own sentences (a lab's status, a refused request, a join error) in the page's
 * language. The runner sends the English (`message`) and, when it has one, the sentence as a code
 * and params (runner/shared/sentences.ts); a zh page words it with the Chinese renderers
 * (runner/i18n/zh/sentences.ts) and falls back to the English when there is none (an older runner)
 * or its code is one this page does not know (a newer runner).
 */
import type { SentenceData } from '../../../../runner/shared/sentences.ts';
import { renderSentenceZh } from '../../../../runner/i18n/zh/sentences.ts';
import { uiLang } from './strings.ts';

export function sentenceText(said: { message: string; sentence?: SentenceData | undefined }, lang: string | undefined): string {
  if (uiLang(lang) !== 'zh' || !said.sentence) return said.message;
  return renderSentenceZh(said.sentence) ?? said.message;
}
