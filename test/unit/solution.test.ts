import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { readSolution, tarForNode } from '../../runner/engine/solution.ts';
import { SolutionError } from '../../runner/shared/errors.ts';

const NODES = ['lb1', 'lb2', 'web1', 'web2', 'client'] as const;

function solutionDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kalab-sol-'));
  mkdirSync(path.join(dir, 'lb1/etc/keepalived'), { recursive: true });
  writeFileSync(path.join(dir, 'lb1/etc/keepalived/keepalived.conf'), 'vrrp_instance VI_1 {}\n');
  writeFileSync(path.join(dir, 'lb1/etc/keepalived/notify.sh'), '#!/bin/sh\n');
  chmodSync(path.join(dir, 'lb1/etc/keepalived/notify.sh'), 0o755);
  return dir;
}

describe('readSolution', () => {
  it('reads each node folder with file modes kept', () => {
    const dir = solutionDir();
    writeFileSync(path.join(dir, 'README.md'), 'notes beside the node folders are ignored');
    const solution = readSolution(dir, NODES);
    expect(solution.nodes.map((n) => n.node)).toEqual(['lb1']);
    const files = Object.fromEntries(solution.nodes[0]!.files.map((f) => [f.path, f.mode]));
    expect(Object.keys(files).sort()).toEqual(['etc/keepalived/keepalived.conf', 'etc/keepalived/notify.sh']);
    expect(files['etc/keepalived/notify.sh']).toBe(0o755);
    expect(solution.nodes[0]!.files.find((f) => f.path.endsWith('.conf'))!.content.toString()).toContain('VI_1');
  });

  it('refuses a folder that is not a node of the lab', () => {
    const dir = solutionDir();
    mkdirSync(path.join(dir, 'lb3'));
    expect(() => readSolution(dir, NODES)).toThrowError(/has a folder "lb3", which is not a node of this lab: use lb1, lb2/);
  });

  it('refuses a node that exists but is not in this lab', () => {
    const dir = solutionDir();
    mkdirSync(path.join(dir, 'mail'));
    expect(() => readSolution(dir, NODES)).toThrowError(SolutionError);
  });

  it('refuses a folder for a node the lab does not let a solution configure (the client above all)', () => {
    const dir = solutionDir();
    mkdirSync(path.join(dir, 'client/usr/local/bin'), { recursive: true });
    writeFileSync(path.join(dir, 'client/usr/local/bin/curl'), '#!/bin/sh\necho kalab-node: lb1\n');
    expect(() => readSolution(dir, NODES)).toThrowError(/has a folder "client", but a solution of this lab configures only lb1, lb2: remove client\//);
    // A lab may open more nodes to solutions.
    expect(readSolution(dir, NODES, ['lb1', 'lb2', 'client']).nodes.map((n) => n.node)).toEqual(['client', 'lb1']);
  });

  it("refuses files that would replace the image's programs or shadow what the runner's actions run", () => {
    const cases: [string, RegExp][] = [
      ['lb1/usr/sbin/keepalived', /lb1\/usr\/sbin\/keepalived may not be written: it is in \/usr\/sbin, where the node image keeps its programs/],
      ['lb2/usr/bin/curl', /is in \/usr\/bin/],
      ['lb1/usr/local/bin/systemctl', /would shadow systemctl, which the runner's own actions run/],
      ['lb1/usr/local/sbin/keepalived', /would shadow keepalived/],
      ['lb1/usr/local/sbin/sh', /would shadow sh/],
      ['lb1/etc/ld.so.preload', /changes how every program on the node is loaded/],
      ['lb1/lib/x86_64-linux-gnu/libc.so.6', /is in \/lib,/],
    ];
    for (const [file, message] of cases) {
      const dir = solutionDir();
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), '#!/bin/sh\n');
      expect(() => readSolution(dir, NODES), file).toThrowError(message);
    }
  });

  it('lets a solution add its own programs under /usr/local/bin, even ones named like system tools', () => {
    const dir = solutionDir();
    mkdirSync(path.join(dir, 'lb1/usr/local/bin'), { recursive: true });
    for (const tool of ['ip', 'curl', 'tcpdump', 'tail', 'pidof', 'check_nginx.sh']) writeFileSync(path.join(dir, 'lb1/usr/local/bin', tool), '#!/bin/sh\n');
    const files = readSolution(dir, NODES).nodes[0]!.files.map((f) => f.path);
    expect(files).toContain('usr/local/bin/ip');
    expect(files).toContain('usr/local/bin/check_nginx.sh');
  });

  it('refuses symlinks, including ones that escape with ../', () => {
    const dir = solutionDir();
    symlinkSync('../../../../etc/passwd', path.join(dir, 'lb1/etc/keepalived/escape'));
    expect(() => readSolution(dir, NODES)).toThrowError(/lb1\/etc\/keepalived\/escape is a symlink/);
  });

  it('refuses special files', () => {
    const dir = solutionDir();
    execFileSync('mkfifo', [path.join(dir, 'lb1/etc/fifo')]);
    expect(() => readSolution(dir, NODES)).toThrowError(/special file/);
  });

  it('says what to pass when the directory is missing or a file', () => {
    expect(() => readSolution('/nonexistent/solution', NODES)).toThrowError(/does not exist: pass --solution <dir>/);
    const dir = solutionDir();
    expect(() => readSolution(path.join(dir, 'lb1/etc/keepalived/keepalived.conf'), NODES)).toThrowError(/is a file, not a directory/);
  });
});

describe('tarForNode', () => {
  it('packs files owned by root with their modes, and no folder entries', async () => {
    const [entry] = readSolution(solutionDir(), NODES).nodes;
    const tar = await tarForNode(entry!);
    const seen: { name: string; mode: number; uid: number; type: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const x = extract();
      x.on('entry', (h, stream, next) => {
        seen.push({ name: h.name, mode: h.mode!, uid: h.uid!, type: h.type! });
        stream.on('end', next);
        stream.resume();
      });
      x.on('finish', resolve);
      x.on('error', reject);
      x.end(tar);
    });
    expect(seen.map((s) => s.type)).toEqual(['file', 'file']);
    expect(seen.find((s) => s.name === 'etc/keepalived/notify.sh')).toMatchObject({ mode: 0o755, uid: 0 });
  });
});
