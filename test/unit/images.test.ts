import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CondensedProgress } from '../../runner/engine/condensed-progress.ts';
import { engineProblem, engineSocket } from '../../runner/engine/docker.ts';
import {
  BASE_IDENTITY,
  NODE_IMAGE_DIR,
  bookwormSources,
  contextTar,
  debianMirrors,
  nodeImageTag,
  parseDeb822Sources,
  parseOneLineSources,
  readContext,
  readHostAptSources,
} from '../../runner/engine/images.ts';

describe('nodeImageTag', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kalab-tag-'));
    cpSync(NODE_IMAGE_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is kalab/node:<12 hex> and stable for the same contents', async () => {
    const a = await nodeImageTag({ dir });
    const b = await nodeImageTag({ dir });
    expect(a).toMatch(/^kalab\/node:[0-9a-f]{12}$/);
    expect(b).toBe(a);
    // The real docker/node gives the same tag as an exact copy of it.
    expect(await nodeImageTag()).toBe(a);
  });

  it('changes when a file changes, is added, or loses its run bit', async () => {
    const before = await nodeImageTag({ dir });
    const init = path.join(dir, 'rootfs/usr/local/sbin/kalab-init');

    writeFileSync(init, '#!/bin/bash\necho changed\n');
    const edited = await nodeImageTag({ dir });
    expect(edited).not.toBe(before);

    chmodSync(init, 0o644);
    const notExecutable = await nodeImageTag({ dir });
    expect(notExecutable).not.toBe(edited);

    mkdirSync(path.join(dir, 'rootfs/etc/extra'), { recursive: true });
    writeFileSync(path.join(dir, 'rootfs/etc/extra/file'), 'x');
    expect(await nodeImageTag({ dir })).not.toBe(notExecutable);
  });

  it('depends on the base, and not on README.md or a generated apt-sources file left in the folder', async () => {
    const tag = await nodeImageTag({ dir });
    expect(await nodeImageTag({ dir, base: 'debian:trixie' })).not.toBe(tag);
    expect(await nodeImageTag({ dir, base: BASE_IDENTITY })).toBe(tag);
    writeFileSync(path.join(dir, 'apt-sources/kalab.sources'), 'Types: deb\n');
    writeFileSync(path.join(dir, 'README.md'), 'edited docs\n');
    expect(await nodeImageTag({ dir })).toBe(tag);
  });
});

describe('build context', () => {
  it('holds docker/node with run bits, plus the generated apt sources', async () => {
    const files = await readContext(NODE_IMAGE_DIR);
    const names = files.map((f) => f.name);
    expect(names).toContain('Dockerfile');
    expect(names).toEqual([...names].sort());
    expect(files.find((f) => f.name === 'rootfs/usr/local/bin/systemctl')?.mode).toBe(0o755);
    expect(files.find((f) => f.name === 'Dockerfile')?.mode).toBe(0o644);

    const archive = await contextTar(files, 'Types: deb\n');
    const entries = new Map<string, { mode: number; body: string }>();
    const ex = extract();
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.set(header.name, { mode: header.mode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        next();
      });
    });
    await new Promise<void>((resolve, reject) => {
      ex.on('finish', resolve);
      ex.on('error', reject);
      ex.end(archive);
    });
    expect(entries.get('apt-sources/kalab.sources')?.body).toBe('Types: deb\n');
    expect(entries.get('rootfs/usr/local/sbin/kalab-init')?.mode).toBe(0o755);
    expect(entries.size).toBe(files.length + 1);
  });
});

