/**
 * The lab node image: one image for every node role (docker/node), tagged by the content of its
 * build context, so a second `ensureImages` finds it and returns at once. Building it needs a
 * Debian bookworm base: debian:bookworm-slim when the engine has it (or can pull it quickly),
 * otherwise one made here with debootstrap from the host's Debian mirror.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { lstat, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { pack, type Pack } from 'tar-stream';
import { ImageBuildError } from '../shared/errors.ts';
import { DOCKER_DIR } from '../shared/paths.ts';
import type { Progress } from '../shared/progress.ts';
import { CondensedProgress } from './condensed-progress.ts';
import { ensureHostTool, isRoot, runStreaming } from './host-packages.ts';

export const NODE_IMAGE_REPO = 'kalab/node';
export const NODE_IMAGE_DIR = path.join(DOCKER_DIR, 'node');
export const SLIM_BASE = 'debian:bookworm-slim';
export const BOOTSTRAP_BASE_REPO = 'kalab/bookworm-base';
/**
 * What the node image is built on, as it enters the tag. Every base kalab uses is Debian bookworm
 * with the same packages installed on top, so the tag does not depend on which base an engine
 * happens to have: it can be computed without an engine (doctor, CI cache keys).
 */
export const BASE_IDENTITY = 'debian:bookworm';
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
/** Where the build context's generated apt sources go (see docker/node/Dockerfile). */
const CONTEXT_SOURCES = 'apt-sources/kalab.sources';
/** Documentation in docker/node that no Dockerfile line copies: editing it needs no new image. */
const NOT_IN_CONTEXT = new Set([CONTEXT_SOURCES, 'README.md']);
const PULL_TIMEOUT_MS = 20_000;
const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');

// ---------------------------------------------------------------------------- the tag

export interface ContextFile {
  /** Path inside the build context, with forward slashes. */
  name: string;
  mode: number;
  content: Buffer;
}

/**
 * The regular files under `dir`, sorted by path (symlinks and special files are not part of a
 * context; nor are README.md and a generated apt-sources/kalab.sources left by a manual build).
 */
export async function readContext(dir: string): Promise<ContextFile[]> {
  const files: ContextFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(relPath);
      else if (entry.isFile() && !NOT_IN_CONTEXT.has(relPath)) {
        const full = path.join(dir, relPath);
        const stat = await lstat(full);
        // Only the run bit matters to the image (scripts); the rest of the mode is normalised.
        files.push({ name: relPath, mode: stat.mode & 0o111 ? 0o755 : 0o644, content: await readFile(full) });
      }
    }
  };
  await walk('');
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function contextHash(files: ContextFile[], base = BASE_IDENTITY): string {
  const hash = createHash('sha256').update(`base ${base}\n`);
  for (const f of files) {
    const content = createHash('sha256').update(f.content).digest('hex');
    hash.update(`${f.name}\0${f.mode.toString(8)}\0${content}\n`);
  }
  return hash.digest('hex').slice(0, 12);
}

/** `kalab/node:<12 hex>`: same docker/node contents (and base) → same tag. */
export async function nodeImageTag(opts: { dir?: string; base?: string } = {}): Promise<string> {
  const files = await readContext(opts.dir ?? NODE_IMAGE_DIR);
  return `${NODE_IMAGE_REPO}:${contextHash(files, opts.base ?? BASE_IDENTITY)}`;
}

// ---------------------------------------------------------------------------- apt sources

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  options: Record<string, string>;
}

/** deb822 `.sources` files: stanzas of "Field: value" separated by blank lines. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (/^\s*#/.test(line) || !line.trim()) continue;
      if (/^\s/.test(line) && last) {
        fields[last] += ` ${line.trim()}`;
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields[last] = m[2]!.trim();
    }
    if (!fields.uris || (fields.enabled ?? 'yes').toLowerCase() === 'no') continue;
    const words = (k: string) => (fields[k] ?? '').split(/\s+/).filter(Boolean);
    const options: Record<string, string> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (!['types', 'uris', 'suites', 'components', 'enabled'].includes(k)) options[k] = v;
    }
    sources.push({ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components'), options });
  }
  return sources;
}

/** One-line `sources.list` format: `deb [opt=value ...] uri suite component...`. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const options: Record<string, string> = {};
    for (const opt of (m[2] ?? '').split(/\s+/).filter(Boolean)) {
      const [k, v = ''] = opt.split('=');
      options[k!.toLowerCase()] = v;
    }
    sources.push({ types: [m[1]!], uris: [m[3]!], suites: [m[4]!], components: m[5]!.split(/\s+/).filter(Boolean), options });
  }
  return sources;
}

/** Suites that name a Debian release (Ubuntu's and third parties' do not). */
const DEBIAN_SUITE = /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable|experimental)([-/](updates|backports|security|proposed-updates))?$/;

