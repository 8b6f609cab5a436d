/**
 * The editor's files: read and write files under /etc/keepalived/ in a node, and the lab's reference
 * solution for them (what "Show solution" compares with). Paths arrive already validated and
 * normalised (lab-rules.ts); they are still quoted for the shell, as every argument is.
 */
import path from 'node:path';
import type { LabInstance } from '../engine/lab-instance.ts';
import { mapSolutionAddresses, readSolution } from '../engine/solution.ts';
import type { AddressMap } from '../lab/address-map.ts';
import type { LabDefinition, NodeName } from '../lab/definition.ts';
import { say } from '../shared/sentences.ts';
import { MAX_FILE_BYTES } from './client-messages.ts';
import { RequestError } from './request-error.ts';

/** A new file gets the mode a text editor gives it. */
const NEW_FILE_MODE = 0o644;

interface FileStat {
  exists: boolean;
  size: number;
  mode: number;
  kind: string;
}

async function statFile(lab: LabInstance, node: NodeName, filePath: string): Promise<FileStat> {
  const r = await lab.exec(node, `stat -L -c '%s %a %F' -- ${shellQuote(filePath)} 2>/dev/null || echo missing`, { timeoutS: 10 });
  const line = r.stdout.trim();
  if (r.exitCode !== 0) throw new RequestError(say('file-stat-failed', { path: filePath, node, error: r.stderr.trim() || `exit ${r.exitCode}` }));
  if (line === 'missing') return { exists: false, size: 0, mode: NEW_FILE_MODE, kind: 'none' };
  const m = /^(\d+) ([0-7]+) (.+)$/.exec(line);
  if (!m) throw new RequestError(say('file-mode-unreadable', { path: filePath, node, said: line.slice(0, 80) }));
  return { exists: true, size: Number(m[1]), mode: parseInt(m[2]!, 8), kind: m[3]! };
}

/** The file's text; a file that does not exist yet reads as empty (saving creates it). */
export async function readNodeFile(lab: LabInstance, node: NodeName, filePath: string): Promise<{ content: string; exists: boolean }> {
  const st = await statFile(lab, node, filePath);
  if (!st.exists) return { content: '', exists: false };
  if (!/regular/.test(st.kind)) throw new RequestError(say('file-not-regular', { path: filePath, node, kind: st.kind }));
  if (st.size > MAX_FILE_BYTES) throw new RequestError(say('file-too-large', { path: filePath, node, bytes: st.size, limitKiB: MAX_FILE_BYTES / 1024 }));
  const r = await lab.exec(node, `cat -- ${shellQuote(filePath)}`, { timeoutS: 10 });
  if (r.exitCode !== 0) throw new RequestError(say('file-read-failed', { path: filePath, node, error: r.stderr.trim() || `exit ${r.exitCode}` }));
  return { content: r.stdout, exists: true };
}

/** Save the editor's text, keeping the mode of an existing file (a notify script keeps its run bit). */
export async function writeNodeFile(lab: LabInstance, node: NodeName, filePath: string, content: string): Promise<void> {
  const st = await statFile(lab, node, filePath);
  if (st.exists && !/regular/.test(st.kind)) throw new RequestError(say('file-save-not-regular', { path: filePath, node, kind: st.kind }));
  try {
    await lab.writeFile(node, filePath, content, st.mode & 0o7777);
  } catch (err) {
    throw new RequestError(say('file-save-failed', { path: filePath, node, error: (err as Error).message }), { cause: err });
  }
}

/** The part of a reference solution the page may show: what the editor edits. */
const REFERENCE_DIR = 'etc/keepalived/';

/**
 * The lab's reference solution for one node, as the editor would show it: its text files under
 * /etc/keepalived/ (absolute paths, sorted), with `map` applied (a copy off the lab's canonical
 * subnet sees its own addresses, as the page shows them). Read from disk on each request: a few
 * small files, and an edited solution shows at once.
 */
export function readReferenceFiles(labDir: string, lab: LabDefinition, node: NodeName, map?: AddressMap): { path: string; content: string }[] {
  if (!lab.solutionNodes.includes(node)) return [];
  const read = readSolution(path.join(labDir, lab.solution), lab.nodes, lab.solutionNodes);
  const solution = map ? mapSolutionAddresses(read, map).solution : read;
  return (solution.nodes.find((n) => n.node === node)?.files ?? [])
    .filter((f) => f.path.startsWith(REFERENCE_DIR) && !f.content.includes(0))
    .map((f) => ({ path: `/${f.path}`, content: f.content.toString('utf8') }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
