import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labSchema } from '../../runner/lab/definition.ts';
import { listLabIds, loadAllLabs, loadLab } from '../../runner/lab/registry.ts';
import { addressesFor, nodeAt } from '../../runner/lab/addresses.ts';
import { readSolution } from '../../runner/engine/solution.ts';
import { LabDefinitionError } from '../../runner/shared/errors.ts';

const minimal = {
  id: 'demo',
  title: 'Demo',
  summary: 'A demo lab.',
  subnet: '10.88.9.0/24',
  nodes: ['lb1', 'lb2', 'client'],
  steps: [{ id: 'start', title: 'Start', do: { 'start-keepalived': ['lb1', 'lb2'] }, expect: [{ 'vip-on': 'lb1' }] }],
};

function labsDirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kalab-labs-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('lab definitions', () => {
  it('accepts a minimal lab and fills defaults', () => {
    const lab = labSchema.parse(minimal);
    expect(lab.solution).toBe('solution');
    expect(lab.broken).toEqual([]);
    expect(lab.variants).toEqual([]);
    expect(lab.steps[0]!.commands).toEqual([]);
  });

  it('fills expectation defaults (vip-stays holds 3 intervals, unicast watches 3 s, mail within 15 s)', () => {
    const lab = labSchema.parse({
      ...minimal,
      nodes: ['lb1', 'lb2', 'mail', 'client'],
      steps: [
        { id: 'a', title: 'A', do: { observe: true }, expect: [{ 'vip-stays': { node: 'lb2' } }, { 'unicast-only': {} }, { 'mail-announces': { from: 'lb1', state: 'master' } }] },
      ],
    });
    expect(lab.steps[0]!.expect).toEqual([
      { 'vip-stays': { node: 'lb2', intervals: 3 } },
      { 'unicast-only': { watchMs: 3000 } },
      { 'mail-announces': { from: 'lb1', state: 'master', withinMs: 15000 } },
    ]);
  });

  it.each([
    ['an unknown action', { ...minimal, steps: [{ ...minimal.steps[0], do: { reboot: 'lb1' } }] }],
    ['an unknown node', { ...minimal, nodes: ['lb1', 'lb3'] }],
    ['a step naming a node the lab lacks', { ...minimal, steps: [{ ...minimal.steps[0], expect: [{ 'vip-on': 'web1' }] }] }],
    ['a duplicate step id', { ...minimal, steps: [minimal.steps[0], minimal.steps[0]] }],
    ['a subnet that is not a /24', { ...minimal, subnet: '10.88.0.0/16' }],
    ['a broken solution failing at an unknown step', { ...minimal, broken: [{ dir: 'broken/x', mistake: 'x', failsAt: 'nope', diagnosis: 'vip-split-brain' }] }],
    ['a broken solution naming no diagnosis code', { ...minimal, broken: [{ dir: 'broken/x', mistake: 'x', failsAt: 'start', diagnosis: 'split brain.*virtual_router_id' }] }],
    ['an action naming a node the lab lacks', { ...minimal, steps: [{ ...minimal.steps[0], do: { freeze: 'web1' } }] }],
    ['an action without its params', { ...minimal, steps: [{ ...minimal.steps[0], do: { run: { node: 'lb1' } } }] }],
    ['an unknown expectation', { ...minimal, steps: [{ ...minimal.steps[0], expect: [{ 'vip-gone': 'lb1' }] }] }],
    ['a mail expected from a node the lab lacks', { ...minimal, steps: [{ ...minimal.steps[0], expect: [{ 'mail-announces': { from: 'web2', state: 'MASTER' } }] }] }],
    ['an action with two keys', { ...minimal, steps: [{ ...minimal.steps[0], do: { freeze: 'lb1', unfreeze: 'lb1' } }] }],
  ])('rejects %s', (_what, raw) => {
    expect(labSchema.safeParse(raw).success).toBe(false);
  });

  it('takes a broken solution that names a diagnosis code, and says which code is unknown', () => {
    const broken = (diagnosis: string) => ({ ...minimal, broken: [{ dir: 'broken/vrid', mistake: 'x', failsAt: 'start', diagnosis }] });
    expect(labSchema.parse(broken('cause-vrid-differs')).broken[0]!.diagnosis).toBe('cause-vrid-differs');
    const refused = labSchema.safeParse(broken('vrid differs'));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => i.message)).toEqual([
      'broken solution broken/vrid names the diagnosis "vrid differs", which is not a diagnosis code (see runner/grade/catalogue.ts)',
    ]);
  });

  it('keeps lab.yaml\'s syntax: one key per action or expectation, the kind, holding its params', () => {
    const lab = labSchema.parse({
      ...minimal,
      steps: [
        { id: 'a', title: 'A', do: { freeze: 'lb1' }, expect: [{ 'vip-on': 'lb2' }, { 'served-by': 'lb2' }] },
        { id: 'b', title: 'B', do: { run: { node: 'lb1', command: 'systemctl stop keepalived' } }, expect: [{ 'vip-on': 'lb2' }] },
      ],
    });
    expect(lab.steps.map((s) => s.do)).toEqual([{ freeze: 'lb1' }, { run: { node: 'lb1', command: 'systemctl stop keepalived' } }]);
    expect(lab.steps[0]!.expect).toEqual([{ 'vip-on': 'lb2' }, { 'served-by': 'lb2' }]);
  });

  it('loads labs from folders and refuses unknown names with the list of labs', () => {
    const dir = labsDirWith({ 'demo/lab.yaml': JSON.stringify(minimal), 'notalab/readme.txt': 'x' });
    expect(listLabIds(dir)).toEqual(['demo']);
    expect(loadLab('demo', dir).definition.id).toBe('demo');
    expect(() => loadLab('nope', dir)).toThrowError(/Unknown lab "nope": choose one of demo/);
    expect(() => loadLab('../etc', dir)).toThrowError(LabDefinitionError);
  });

  it('names the file and the place of a validation error', () => {
    const dir = labsDirWith({ 'demo/lab.yaml': JSON.stringify({ ...minimal, subnet: 'x' }) });
    expect(() => loadLab('demo', dir)).toThrowError(/lab\.yaml does not describe a lab at subnet: subnet must be a \/24/);
  });

  it('refuses a lab whose id and folder differ', () => {
    const dir = labsDirWith({ 'other/lab.yaml': JSON.stringify(minimal) });
    expect(() => loadLab('other', dir)).toThrowError(/make them the same/);
  });

  it('every lab in the repository validates, with unique subnets', () => {
    const labs = loadAllLabs();
    expect(labs.length).toBeGreaterThan(0);
    const subnets = labs.map((l) => l.definition.subnet);
    expect(new Set(subnets).size).toBe(subnets.length);
  });

  it("every lab's reference, variant and broken solutions are readable solution directories for its nodes", () => {
    for (const { definition: lab, dir } of loadAllLabs()) {
      const dirs = [lab.solution, ...lab.variants.map((v) => v.dir), ...lab.broken.map((b) => b.dir)];
      for (const rel of dirs) {
        const solution = readSolution(path.join(dir, rel), lab.nodes);
        expect(solution.nodes.length, `${lab.id}/${rel}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('addresses', () => {
  it('puts the cast at the contract host numbers', () => {
    const a = addressesFor('10.88.1.0/24');
    expect(a).toMatchObject({ gateway: '10.88.1.1', vip: '10.88.1.100' });
    expect(a.node).toEqual({ lb1: '10.88.1.11', lb2: '10.88.1.12', web1: '10.88.1.21', web2: '10.88.1.22', mail: '10.88.1.25', client: '10.88.1.30' });
    expect(nodeAt(a, '10.88.1.12')).toBe('lb2');
    expect(nodeAt(a, '224.0.0.18')).toBeUndefined();
  });
});