export interface DebianMirrors {
  /** The archive, e.g. http://deb.debian.org/debian. */
  archive: string;
  /** The security archive, e.g. http://deb.debian.org/debian-security, if the host uses one. */
  security?: string;
  /** A snapshot mirror's Release files are expired: apt must not check their dates. */
  noValidUntilCheck?: boolean;
}

/** The Debian mirrors among a host's apt sources, if it is a Debian host. */
export function debianMirrors(sources: AptSource[]): DebianMirrors | undefined {
  const debian = sources.filter((s) => s.types.includes('deb') && s.suites.some((suite) => DEBIAN_SUITE.test(suite)));
  // bookworm-security; before bullseye the security suite was called buster/updates.
  const isSecurity = (s: AptSource) => s.suites.some((suite) => /-security$|\/updates$/.test(suite));
  const archive = debian.find((s) => !isSecurity(s))?.uris[0];
  if (!archive) return undefined;
  const security = debian.find(isSecurity)?.uris[0];
  const noCheck = debian.some((s) => /^(no|false)$/i.test(s.options['check-valid-until'] ?? ''));
  return {
    archive: archive.replace(/\/+$/, ''),
    ...(security ? { security: security.replace(/\/+$/, '') } : {}),
    ...(noCheck ? { noValidUntilCheck: true } : {}),
  };
}

/** The host's apt sources (sources.list, sources.list.d/*.list and *.sources) under `root`. */
export function readHostAptSources(root = '/'): AptSource[] {
  const etc = path.join(root, 'etc', 'apt');
  const sources: AptSource[] = [];
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  sources.push(...parseOneLineSources(read(path.join(etc, 'sources.list'))));
  let names: string[] = [];
  try {
    names = readdirSync(path.join(etc, 'sources.list.d')).sort();
  } catch {
    // no sources.list.d
  }
  for (const name of names) {
    const file = path.join(etc, 'sources.list.d', name);
    if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(read(file)));
    else if (name.endsWith('.list')) sources.push(...parseOneLineSources(read(file)));
  }
  return sources;
}

/** deb822 sources for Debian bookworm from the host's mirrors (the image is bookworm whatever the host runs). */
export function bookwormSources(m: DebianMirrors): string {
  const extra = m.noValidUntilCheck ? 'Check-Valid-Until: no\n' : '';
  const keyring = 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n';
  let text = `# Written by kalab (runner/engine/images.ts) from the host's apt sources.\nTypes: deb\nURIs: ${m.archive}\nSuites: bookworm bookworm-updates\nComponents: main\n${keyring}${extra}`;
  if (m.security) text += `\nTypes: deb\nURIs: ${m.security}\nSuites: bookworm-security\nComponents: main\n${keyring}${extra}`;
  return text;
}

// ---------------------------------------------------------------------------- engine side

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export async function imagesPresent(docker: Docker): Promise<{ tag: string; present: boolean }> {
  const tag = await nodeImageTag();
  return { tag, present: await imageExists(docker, tag) };
}

/** A Debian bookworm base the engine already has: debian:bookworm-slim, debian:bookworm, or one kalab made. */
export async function findBaseImage(docker: Docker): Promise<string | undefined> {
  const images = await docker.listImages({ filters: { reference: [SLIM_BASE, 'debian:bookworm', BOOTSTRAP_BASE_REPO] } });
  const tags = images.flatMap((img) => (img.RepoTags ?? []).map((t) => ({ tag: t, created: img.Created })));
  for (const preferred of [SLIM_BASE, 'debian:bookworm']) if (tags.some((t) => t.tag === preferred)) return preferred;
  const ours = tags.filter((t) => t.tag.startsWith(`${BOOTSTRAP_BASE_REPO}:`)).sort((a, b) => b.created - a.created);
  return ours[0]?.tag;
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Follow a Docker JSON progress stream to its end; an `error` event rejects. */
function followStream(docker: Docker, stream: NodeJS.ReadableStream, onEvent: (e: ProgressEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err) reject(err);
        else if (failure !== undefined) reject(new Error(failure));
        else resolve();
      },
      (event: ProgressEvent) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        onEvent(event);
      },
    );
  });
}

