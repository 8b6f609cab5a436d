/**
 * A diagnosis in the reader's language: English from the grader's own renderers (the catalogue),
 * Chinese from runner/i18n/zh/diagnoses.ts. A code without Chinese yet is shown in English, whole,
 * rather than half in each. The JSON and JUnit reports keep the code and the English text.
 */
import { renderDiagnosis } from '../grade/catalogue.ts';
import type { DiagnosisData } from '../grade/diagnosis.ts';
import { renderDiagnosisZh } from './zh/diagnoses.ts';

export type Lang = 'en' | 'zh';
export const LANGS: Lang[] = ['en', 'zh'];

export function renderDiagnosisIn(lang: Lang, d: DiagnosisData): string {
  if (lang === 'zh') return renderDiagnosisZh(d) ?? renderDiagnosis(d);
  return renderDiagnosis(d);
}

/**
 * The language of the CLI's pretty report: `--lang` when given, else the locale the environment
 * names (LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them): zh_CN.UTF-8, zh_TW, zh → zh;
 * anything else (en_US.UTF-8, C, unset) → en.
 */
export function reportLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag) return flag === 'zh' ? 'zh' : 'en';
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return /^zh([_.@-]|$)/i.test(locale ?? '') ? 'zh' : 'en';
}
