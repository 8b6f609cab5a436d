/**
 * The site the workbench serves is VitePress's build of docs/. It is (re)built before serving when
 * docs/.vitepress/dist is missing or older than any file it is made of (docs/, labs/, the runner's
 * shared types), so `npm start` after an edit never serves a stale page.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KalabError } from '../shared/errors.ts';
import { LABS_DIR, PROJECT_ROOT } from '../shared/paths.ts';
import type { Progress } from '../shared/progress.ts';

export const DOCS_DIR = path.join(PROJECT_ROOT, 'docs');
/** Folders under docs/ that are outputs or caches, not sources. */
const NOT_SOURCES = new Set([path.join(DOCS_DIR, '.vitepress', 'dist'), path.join(DOCS_DIR, '.vitepress', 'cache'), path.join(DOCS_DIR, 'node_modules')]);

/** Newest modification time (ms) of any file under `dir`, skipping `skip`; 0 when there is none. */
export function newestMtime(dir: string, skip: Set<string> = new Set()): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip.has(full)) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, skip));
    else if (entry.isFile()) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * What the built pages are made of besides docs/: the labs (definitions, and solution files the
 * pages include) and the runner's shared types the lab widget imports.
 */
const SHARED_SOURCES = path.join(PROJECT_ROOT, 'runner', 'shared');

/**
 * Written into the built site: the newest source time the build started from. A file edited while
 * a build runs is newer than this, though older than the build's own files.
 */
const BUILT_FROM = '.kalab-built-from';

function newestSource(docsDir: string, labsDir: string, sharedDir: string): number {
  return Math.max(newestMtime(docsDir, NOT_SOURCES), newestMtime(labsDir), newestMtime(sharedDir));
}

/** Why the site must be built, or undefined when the build is up to date. */
export function siteBuildReason(siteDir: string, docsDir = DOCS_DIR, labsDir = LABS_DIR, sharedDir = SHARED_SOURCES): string | undefined {
  const index = path.join(siteDir, 'index.html');
  if (!existsSync(index)) return 'the site has not been built yet';
  const stamp = path.join(siteDir, BUILT_FROM);
  const builtFrom = existsSync(stamp) ? Number(readFileSync(stamp, 'utf8')) || 0 : statSync(index).mtimeMs;
  return newestSource(docsDir, labsDir, sharedDir) > builtFrom ? 'pages changed since the last build' : undefined;
}

/** Build the site with VitePress if it is missing or stale; progress says so. */
export async function ensureSiteBuilt(siteDir: string, progress: Progress, docsDir = DOCS_DIR): Promise<{ built: boolean; ms: number }> {
  const reason = siteBuildReason(siteDir, docsDir);
  if (!reason) return { built: false, ms: 0 };
  if (!existsSync(path.join(docsDir, '.vitepress'))) {
    throw new KalabError(`There is no site to serve: ${docsDir}/.vitepress is missing (is this a complete kalab checkout?).`);
  }
  const bin = path.join(PROJECT_ROOT, 'node_modules', 'vitepress', 'bin', 'vitepress.js');
  if (!existsSync(bin)) throw new KalabError('VitePress is not installed: run `npm ci` first, then `npm start`.');
  const started = Date.now();
  const builtFrom = newestSource(docsDir, LABS_DIR, SHARED_SOURCES);
  progress(`building the site (${reason}): vitepress build ${path.relative(PROJECT_ROOT, docsDir) || '.'} ...`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', docsDir], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    // Keep the tail of the output for the error message; VitePress's own progress is noise here.
    let tail = '';
    const keep = (c: Buffer) => (tail = (tail + c.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const lastLines = tail.trim().split('\n').slice(-8).join('\n');
      reject(new KalabError(`The site did not build (vitepress exit ${code}); fix the page it names and run npm start again:\n${lastLines}`));
    });
  });
  writeFileSync(path.join(siteDir, BUILT_FROM), String(builtFrom));
  const ms = Date.now() - started;
  progress(`site built in ${(ms / 1000).toFixed(1)} s`);
  return { built: true, ms };
}
