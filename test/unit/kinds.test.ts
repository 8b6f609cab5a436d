/**
 * The registry of action and expectation kinds, the diagnosis catalogue gathered from it, and the
 * guide page that describes both: the page's tables list exactly the registered kinds, with each
 * module's own description and an example that lab.yaml's schema accepts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { diagnosisCodes, isDiagnosisCode, renderDiagnosis } from '../../runner/grade/catalogue.ts';
import { diagnosisData } from '../../runner/grade/diagnosis.ts';
import { splitBrain } from '../../runner/grade/diagnose.ts';
import { ACTIONS, actionOf, actionSchema, EXPECTATIONS, expectationOf, expectationSchema, isRunnerAction } from '../../runner/kinds/registry.ts';
import { loadAllLabs } from '../../runner/lab/registry.ts';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

const GUIDE = readFileSync(path.join(PROJECT_ROOT, 'docs/guide/how-labs-work.md'), 'utf8');

/** The rows of the guide's table whose header starts with `| <first> | in lab.yaml |`: kind, example, description. */
function tableRows(first: string, guide = GUIDE, header = `| ${first} | in lab.yaml |`): { kind: string; example: string; description: string }[] {
  const start = guide.indexOf(header);
  expect(start, `the guide has a table of ${first}s`).toBeGreaterThan(-1);
  const lines = guide.slice(start).split('\n');
  const rows = lines.slice(2, lines.findIndex((l, i) => i > 0 && !l.startsWith('|')));
  return rows.map((row) => {
    const m = /^\| `([a-z-]+)` \| `([^`]+)` \| (.+) \|$/.exec(row);
    expect(m, `a row of kind, example and description: ${row}`).not.toBeNull();
    return { kind: m![1]!, example: m![2]!, description: m![3]! };
  });
}

describe('the registry', () => {
  it('holds each kind under its own name', () => {
    expect(Object.entries(ACTIONS).map(([key, kind]) => [key, kind.kind])).toEqual(Object.keys(ACTIONS).map((k) => [k, k]));
    expect(Object.entries(EXPECTATIONS).map(([key, kind]) => [key, kind.kind])).toEqual(Object.keys(EXPECTATIONS).map((k) => [k, k]));
    expect(Object.keys(ACTIONS)).toEqual(['start-keepalived', 'run', 'freeze', 'unfreeze', 'observe', 'stop-keepalived', 'stop-nginx', 'drop-vrrp', 'heal-vrrp', 'disconnect', 'reconnect', 'sequence']);
    expect(Object.keys(EXPECTATIONS)).toEqual(['vip-on', 'served-by', 'vip-stays', 'unicast-only', 'mail-announces', 'advertises', 'split-brain', 'vip-stays-then-moves', 'failover-within', 'strict-mode', 'pingable']);
  });

  it('offers the faults as runner buttons, each labelled by its kind for the node it acts on', () => {
    const runner = Object.values(ACTIONS).filter((a) => isRunnerAction(a.kind));
    expect(runner.map((a) => a.kind)).toEqual(['freeze', 'unfreeze', 'stop-keepalived', 'stop-nginx', 'drop-vrrp', 'heal-vrrp', 'disconnect', 'reconnect']);
    expect(actionOf({ freeze: 'lb1' }).button).toBe('❄ Freeze lb1');
    expect(actionOf({ unfreeze: 'lb1' }).button).toBe('▶ Unfreeze lb1');
    expect(actionOf({ 'stop-keepalived': 'lb2' }).button).toBe('■ Stop keepalived on lb2');
    expect(actionOf({ 'stop-nginx': 'lb1' }).button).toBe('■ Stop nginx on lb1');
    expect(actionOf({ 'drop-vrrp': { to: 'lb2' } }).button).toBe('✂ Cut the heartbeat to lb2');
    expect(actionOf({ 'drop-vrrp': { to: 'lb2', from: 'lb1' } })).toMatchObject({ button: "✂ Cut lb1's heartbeat to lb2", nodes: ['lb2', 'lb1'] });
    expect(actionOf({ 'heal-vrrp': 'lb2' }).button).toBe('✚ Heal the heartbeat to lb2');
    expect(actionOf({ disconnect: 'lb1' }).button).toBe('⏏ Disconnect lb1');
    expect(actionOf({ reconnect: 'lb1' }).button).toBe('⇄ Reconnect lb1');
    // A learner's action has no button: the page shows its commands instead.
    expect(actionOf({ run: { node: 'lb1', command: 'true' } }).button).toBeUndefined();
  });

  it('binds an action to its module, its effect and the nodes it names', () => {
    expect(actionOf({ 'start-keepalived': ['lb1', 'lb2'] })).toMatchObject({ kind: 'start-keepalived', effect: 'changes-lab', nodes: ['lb1', 'lb2'] });
    expect(actionOf({ run: { node: 'web1', command: 'true' } })).toMatchObject({ kind: 'run', effect: 'changes-lab', nodes: ['web1'] });
    expect(actionOf({ freeze: 'lb1' })).toMatchObject({ kind: 'freeze', effect: 'changes-lab', nodes: ['lb1'] });
    expect(actionOf({ observe: true })).toMatchObject({ kind: 'observe', effect: 'observes', nodes: [] });
  });

  it('binds an expectation to its check and the nodes it names', () => {
    expect(expectationOf({ 'vip-stays': { node: 'lb2', intervals: 2 } })).toMatchObject({ kind: 'vip-stays', nodes: ['lb2'] });
    expect(expectationOf({ 'vip-stays': { node: 'lb2', intervals: 2 } }).check.label).toBe('VIP stays on lb2 for 2 Master_Down_Intervals');
    expect(expectationOf({ 'mail-announces': { from: 'lb1', state: 'master', withinMs: 15_000 } })).toMatchObject({ kind: 'mail-announces', nodes: ['lb1'] });
    expect(expectationOf({ 'unicast-only': { watchMs: 3000 } }).nodes).toEqual([]);
  });

  it('binds the VIP an expectation names (a host number), none meaning the lab\'s first', () => {
    expect(expectationOf({ 'vip-on': 'lb1' })).toMatchObject({ nodes: ['lb1'], vips: [] });
    expect(expectationOf({ 'vip-on': 'lb1' }).check.label).toBe('VIP on lb1 only');
    const second = expectationOf({ 'vip-on': { node: 'lb2', vip: 101 } });
    expect(second).toMatchObject({ nodes: ['lb2'], vips: [101] });
    expect(second.check.label).toBe('VIP .101 on lb2 only');
    expect(expectationOf({ 'served-by': { node: 'lb2', vip: 101 } }).check.label).toBe('client served by lb2 at the VIP .101');
    expect(expectationOf({ 'vip-stays': { node: 'lb2', intervals: 2, vip: 101 } })).toMatchObject({ nodes: ['lb2'], vips: [101] });
    expect(expectationOf({ advertises: { node: 'lb1', below: 'lb2' } })).toMatchObject({ nodes: ['lb1', 'lb2'], vips: [] });
    expect(expectationOf({ 'vip-stays-then-moves': { from: 'lb2', to: 'lb1', minDelayS: 10 } }).nodes).toEqual(['lb2', 'lb1']);
    expect(expectationSchema().safeParse({ advertises: { node: 'lb1', below: 'lb2', priority: 70 } }).success).toBe(false);
    expect(expectationSchema().safeParse({ advertises: { node: 'lb1' } }).success).toBe(false);
  });
});

describe('docs/guide/how-labs-work.md', () => {
  it('describes every action kind, in the words of its module, with an example lab.yaml accepts', () => {
    const rows = tableRows('action');
    expect(rows.map((r) => r.kind)).toEqual(Object.keys(ACTIONS));
    for (const row of rows) {
      expect(row.description, row.kind).toBe(ACTIONS[row.kind as keyof typeof ACTIONS].description);
      const { do: action } = parseYaml(row.example) as { do: unknown };
      expect(actionSchema().safeParse(action).success, row.example).toBe(true);
      expect(Object.keys(action as object), row.example).toEqual([row.kind]);
    }
  });

  it('describes every expectation kind, in the words of its module, with an example lab.yaml accepts', () => {
    const rows = tableRows('expectation');
    expect(rows.map((r) => r.kind)).toEqual(Object.keys(EXPECTATIONS));
    for (const row of rows) {
      expect(row.description, row.kind).toBe(EXPECTATIONS[row.kind as keyof typeof EXPECTATIONS].description);
      const [expectation] = parseYaml(row.example) as unknown[];
      expect(expectationSchema().safeParse(expectation).success, row.example).toBe(true);
      expect(Object.keys(expectation as object), row.example).toEqual([row.kind]);
    }
  });

  it('has a Chinese twin whose tables name every kind, in the same order, with examples lab.yaml accepts', () => {
    const zh = readFileSync(path.join(PROJECT_ROOT, 'docs/zh/guide/how-labs-work.md'), 'utf8');
    const actions = tableRows('action', zh, '| 动作 | lab.yaml 中的写法 |');
    const expectations = tableRows('expectation', zh, '| 预期 | lab.yaml 中的写法 |');
    expect(actions.map((r) => r.kind)).toEqual(Object.keys(ACTIONS));
    expect(expectations.map((r) => r.kind)).toEqual(Object.keys(EXPECTATIONS));
    for (const row of actions) expect(actionSchema().safeParse((parseYaml(row.example) as { do: unknown }).do).success, row.example).toBe(true);
    for (const row of expectations) expect(expectationSchema().safeParse((parseYaml(row.example) as unknown[])[0]).success, row.example).toBe(true);
    // Written for Chinese readers: every description is Chinese, none the English module text.
    for (const row of [...actions, ...expectations]) expect(row.description, row.kind).toMatch(/[\u4e00-\u9fff]/);
  });

  it('names only diagnosis codes that exist', () => {
    const section = GUIDE.slice(GUIDE.indexOf('## What the diagnoses mean'));
    const named = [...section.matchAll(/`([a-z]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((code) => !isDiagnosisCode(code))).toEqual([]);
  });
});

