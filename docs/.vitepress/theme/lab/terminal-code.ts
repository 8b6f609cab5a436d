/**
 * xterm.js and its fit addon, loaded once per page. The lab widget asks for them as soon as it is
 * on screen, while the learner reads and before Start, so that the first terminal mounts without
 * waiting for the download: with a hot-pool copy the lab is running in milliseconds, and the
 * chunk fetch and parse were then most of the time from Start to a prompt.
 */
type TerminalCode = [typeof import('@xterm/xterm'), typeof import('@xterm/addon-fit')];

let loading: Promise<TerminalCode> | undefined;

export function loadTerminalCode(): Promise<TerminalCode> {
  loading ??= Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
  // A failed fetch (offline for a moment) is tried again by the next caller.
  loading.catch(() => (loading = undefined));
  return loading;
}
