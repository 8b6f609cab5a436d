/**
 * Progress reporting for long work (image builds, engine set-up, lab start). Commands print it to
 * stderr so that stdout stays machine-readable (`--reporter json`).
 */
import type { Sentence } from './sentences.ts';

/** `sentence`: the same line as a value, where the line reaches a page (a lab's start) that words it in its own language. */
export type Progress = (message: string, sentence?: Sentence) => void;

export const silentProgress: Progress = () => {};

export function stderrProgress(prefix = 'kalab'): Progress {
  return (message) => process.stderr.write(`${prefix}: ${message}\n`);
}
