/**
 * Where a solution may not write. A solution configures the lab (keepalived's files, a check or
 * notify script of its own); it never replaces what the node image ships as programs and
 * libraries, nor shadows on PATH the programs that the runner's own actions go through
 * (`systemctl start keepalived` is the runner's action in every lab), since a solution that did
 * could make the runner's actions lie. What the grader sees does not depend on any of them
 * (runner/observe): this rule keeps the runner's *actions* honest.
 */
import path from 'node:path';

/** The image's program and library folders: a file here replaces or adds to the system itself. */
const SYSTEM_DIRS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib32', 'usr/lib64', 'usr/libx32', 'usr/libexec'];

/** The folders on a node's PATH that a solution may add its own scripts to. */
const LOCAL_PATH_DIRS = ['usr/local/sbin', 'usr/local/bin'];

/**
 * Programs the runner runs in a node by name: its actions (the systemctl/journalctl/service
 * shims, keepalived), the shells and tools those go through, and the node's init.
 */
const RUNNER_PROGRAMS = new Set([
  'systemctl',
  'journalctl',
  'service',
  'keepalived',
  'kalab-init',
  'kalab-eyes',
  'tini',
  'sh',
  'bash',
  'dash',
  'env',
  'timeout',
  'kill',
]);

/** Files that change how every program on the node loads. */
const LOADER_FILES = ['etc/ld.so.preload', 'etc/ld.so.conf'];
const LOADER_DIRS = ['etc/ld.so.conf.d'];

const under = (rel: string, dir: string) => rel === dir || rel.startsWith(`${dir}/`);

/**
 * Why a solution may not write the file at `rel` (a path relative to the node's root, forward
 * slashes), in a phrase, or undefined when it may.
 */
export function protectedPathReason(rel: string): string | undefined {
  const p = path.posix.normalize(rel).replace(/^\/+/, '');
  const system = SYSTEM_DIRS.find((d) => under(p, d));
  if (system) return `it is in /${system}, where the node image keeps its programs and libraries: put your own scripts under /etc/keepalived or /usr/local/bin instead`;
  const local = LOCAL_PATH_DIRS.find((d) => path.posix.dirname(p) === d);
  if (local && RUNNER_PROGRAMS.has(path.posix.basename(p))) {
    return `it would shadow ${path.posix.basename(p)}, which the runner's own actions run: name your script differently`;
  }
  if (LOADER_FILES.includes(p) || LOADER_DIRS.some((d) => under(p, d))) return 'it changes how every program on the node is loaded';
  return undefined;
}