describe('apt sources', () => {
  const deb822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
`;

  it('parses deb822 stanzas, comments and continuation lines included', () => {
    const sources = parseDeb822Sources(`${deb822}\nTypes: deb\nURIs: http://example.org/a\n  http://example.org/b\nSuites: stable\nEnabled: yes\n`);
    expect(sources).toHaveLength(4);
    expect(sources[0]).toMatchObject({ types: ['deb'], uris: ['http://deb.debian.org/debian/'], suites: ['bookworm', 'bookworm-updates'], components: ['main'] });
    expect(sources[0]!.options['signed-by']).toBe('/usr/share/keyrings/debian-archive-keyring.gpg');
    expect(sources[3]!.uris).toEqual(['http://example.org/a', 'http://example.org/b']);
    expect(parseDeb822Sources('Types: deb\nURIs: http://x/debian\nSuites: bookworm\nEnabled: no\n')).toEqual([]);
  });

  it('finds the Debian archive and security mirrors in deb822 sources, skipping third parties', () => {
    expect(debianMirrors(parseDeb822Sources(deb822))).toEqual({
      archive: 'http://deb.debian.org/debian',
      security: 'http://deb.debian.org/debian-security',
    });
  });

  it('parses one-line sources.list, options included', () => {
    const list = `# a comment
deb [check-valid-until=no signed-by=/k.gpg] http://snapshot.debian.org/archive/debian/20250520T000000Z bookworm main contrib
deb-src http://ftp.fr.debian.org/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main # trailing comment
deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main
`;
    const sources = parseOneLineSources(list);
    expect(sources).toHaveLength(4);
    expect(sources[0]).toMatchObject({ types: ['deb'], suites: ['bookworm'], components: ['main', 'contrib'], options: { 'check-valid-until': 'no', 'signed-by': '/k.gpg' } });
    expect(debianMirrors(sources)).toEqual({
      archive: 'http://snapshot.debian.org/archive/debian/20250520T000000Z',
      security: 'http://security.debian.org/debian-security',
      noValidUntilCheck: true,
    });
  });

  it('knows the old security suite name and finds no Debian mirror on an Ubuntu host', () => {
    const buster = parseOneLineSources('deb http://mirror.example/debian buster main\ndeb http://mirror.example/security buster/updates main\n');
    expect(debianMirrors(buster)).toEqual({ archive: 'http://mirror.example/debian', security: 'http://mirror.example/security' });
    expect(debianMirrors(parseOneLineSources('deb http://archive.ubuntu.com/ubuntu jammy main\n'))).toBeUndefined();
  });

  it('writes bookworm sources from the host mirrors whatever release the host runs', () => {
    const text = bookwormSources({ archive: 'http://m/debian', security: 'http://m/debian-security', noValidUntilCheck: true });
    const parsed = parseDeb822Sources(text);
    expect(parsed.map((s) => [s.uris[0], s.suites])).toEqual([
      ['http://m/debian', ['bookworm', 'bookworm-updates']],
      ['http://m/debian-security', ['bookworm-security']],
    ]);
    expect(parsed.every((s) => s.options['check-valid-until'] === 'no')).toBe(true);
    expect(parseDeb822Sources(bookwormSources({ archive: 'http://m/debian' }))).toHaveLength(1);
  });

  it('reads sources.list and sources.list.d (.list and .sources, nothing else) under a root', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'kalab-apt-'));
    try {
      mkdirSync(path.join(root, 'etc/apt/sources.list.d'), { recursive: true });
      writeFileSync(path.join(root, 'etc/apt/sources.list'), 'deb http://one/debian bookworm main\n');
      writeFileSync(path.join(root, 'etc/apt/sources.list.d/debian.sources'), deb822);
      writeFileSync(path.join(root, 'etc/apt/sources.list.d/extra.list'), 'deb http://two/debian trixie main\n');
      writeFileSync(path.join(root, 'etc/apt/sources.list.d/old.list.disabled'), 'deb http://three/debian bookworm main\n');
      const uris = readHostAptSources(root).flatMap((s) => s.uris);
      expect(uris).toEqual(['http://one/debian', 'http://deb.debian.org/debian/', 'http://deb.debian.org/debian-security', 'https://deb.nodesource.com/node_20.x', 'http://two/debian']);
      expect(readHostAptSources(path.join(root, 'nowhere'))).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('CondensedProgress', () => {
  function harness() {
    let now = 0;
    const shown: string[] = [];
    const c = new CondensedProgress((m) => shown.push(m), { important: /^Step /, everyMs: 3000, maxLength: 40, now: () => now });
    return { c, shown, advance: (ms: number) => (now += ms) };
  }

  it('shows phase lines at once and samples the rest', () => {
    const { c, shown, advance } = harness();
    c.write('Step 1/3 : FROM base\nGet:1 a\nGet:2 b\n');
    expect(shown).toEqual(['Step 1/3 : FROM base']);
    advance(1000);
    c.tick();
    expect(shown).toHaveLength(1);
    advance(2000);
    c.tick();
    expect(shown).toEqual(['Step 1/3 : FROM base', '  … Get:2 b']);
  });

  it('says it is still working when nothing new came, and cuts long lines', () => {
    const { c, shown, advance } = harness();
    advance(3000);
    c.tick();
    expect(shown).toEqual(['  … still working (3 s)']);
    c.write(`Step 2/3 : RUN ${'x'.repeat(100)}`);
    expect(shown[1]).toHaveLength(40);
    expect(shown[1]!.endsWith('…')).toBe(true);
  });
});

describe('engine messages', () => {
  it('reads DOCKER_HOST as a unix socket, or leaves a remote host to docker-modem', () => {
    expect(engineSocket({})).toBe('/var/run/docker.sock');
    expect(engineSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock');
    expect(engineSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toBeUndefined();
  });

  it('turns socket errors into one sentence saying what to do', () => {
    expect(engineProblem({ code: 'ENOENT' }, '/var/run/docker.sock')).toMatch(/^No Docker engine answers at \/var\/run\/docker.sock: start it .*kalab setup/);
    expect(engineProblem({ code: 'EACCES' }, '/s')).toMatch(/Permission denied on \/s: .*docker group/);
    expect(engineProblem({ code: 'ETIMEDOUT' }, '/s')).toMatch(/did not answer within 5 s/);
    expect(engineProblem(new Error('boom'), '/s')).toMatch(/\(boom\)/);
  });
});