/** Pull with a deadline: on a machine with no registry the engine may answer at once, or never. */
async function tryPull(docker: Docker, ref: string, progress: Progress): Promise<boolean> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), PULL_TIMEOUT_MS);
  try {
    progress(`pulling ${ref} (giving up after ${PULL_TIMEOUT_MS / 1000} s)`);
    const stream = (await docker.pull(ref, { abortSignal: abort.signal })) as NodeJS.ReadableStream;
    await followStream(docker, stream, () => undefined);
    return await imageExists(docker, ref);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Mount points at or under `dir` (debootstrap mounts /proc and /sys in its target while it runs). */
function mountsUnder(dir: string): string[] {
  try {
    return readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
      .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

/** Remove a temporary tree, but never through a mount point that is still there (it could be the host's /dev). */
async function removeWorkDir(dir: string, progress: Progress): Promise<void> {
  for (const m of mountsUnder(dir)) await runStreaming('umount', ['-l', m]).catch(() => undefined);
  const left = mountsUnder(dir);
  if (left.length > 0) {
    progress(`left ${dir} in place: ${left.join(', ')} is still mounted (unmount it, then remove the folder)`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

/** What debian:bookworm-slim leaves out too: package caches, lists, manuals, translations. */
async function trimRootfs(rootfs: string): Promise<void> {
  const empty = ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale'];
  for (const rel of empty) {
    const dir = path.join(rootfs, rel);
    if (!existsSync(dir)) continue;
    for (const entry of await readdir(dir)) {
      if (rel === 'var/cache/apt/archives' && entry === 'partial') continue;
      await rm(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}

async function importRootfs(docker: Docker, rootfs: string, ref: string): Promise<void> {
  const [repo, tag] = ref.split(':') as [string, string];
  const tarProc = spawn('tar', ['--numeric-owner', '-C', rootfs, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarErr = '';
  tarProc.stderr.on('data', (c: Buffer) => (tarErr += c.toString()));
  const tarDone = new Promise<number | null>((resolve, reject) => {
    tarProc.on('error', reject);
    tarProc.on('close', resolve);
  });
  const stream = (await docker.importImage(tarProc.stdout as Readable, { repo, tag })) as NodeJS.ReadableStream;
  await followStream(docker, stream, () => undefined);
  const code = await tarDone;
  if (code !== 0) throw new ImageBuildError(`Packing the bootstrapped Debian base failed (tar: ${tarErr.trim() || `exit ${code}`}): check free space in ${os.tmpdir()} and run npx kalab images again.`);
}

function today(): string {
  return new Date().toISOString().slice(0, 10).replace(/-/g, '');
}

/** A Debian bookworm base made with debootstrap from the host's mirror, imported as kalab/bookworm-base:<date>. */
async function bootstrapBase(docker: Docker, progress: Progress, install: boolean): Promise<string> {
  progress(`${SLIM_BASE} is not available and no registry answers: bootstrapping a Debian bookworm base with debootstrap (about 30 s)`);
  const missing = (reason: string) =>
    new ImageBuildError(
      `The lab image needs a Debian bookworm base, ${SLIM_BASE} cannot be had from a registry, and ${reason}: install debootstrap (apt-get install debootstrap, as root) or load ${SLIM_BASE} into the engine (docker load), then run npx kalab images.`,
    );
  const debootstrap = await ensureHostTool({ tool: 'debootstrap', pkg: 'debootstrap', why: 'to build the Debian base image', progress, install, missing });
  if (!isRoot()) throw missing('debootstrap has to run as root');

  const mirror = debianMirrors(readHostAptSources())?.archive ?? DEFAULT_MIRROR;
  const work = await mkdtemp(path.join(os.tmpdir(), 'kalab-base-'));
  const rootfs = path.join(work, 'rootfs');
  const started = Date.now();
  try {
    const condensed = new CondensedProgress(progress, {
      important: /^(I: (Retrieving Release|Resolving dependencies|Found additional|Checking component|Installing core|Unpacking the base|Configuring the base|Base system installed)|E: |W: Failure)/,
    }).start();
    let result;
    try {
      result = await runStreaming(debootstrap, ['--variant=minbase', 'bookworm', rootfs, mirror], { onOutput: (t) => condensed.write(t) });
    } finally {
      condensed.stop();
    }
    if (result.code !== 0) {
      const reason = result.tail.filter((l) => /^E:/.test(l)).join(' ') || result.tail.slice(-2).join(' ');
      throw new ImageBuildError(`debootstrap could not build a Debian bookworm base from ${mirror} (${reason}): check that the mirror answers (apt-get update) and run npx kalab images again.`);
    }
    await trimRootfs(rootfs);
    const ref = `${BOOTSTRAP_BASE_REPO}:${today()}`;
    progress(`importing the bootstrapped base as ${ref}`);
    await importRootfs(docker, rootfs, ref);
    progress(`base image ${ref} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return ref;
  } finally {
    await removeWorkDir(work, progress);
  }
}

/** A Debian bookworm base for the node image: found, pulled (briefly), or bootstrapped. */
export async function ensureBaseImage(docker: Docker, opts: { progress: Progress; install?: boolean }): Promise<string> {
  const found = await findBaseImage(docker);
  if (found) return found;
  if (await tryPull(docker, SLIM_BASE, opts.progress)) return SLIM_BASE;
  return bootstrapBase(docker, opts.progress, opts.install ?? false);
}

/** The build context as a tar archive: docker/node plus the host's Debian mirrors as apt sources. */
export async function contextTar(files: ContextFile[], aptSources: string | undefined): Promise<Buffer> {
  const archive: Pack = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  const entry = (name: string, mode: number, content: Buffer) =>
    archive.entry({ name, type: 'file', mode, uid: 0, gid: 0, size: content.length, mtime: FIXED_MTIME }, content);
  for (const f of files) entry(f.name, f.mode, f.content);
  if (aptSources !== undefined) entry(CONTEXT_SOURCES, 0o644, Buffer.from(aptSources, 'utf8'));
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Proxy settings reach apt-get inside the build as Docker's predefined (uncached) build args. */
function proxyBuildArgs(): Record<string, string> {
  const args: Record<string, string> = {};
  for (const name of ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
    const value = process.env[name];
    if (value) args[name] = value;
  }
  return args;
}

const BUILD_STEP = /^(Step \d+\/\d+ :|Successfully (built|tagged)|E: )/;

async function buildNodeImage(docker: Docker, tag: string, base: string, progress: Progress, nocache: boolean): Promise<void> {
  const files = await readContext(NODE_IMAGE_DIR);
  const mirrors = debianMirrors(readHostAptSources());
  const context = await contextTar(files, mirrors ? bookwormSources(mirrors) : undefined);
  const previous = await docker
    .getImage(tag)
    .inspect()
    .then((i) => i.Id)
    .catch(() => undefined);

  const condensed = new CondensedProgress(progress, { important: BUILD_STEP }).start();
  let lastStep = '';
  try {
    const stream = await docker.buildImage(Readable.from([context]), {
      t: tag,
      buildargs: { BASE: base, ...proxyBuildArgs() },
      rm: true,
      forcerm: true,
      nocache,
    });
    await followStream(docker, stream, (event) => {
      if (event.stream) {
        condensed.write(event.stream);
        const step = /Step \d+\/\d+ :.*/.exec(event.stream);
        if (step) lastStep = step[0].slice(0, 80);
      }
    });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ImageBuildError(
      `Building the lab node image failed${lastStep ? ` at "${lastStep}"` : ''} (${detail.trim().split('\n').slice(-2).join(' ')}): check that the Debian mirror answers (apt-get update on the host) and run npx kalab images again.`,
      { cause: err },
    );
  } finally {
    condensed.stop();
  }
  if (!(await imageExists(docker, tag))) throw new ImageBuildError(`The build reported success but ${tag} is not in the engine: run npx kalab images --rebuild.`);
  // A rebuild leaves the image it replaced untagged: remove it unless a container still uses it.
  const current = (await docker.getImage(tag).inspect()).Id;
  if (previous && previous !== current) await docker.getImage(previous).remove().catch(() => undefined);
}

/**
 * The node image, built if missing (or if `rebuild`). The warm path is one hash of docker/node and
 * one image inspect.
 */
export async function ensureImages(
  docker: Docker,
  opts: { progress: Progress; rebuild?: boolean; install?: boolean },
): Promise<{ tag: string; built: boolean; ms: number }> {
  const started = Date.now();
  const tag = await nodeImageTag();
  if (!opts.rebuild && (await imageExists(docker, tag))) return { tag, built: false, ms: Date.now() - started };

  opts.progress(`building the lab node image ${tag} (about a minute the first time)`);
  const base = await ensureBaseImage(docker, { progress: opts.progress, install: opts.install });
  opts.progress(`base image: ${base}`);
  await buildNodeImage(docker, tag, base, opts.progress, opts.rebuild ?? false);
  const ms = Date.now() - started;
  opts.progress(`lab node image ${tag} built in ${(ms / 1000).toFixed(1)} s`);
  return { tag, built: true, ms };
}
