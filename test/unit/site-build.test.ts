/** When `npm start` rebuilds the site: whenever anything the pages are made of is newer than the build. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { siteBuildReason } from '../../runner/server/site-build.ts';

function tree() {
  const root = mkdtempSync(path.join(tmpdir(), 'kalab-site-'));
  const file = (rel: string, at: number) => {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, rel);
    utimesSync(full, at, at);
  };
  const dirs = { site: path.join(root, 'dist'), docs: path.join(root, 'docs'), labs: path.join(root, 'labs'), shared: path.join(root, 'shared') };
  file('docs/index.md', 1_000);
  file('labs/basic-vip/lab.yaml', 1_000);
  file('labs/basic-vip/solution/lb1/etc/keepalived/keepalived.conf', 1_000);
  file('shared/events.ts', 1_000);
  const reason = () => siteBuildReason(dirs.site, dirs.docs, dirs.labs, dirs.shared);
  return { root, file, reason };
}

describe('siteBuildReason', () => {
  it('builds a site that was never built, and not one that is newer than its sources', () => {
    const t = tree();
    expect(t.reason()).toBe('the site has not been built yet');
    t.file('dist/index.html', 2_000);
    expect(t.reason()).toBeUndefined();
  });

  it('rebuilds after a file that changed while the last build ran (newer than the build began, older than its output)', () => {
    const t = tree();
    t.file('dist/index.html', 5_000);
    t.file('dist/.kalab-built-from', 5_000);
    writeFileSync(path.join(t.root, 'dist/.kalab-built-from'), String(1_000_000)); // the build began from sources at 1000 s
    expect(t.reason()).toBeUndefined();
    t.file('docs/.vitepress/theme/lab/store.ts', 2_000); // edited at 2000 s, mid-build
    expect(t.reason()).toBe('pages changed since the last build');
  });

  it.each([
    ['a page', 'docs/labs/basic-vip.md'],
    ['a Chinese page', 'docs/zh/labs/basic-vip.md'],
    ['the site config (locales, sidebars)', 'docs/.vitepress/config.ts'],
    ['a solution file a page includes', 'labs/basic-vip/solution/lb2/etc/keepalived/keepalived.conf'],
    ['a lab definition', 'labs/basic-vip/lab.yaml'],
    ["the runner's shared types the widget imports", 'shared/protocol.ts'],
  ])('rebuilds after %s changed', (_what, rel) => {
    const t = tree();
    t.file('dist/index.html', 2_000);
    t.file(rel, 3_000);
    expect(t.reason()).toBe('pages changed since the last build');
  });
});
