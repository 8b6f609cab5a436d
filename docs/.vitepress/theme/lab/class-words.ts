/**
 * The instructor page's words for what the runner reports as data: a learner's lab status and a
 * diagnosis (a learner's last failure, the class's most frequent one). On a zh page a diagnosis is
 * worded from its code and params by the Chinese renderers; without its data (an older runner, a
 * row recorded before the runner kept it) the English message stands.
 */
import type { DiagnosisData } from '../../../../runner/grade/diagnosis.ts';
import { translate, type StringKey } from './strings.ts';
import { verdictText } from './verdict-text.ts';

const STATUS_WORDS: Readonly<Record<string, StringKey>> = {
  running: 'class.status.running',
  starting: 'class.status.starting',
  stopping: 'class.status.stopping',
  stopped: 'class.status.stopped',
  failed: 'class.status.failed',
};

/** "running", "运行中"; a status this page does not know (a newer runner) as the runner says it. */
export function statusWord(lang: string | undefined, status: string): string {
  const key = STATUS_WORDS[status];
  return key ? translate(lang, key) : status;
}

/** A diagnosis the class state carries: its English `message`, and `data` when the runner sent it. */
export function diagnosisWords(lang: string | undefined, message: string, data: DiagnosisData | undefined): string {
  return verdictText({ message, ...(data ? { diagnosis: data } : {}) }, lang);
}
