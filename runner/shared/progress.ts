/**
 * Progress reporting for long work (image builds, engine set-up, lab start). Commands print it to
 * stderr so that stdout stays machine-readable (`--reporter json`).
 */
export type Progress = (message: string) => void;

export const silentProgress: Progress = () => {};

export function stderrProgress(prefix = 'kalab'): Progress {
  return (message) => process.stderr.write(`${prefix}: ${message}\n`);
}