describe('the diagnosis catalogue', () => {
  it('gathers the codes of every kind and of withheld verdicts, kebab-case and each once', () => {
    const codes = diagnosisCodes();
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(c))).toBe(true);
    for (const code of ['vip-split-brain', 'cause-vrid-differs', 'vip-held-by-other', 'cause-priority-higher', 'keepalived-not-running', 'served-timeout', 'strict-drops-http', 'notify-not-executable', 'observation-lost']) {
      expect(codes, code).toContain(code);
    }
  });

  it("knows every code the labs' broken solutions name", () => {
    const named = loadAllLabs().flatMap(({ definition }) => definition.broken.map((b) => b.diagnosis));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((code) => !isDiagnosisCode(code))).toEqual([]);
  });

  it('renders a diagnosis again from its data alone, causes included', () => {
    const conf = (node: string, vrid: number) =>
      parseKeepalivedConfig(`vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${vrid}\n    priority 100\n    virtual_ipaddress {\n        10.88.1.100/24\n    }\n}\n# ${node}\n`);
    const d = splitBrain(
      ['lb1', 'lb2'],
      [
        { node: 'lb1', run: 'running', keepalivedRunning: true, config: conf('lb1', 51) },
        { node: 'lb2', run: 'running', keepalivedRunning: true, config: conf('lb2', 52) },
      ],
      '10.88.1.100',
      (node) => `10.88.1.${node === 'lb1' ? 11 : 12}`,
    );
    // What the JSON report carries, through JSON and back.
    const data = JSON.parse(JSON.stringify(diagnosisData(d)));
    expect(data).not.toHaveProperty('text');
    expect(renderDiagnosis(data)).toBe(d.text);
    expect(() => renderDiagnosis({ code: 'no-such-code', params: {} })).toThrow('"no-such-code" is not a diagnosis code.');
  });
});
