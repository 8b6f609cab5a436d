/**
 * `kalab init <lab> <dir>`: for every lab, a skeleton with the reference solution's files (same
 * nodes, paths and modes), its blocks and keywords but none of its values, the lab's addresses at
 * the head; and the refusals (unknown lab, a folder that is not empty) with exit 2 and one sentence.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { solutionSkeleton, writeSkeleton } from '../../runner/cli/commands/init.ts';
import { readSolution } from '../../runner/engine/solution.ts';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';
import { lexFile, type StmtItem } from '../../runner/keepalived/lexer.ts';
import { addressesFor } from '../../runner/lab/addresses.ts';
import { listLabIds, loadLab } from '../../runner/lab/registry.ts';
import { KalabError } from '../../runner/shared/errors.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

const labIds = listLabIds();
const tmp = () => mkdtempSync(path.join(tmpdir(), 'kalab-init-'));

/** Blocks whose lines are values (addresses, names), not keywords. */
const LIST_BLOCKS = new Set(['virtual_ipaddress', 'virtual_ipaddress_excluded', 'unicast_peer', 'track_script', 'track_interface', 'notification_email', 'group']);

/** A config's statements: whether a `{` follows (a block header), and whether they are entries of a list block. */
function statements(text: string): { words: string[]; header: boolean; entry: boolean }[] {
  const { items } = lexFile(text);
  const stack: string[] = [];
  const out: { words: string[]; header: boolean; entry: boolean }[] = [];
  items.forEach((item, i) => {
    if (item.kind === 'close') stack.pop();
    if (item.kind !== 'stmt') return;
    const words = (item as StmtItem).words.map((w) => w.text);
    const header = items[i + 1]?.kind === 'open';
    out.push({ words, header, entry: LIST_BLOCKS.has(stack[stack.length - 1] ?? '') });
    if (header) stack.push(words[0]!);
  });
  return out;
}

/** The nesting of a config's blocks: each header with its depth. */
function blockShape(text: string): string[] {
  const { items } = lexFile(text);
  const shape: string[] = [];
  let depth = 0;
  items.forEach((item, i) => {
    if (item.kind === 'open') depth++;
    else if (item.kind === 'close') depth--;
    else if (item.kind === 'stmt' && items[i + 1]?.kind === 'open') shape.push(`${depth}:${item.words.map((w) => w.text).join(' ')}`);
  });
  return shape;
}

