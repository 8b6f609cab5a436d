/**
 * Turning a command from the tutorial into what a terminal receives when the learner clicks
 * "run on lb1". It is sent as a paste: with bracketed paste on (bash 5 turns it on), the shell
 * takes a multi-line heredoc as one edit and a Tab inside a config is text, not completion; the
 * final Enter runs it, as if the learner had pasted it and pressed Enter.
 */

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/** A code block's text as the command to paste: line ends as a terminal sends them (CR), no trailing blank lines. */
export function commandText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\s+$/, '').replace(/\n/g, '\r');
}

/** The bytes for one click: the command as a paste, then Enter. */
export function terminalInputFor(text: string, bracketedPaste: boolean): string {
  const body = commandText(text);
  if (!body) return '';
  // A paste must not carry its own end marker (a page could otherwise smuggle keystrokes past it).
  const safe = body.replaceAll(PASTE_END, '').replaceAll(PASTE_START, '');
  return (bracketedPaste ? PASTE_START + safe + PASTE_END : safe) + '\r';
}

/** The node a code block's fence names: "bash [lb1]" → "lb1". */
export function nodeFromFenceInfo(info: string): string | null {
  const match = /^\s*(?:bash|sh|shell|console)\s*\[([a-z][a-z0-9-]*)\]/.exec(info);
  return match ? match[1]! : null;
}
