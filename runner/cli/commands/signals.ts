/**
 * Ctrl-C handling for commands that own a running lab: the first SIGINT/SIGTERM aborts the work
 * (the command's finally blocks tear the lab down); a second one while tearing down is ignored with
 * a note, so a lab is not left half-removed.
 */
export function abortOnSignals(onFirst?: (signal: string) => void): { signal: AbortSignal; received(): string | undefined; dispose(): void } {
  const controller = new AbortController();
  let got: string | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (got) {
      process.stderr.write('kalab: still tearing the lab down, one moment...\n');
      return;
    }
    got = signal;
    onFirst?.(signal);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    received: () => got,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
