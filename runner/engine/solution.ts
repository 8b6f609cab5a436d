/**
 * A solution directory: one sub-directory per node, each laid over that node's filesystem root.
 * Validation happens before anything starts, so a bad directory costs nothing: unknown node names,
 * symlinks (which could point outside the node's root), devices, fifos and sockets are refused with
 * one sentence naming the offending path.
 */
import { lstatSync, readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pack, type Pack } from 'tar-stream';
import { SolutionError } from '../shared/errors.ts';
import type { NodeName } from '../lab/definition.ts';
import { protectedPathReason } from './protected-paths.ts';
import type { AddressMap } from '../lab/address-map.ts';

/** The nodes a solution configures unless its lab says otherwise: the load balancers. */
export const DEFAULT_SOLUTION_NODES: readonly NodeName[] = ['lb1', 'lb2'];

export interface SolutionFile {
  /** Path inside the node, relative to its root, with forward slashes (e.g. etc/keepalived/keepalived.conf). */
  path: string;
  mode: number;
  content: Buffer;
}

export interface SolutionEntry {
  node: NodeName;
  files: SolutionFile[];
}

/** A validated solution, read into memory (solutions are a few small config files). */
export interface Solution {
  dir: string;
  nodes: SolutionEntry[];
}

const MAX_SOLUTION_BYTES = 4 * 1024 * 1024;

/**
 * Read and validate a solution directory for a lab with `labNodes`, of which a solution may
 * configure `solutionNodes` only (the others, the client above all, are the lab's own: the grader
 * and the learner's tests rely on them being as the image made them).
 */
export function readSolution(dir: string, labNodes: readonly NodeName[], solutionNodes: readonly NodeName[] = DEFAULT_SOLUTION_NODES): Solution {
  const root = path.resolve(dir);
  if (!existsSync(root)) throw new SolutionError(`Solution directory ${dir} does not exist: pass --solution <dir> with one sub-directory per node (e.g. ${dir}/lb1/etc/keepalived/keepalived.conf).`);
  if (!statSync(root).isDirectory()) throw new SolutionError(`--solution ${dir} is a file, not a directory: pass the directory that holds lb1/, lb2/ ...`);

  const nodes: SolutionEntry[] = [];
  let total = 0;
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(root, entry.name);
    refuseLinksAndSpecials(full, `${entry.name}`);
    if (!entry.isDirectory()) continue; // a README or notes beside the node folders: not part of any node
    if (!(labNodes as readonly string[]).includes(entry.name)) {
      throw new SolutionError(`Solution directory ${dir} has a folder "${entry.name}", which is not a node of this lab: use ${writable(labNodes, solutionNodes)}.`);
    }
    if (!(solutionNodes as readonly string[]).includes(entry.name)) {
      throw new SolutionError(`Solution directory ${dir} has a folder "${entry.name}", but a solution of this lab configures only ${writable(labNodes, solutionNodes)}: remove ${entry.name}/ (that node is the lab's own).`);
    }
    const node: SolutionEntry = { node: entry.name as NodeName, files: [] };
    walk(full, '', node, (size) => {
      total += size;
      if (total > MAX_SOLUTION_BYTES) throw new SolutionError(`Solution directory ${dir} holds more than 4 MiB: a solution is configuration files, not data.`);
    });
    nodes.push(node);
  }
  return { dir: root, nodes };
}

function writable(labNodes: readonly NodeName[], solutionNodes: readonly NodeName[]): string {
  return labNodes.filter((n) => solutionNodes.includes(n)).join(', ');
}

function walk(absDir: string, rel: string, into: SolutionEntry, count: (bytes: number) => void): void {
  for (const entry of readdirSync(absDir, { withFileTypes: true })) {
    const abs = path.join(absDir, entry.name);
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    const shown = `${into.node}/${relPath}`;
    refuseLinksAndSpecials(abs, shown);
    const st = lstatSync(abs);
    if (st.isDirectory()) {
      walk(abs, relPath, into, count);
    } else {
      const reason = protectedPathReason(relPath);
      if (reason) throw new SolutionError(`Solution file ${shown} may not be written: ${reason}.`);
      count(st.size);
      into.files.push({ path: relPath, mode: st.mode & 0o7777, content: readFileSync(abs) });
    }
  }
}

function refuseLinksAndSpecials(abs: string, shown: string): void {
  const st = lstatSync(abs);
  if (st.isSymbolicLink()) {
    throw new SolutionError(`Solution path ${shown} is a symlink: a symlink could point outside the node's root, so copy the real file there instead.`);
  }
  if (!st.isDirectory() && !st.isFile()) {
    throw new SolutionError(`Solution path ${shown} is a special file (device, fifo or socket): a solution may hold only regular files and folders.`);
  }
}

/**
 * A tar archive of one node's part, for Docker's put-archive at `/`. Owned by root, file modes kept.
 * Only files go in: a folder entry would re-mode existing folders such as /etc with whatever umask
 * the solution was written under; missing parents are created by Docker.
 */
export async function tarForNode(entry: SolutionEntry): Promise<Buffer> {
  const archive: Pack = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const f of entry.files) {
    archive.entry({ name: f.path, type: 'file', mode: f.mode, uid: 0, gid: 0, size: f.content.length }, f.content);
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * The solution with the lab's canonical addresses mapped to a copy's own subnet (see
 * runner/lab/address-map.ts), in text files only; `replaced` counts what changed, per file, for
 * the report.
 */
export function mapSolutionAddresses(solution: Solution, map: AddressMap): { solution: Solution; replaced: { file: string; count: number }[] } {
  const replaced: { file: string; count: number }[] = [];
  const nodes = solution.nodes.map((entry) => ({
    node: entry.node,
    files: entry.files.map((f) => {
      if (f.content.includes(0)) return f; // binary: not configuration text
      const { text, replaced: count } = map.apply(f.content.toString('utf8'));
      if (count === 0) return f;
      replaced.push({ file: `${entry.node}/${f.path}`, count });
      return { ...f, content: Buffer.from(text, 'utf8') };
    }),
  }));
  return { solution: { dir: solution.dir, nodes }, replaced };
}
