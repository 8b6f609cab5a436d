import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureHostTool } from '../../runner/engine/host-packages.ts';
import { ensureEngine } from '../../runner/engine/preflight.ts';
import { EngineUnavailableError, KalabError } from '../../runner/shared/errors.ts';

// No engine is involved: DOCKER_HOST points at a socket that does not exist.
describe('ensureEngine without an engine', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kalab-noengine-'));
    saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${path.join(dir, 'docker.sock')}`;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('says in one sentence that no engine answers, and where', async () => {
    const err = await ensureEngine({ progress: () => undefined, install: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect((err as EngineUnavailableError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      `No Docker engine answers at ${path.join(dir, 'docker.sock')}: start it (systemctl start docker, or dockerd &), or run \`npx kalab setup\` as root to install and start one.`,
    );
  });

  it('never installs or starts a daemon for a socket that is not the default one', async () => {
    const progress: string[] = [];
    const err = await ensureEngine({ progress: (m) => progress.push(m), install: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(progress).toEqual([]);
  });
});

describe('ensureHostTool', () => {
  const missing = (reason: string) => new KalabError(`need it: ${reason}`);

  it('finds a tool that is there', async () => {
    expect(await ensureHostTool({ tool: 'sh', pkg: 'dash', why: 'test', progress: () => undefined, install: false, missing })).toMatch(/\/sh$/);
  });

  it('does not install when not allowed, and says what is missing', async () => {
    const progress: string[] = [];
    const err = await ensureHostTool({ tool: 'kalab-no-such-tool', pkg: 'kalab-no-such-package', why: 'test', progress: (m) => progress.push(m), install: false, missing }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('need it: kalab-no-such-tool is not installed');
    expect(progress).toEqual([]);
  });
});