describe.each(labIds)('kalab init %s', (labId) => {
  const { definition: lab, dir } = loadLab(labId);
  const reference = readSolution(path.join(dir, lab.solution), lab.nodes, lab.solutionNodes);
  const skeleton = solutionSkeleton(lab, dir);
  const addresses = addressesFor(lab.subnet, lab.vips);

  it("has the reference solution's files, nodes and modes, for the nodes a solution configures", () => {
    const refFiles = reference.nodes
      .filter((n) => lab.solutionNodes.includes(n.node))
      .flatMap((n) => n.files.map((f) => `${n.node}/${f.path} ${(f.mode & 0o777).toString(8)}`))
      .sort();
    expect(skeleton.map((f) => `${f.node}/${f.path} ${f.mode.toString(8)}`).sort()).toEqual(refFiles);
    expect(refFiles.length).toBeGreaterThan(0);
  });

  for (const { node, files } of reference.nodes) {
    for (const ref of files) {
      const refText = ref.content.toString('utf8');
      const file = () => skeleton.find((f) => f.node === node && f.path === ref.path)!;

      it(`${node}/${ref.path}: names the lab, its addresses and its steps`, () => {
        const text = file().content;
        expect(text).toContain(`for the lab ${lab.id}`);
        expect(text).toContain(`npx kalab check ${lab.id} --solution`);
        for (const vip of addresses.vips) expect(text).toContain(vip);
        for (const n of lab.nodes) expect(text).toContain(`${n} ${addresses.node[n]}`);
        for (const step of lab.steps) expect(text).toContain(`${step.id}: ${step.title}`);
      });

      if (/etc\/keepalived\/.*\.conf$/.test(ref.path)) {
        it(`${node}/${ref.path}: the reference's blocks and keywords, and none of its values`, () => {
          const text = file().content;
          expect(blockShape(text)).toEqual(blockShape(refText));
          const refStmts = statements(refText);
          const stmts = statements(text);
          // Outside the block headers, the skeleton's only statements are bare keywords.
          for (const s of stmts.filter((s) => !s.header)) expect(s.words, `"${s.words.join(' ')}" carries a value`).toHaveLength(1);
          // Every keyword of the reference is there, written bare or commented out (a keyword with no value).
          for (const s of refStmts.filter((s) => !s.header && !s.entry)) {
            const [keyword, ...values] = s.words;
            expect(text).toMatch(values.length ? new RegExp(`^\\s*${keyword}\\s+!`, 'm') : new RegExp(`^\\s*! ${keyword}\\s+!`, 'm'));
          }
          // The reference's values are nowhere in it (passwords, priorities, ids, commands).
          const secret = refStmts.find((s) => s.words[0] === 'auth_pass')?.words[1];
          if (secret) expect(text).not.toContain(secret);
          for (const s of refStmts.filter((s) => s.words[0] === 'priority' || s.words[0] === 'virtual_router_id')) {
            expect(text).not.toMatch(new RegExp(`${s.words[0]}\\s+${s.words[1]}\\b`));
          }
        });

        it(`${node}/${ref.path}: unfilled, it configures no VIP, so it cannot pass`, () => {
          const config = parseKeepalivedConfig(file().content);
          expect(config.warnings.length).toBeGreaterThan(0);
          for (const instance of config.instances) expect(instance.virtualIpAddresses).toEqual([]);
        });
      }

      if (/etc\/haproxy\/.*\.cfg$/.test(ref.path)) {
        it(`${node}/${ref.path}: the reference's sections and directives, and none of their arguments`, () => {
          const text = file().content;
          const code = (t: string) =>
            t
              .split('\n')
              .map((l) => l.replace(/(^|\s)#.*$/, '').trimEnd())
              .filter((l) => l.trim());
          const refLines = code(refText);
          const lines = code(text);
          expect(lines.filter((l) => !/^\s/.test(l)), 'the sections').toEqual(refLines.filter((l) => !/^\s/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).filter((w, i) => i === 0 || /^[A-Za-z_][\w-]*$/.test(w)).join(' ')));
          for (const l of lines.filter((l) => /^\s/.test(l))) expect(l.trim(), `"${l.trim()}" carries arguments`).toMatch(/^\S+$/);
          for (const l of refLines.filter((l) => /^\s/.test(l))) {
            const [keyword, ...args] = l.trim().split(/\s+/);
            expect(text).toMatch(new RegExp(`^\\s*${args.length ? '' : '# '}${keyword}\\s+#`, 'm'));
          }
        });
      }

      if (refText.startsWith('#!')) {
        it(`${node}/${ref.path}: a script keeps its interpreter and run bit, and none of its body`, () => {
          const text = file().content;
          expect(text.split('\n', 1)[0]).toBe(refText.split('\n', 1)[0]);
          expect(file().mode & 0o111).not.toBe(0);
          const body = refText
            .split('\n')
            .slice(1)
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith('#') && l.length > 8);
          for (const line of body) expect(text).not.toContain(line);
        });
      }
    }
  }
});

describe('kalab init writes a folder kalab check accepts', () => {
  it('writes every file and a README, as a valid solution layout', () => {
    const dir = path.join(tmp(), 'my-solution');
    const { written } = writeSkeleton('notify-mail', dir);
    expect(written).toContain('README.md');
    expect(written).toContain('lb1/etc/keepalived/keepalived.conf');
    expect(written).toContain('lb2/etc/keepalived/notify.sh');
    expect(statSync(path.join(dir, 'lb1/etc/keepalived/notify.sh')).mode & 0o111).not.toBe(0);
    const { definition } = loadLab('notify-mail');
    const solution = readSolution(dir, definition.nodes, definition.solutionNodes);
    expect(solution.nodes.map((n) => n.node)).toEqual(['lb1', 'lb2']);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('npx kalab check notify-mail --solution .');
  });

  it('refuses a folder that is not empty, unless --force; then overwrites only its own files', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    let error: unknown;
    try {
      writeSkeleton('basic-vip', dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KalabError);
    expect((error as KalabError).exitCode).toBe(2);
    expect((error as KalabError).message).toMatch(/is not empty: .*--force/);

    writeSkeleton('basic-vip', dir, { force: true });
    const conf = path.join(dir, 'lb1/etc/keepalived/keepalived.conf');
    writeFileSync(conf, 'edited');
    chmodSync(conf, 0o600);
    writeSkeleton('basic-vip', dir, { force: true });
    expect(readFileSync(conf, 'utf8')).toContain('vrrp_instance');
    expect(statSync(conf).mode & 0o777).toBe(0o644);
    expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses an unknown lab', () => {
    expect(() => writeSkeleton('no-such-lab', path.join(tmp(), 'x'))).toThrow(/Unknown lab "no-such-lab": choose one of .*basic-vip/);
  });

  it('exits 2 with one sentence from the command line', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'x'), '');
    for (const args of [['init', 'no-such-lab', path.join(dir, 'new')], ['init', 'basic-vip', dir]]) {
      const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), ...args], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);
});
