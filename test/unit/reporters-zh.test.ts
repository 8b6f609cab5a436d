/**
 * `kalab check --lang zh` (or LANG=zh_CN.UTF-8): the pretty reporter's step lines, diagnoses and
 * summary in Chinese, the step titles from lab.yaml's title_zh; the JSON and JUnit reports keep the
 * codes and the English text.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCheck } from '../../runner/cli/commands/check.ts';
import type { Diagnosis } from '../../runner/grade/diagnosis.ts';
import type { LabRunResult } from '../../runner/grade/step-runner.ts';
import { loadLab } from '../../runner/lab/registry.ts';
import { prettyHeading, prettyStep, prettySummary, renderJson, renderJunit, stepTitles } from '../../runner/report/reporters.ts';

const splitBrain: Diagnosis = {
  code: 'vip-split-brain',
  params: { holders: ['lb1', 'lb2'], vip: '10.88.1.100' },
  text: 'Split brain: lb1 and lb2 both hold the VIP 10.88.1.100. Likely cause: virtual_router_id differs (lb1: 51, lb2: 52): each ignores the other\'s adverts as another router\'s, so both become MASTER; use the same id on both.',
  causes: [{ code: 'cause-vrid-differs', params: { a: 'lb1', aVrid: 51, b: 'lb2', bVrid: 52 }, text: 'virtual_router_id differs' }],
};

const run: LabRunResult = {
  lab: 'basic-vip',
  passed: false,
  steps: [
    { id: 'start', title: 'Start keepalived on lb1, then on lb2', passed: true, ms: 8123, message: 'lb1 holds the VIP.' },
    {
      id: 'failover',
      title: 'Stop keepalived on lb1; lb2 takes over',
      passed: false,
      ms: 6900,
      message: splitBrain.text,
      diagnosis: splitBrain,
      failover: { from: 'lb1', to: 'lb2', failoverMs: 334, outageMs: 349, failedRequests: 6, requests: 29 },
    },
    { id: 'preempt', title: 'Start keepalived on lb1 again; it takes the VIP back', passed: false, ms: 0, message: 'not run' },
  ],
};

const basicVip = loadLab('basic-vip').definition;
const zh = { lang: 'zh' as const, titles: stepTitles(basicVip.steps, 'zh') };

describe('the pretty reporter in Chinese', () => {
  it('words the step lines with the zh titles, the failover figures and the diagnosis', () => {
    expect(prettyStep(run.steps[0]!, zh)).toBe('  ✔ start：先在 lb1 上启动 keepalived，再在 lb2 上启动（8.1 秒）');
    expect(prettyStep(run.steps[1]!, zh).split('\n')).toEqual([
      '  ✘ failover：停掉 lb1 上的 keepalived，lb2 接管（6.9 秒）',
      '      故障切换 lb1 → lb2 用时 0.33 秒；中断 0.35 秒，29 个请求中有 6 个失败',
      '      脑裂：lb1 和 lb2 同时持有 VIP 10.88.1.100。可能的原因：virtual_router_id 不一致（lb1：51，lb2：52）：双方都把对方的通告当成另一台虚拟路由器的而忽略，于是都成了 MASTER；两边请使用同一个 id。',
    ]);
    expect(prettyStep(run.steps[2]!, zh)).toBe('  – preempt：在 lb1 上重新启动 keepalived，它把 VIP 抢回来（未运行）');
  });

  it('keeps the English title of a step without title_zh, and the message of a verdict without a diagnosis', () => {
    const step = { id: 'other', title: 'An English title', passed: false, ms: 1000, message: 'The check could not run: boom' };
    expect(prettyStep(step, zh).split('\n')).toEqual(['  ✘ other：An English title（1.0 秒）', '      The check could not run: boom']);
  });

  it('sums up in Chinese', () => {
    expect(prettySummary(run, zh)).toBe('未通过 basic-vip：3 个步骤中通过了 1 个');
    expect(prettySummary({ ...run, passed: true, steps: run.steps.map((s) => ({ ...s, passed: true })) }, zh)).toBe('通过 basic-vip：3 个步骤全部通过');
    expect(prettyHeading(basicVip, undefined, zh)).toBe('basic-vip：基本的 VIP 故障切换');
    expect(prettyHeading(basicVip, 'alice', zh)).toBe('basic-vip：基本的 VIP 故障切换（alice）');
  });

  it('stays English without a language, as before', () => {
    expect(prettyStep(run.steps[0]!)).toBe('  ✔ start: Start keepalived on lb1, then on lb2 (8.1 s)');
    expect(prettyStep(run.steps[1]!).split('\n')[2]).toBe(`      ${splitBrain.text}`);
    expect(prettySummary(run)).toBe('FAIL basic-vip: 1/3 steps passed');
    expect(prettyHeading(basicVip, 'alice')).toBe('basic-vip: Basic VIP failover (alice)');
    expect(stepTitles(basicVip.steps, 'en')).toEqual({});
  });

  it('leaves the JSON and JUnit reports in English, with the codes', () => {
    const json = JSON.parse(renderJson([run], false));
    expect(json.steps[1]).toMatchObject({ title: 'Stop keepalived on lb1; lb2 takes over', message: splitBrain.text, diagnosis: { code: 'vip-split-brain' } });
    const xml = renderJunit([run]);
    expect(xml).toContain('type="vip-split-brain"');
    expect(xml).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('kalab check --lang', () => {
  it('offers en and zh, and no default (the locale decides)', () => {
    const program = new Command();
    registerCheck(program);
    const lang = program.commands.find((c) => c.name() === 'check')!.options.find((o) => o.long === '--lang')!;
    expect(lang.argChoices).toEqual(['en', 'zh']);
    expect(lang.defaultValue).toBeUndefined();
  });
});
