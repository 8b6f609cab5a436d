/**
 * The lab widget in Chinese: no .vue template holds a bare English UI string (everything goes
 * through strings.ts, whose keys test/unit/widget-classroom-strings.test.ts holds to both
 * languages), every runner action's button and every lab's step titles have Chinese, and the
 * widget's own sentences (who holds the VIP, the timeline, the verdicts, the run buttons, the
 * store's titles) come out in the page's language.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decorateNodeCommands } from '../../docs/.vitepress/theme/lab/page-commands.ts';
import { LabStore, vipHolderText } from '../../docs/.vitepress/theme/lab/store.ts';
import { actionButtonText, around, translate } from '../../docs/.vitepress/theme/lab/strings.ts';
import { describeEvent, TimelineBuilder } from '../../docs/.vitepress/theme/lab/timeline.ts';
import { verdictText } from '../../docs/.vitepress/theme/lab/verdict-text.ts';
import { diagnosisData } from '../../runner/grade/diagnosis.ts';
import type { CheckOutcome } from '../../runner/grade/step-runner.ts';
import { ACTIONS, isRunnerAction, type ActionName } from '../../runner/kinds/registry.ts';
import { loadAllLabs, loadLab } from '../../runner/lab/registry.ts';
import { welcomeFor } from '../../runner/server/lab-rules.ts';
import { stepVerdict } from '../../runner/server/live-lab.ts';
import type { NodeInfo, ServerMessage, StepVerdict } from '../../runner/shared/protocol.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

const COMPONENTS = path.join(PROJECT_ROOT, 'docs', '.vitepress', 'theme', 'components');
const vueFiles = readdirSync(COMPONENTS).filter((f) => f.endsWith('.vue'));

/** Words a template may show as they are: code, names of nodes and programs, protocol names. */
const CODE_LIKE = /\b(?:keepalived|nginx|haproxy|VIP|VIPs|VRRP|MASTER|BACKUP|lb\d|web\d|client|mail|npm|ci|start)\b/g;

/** A template cut into its tags (attributes and all; a quoted value may hold ">") and the text between them. */
function tokens(template: string): { tags: string[]; texts: string[] } {
  const tags: string[] = [];
  const texts: string[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== '<') {
      text += template[i];
      continue;
    }
    texts.push(text);
    text = '';
    let quote = '';
    let j = i + 1;
    for (; j < template.length; j++) {
      const c = template[j]!;
      if (quote) quote = c === quote ? '' : quote;
      else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    tags.push(template.slice(i, j + 1));
    i = j;
  }
  texts.push(text);
  return { tags, texts };
}

/** The template's text nodes and static user-facing attributes that hold words, outside <code>. */
function bareEnglish(source: string): string[] {
  const start = source.indexOf('<template>');
  const end = source.lastIndexOf('</template>');
  if (start < 0 || end < 0) return [];
  const template = source
    .slice(start + '<template>'.length, end)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<code\b[^>]*>[\s\S]*?<\/code>/g, ' ');
  const { tags, texts } = tokens(template);
  const found: string[] = [];
  const hasWords = (text: string) => /[A-Za-z]{2,}/.test(text.replace(CODE_LIKE, ''));
  // Static attributes a reader sees or hears (a bound :title="..." goes through strings.ts).
  for (const tag of tags) for (const m of tag.matchAll(/\s(title|aria-label|placeholder|alt)="([^"]*)"/g)) if (hasWords(m[2]!)) found.push(`${m[1]}="${m[2]}"`);
  // Text between tags, without the {{ interpolations }}.
  for (const t of texts) {
    const text = t.replace(/\{\{[\s\S]*?\}\}/g, ' ').trim();
    if (text && hasWords(text)) found.push(text);
  }
  return found;
}

/** The <script>'s string literals that read as an English sentence (three words or more, or a capitalised phrase). */
function englishLiterals(source: string): string[] {
  const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(source)?.[1] ?? '';
  const code = script
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
    .replace(/^import .*$/gm, '');
  const found: string[] = [];
  // A template literal is read whole, each ${…} read as a word ("it"): reading only the ones without
  // ${…} paired the closing backtick of one with the opening backtick of the next.
  for (const m of code.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
    const text = (m[1] ?? m[2] ?? (m[3] ?? '').replace(/\$\{[^}]*\}/g, 'it')).replace(CODE_LIKE, '');
    if (/\b[A-Za-z][a-z]+ [a-z]{2,} [a-z]{2,}\b/.test(text) || /^[A-Z][a-z]+ [a-z]{2,}/.test(text)) found.push(m[0]);
  }
  return found;
}

describe('the widget holds no bare English', () => {
  it.each(vueFiles)('%s: every text of its template goes through strings.ts', (file) => {
    expect(bareEnglish(readFileSync(path.join(COMPONENTS, file), 'utf8'))).toEqual([]);
  });

  it.each(vueFiles)('%s: no English sentence in its script', (file) => {
    expect(englishLiterals(readFileSync(path.join(COMPONENTS, file), 'utf8'))).toEqual([]);
  });

  it('the scan finds what it is for', () => {
    const vue = `<script setup lang="ts">\nconst a = 'Reset the lab now';\n</script>\n<template><p title="Send it">Start <code>npm start</code> {{ t('x') }}</p><b>lb1</b></template>`;
    expect(bareEnglish(vue)).toEqual(['title="Send it"', 'Start']);
    expect(englishLiterals(vue)).toEqual(["'Reset the lab now'"]);
  });
});

describe('the runner action buttons in Chinese', () => {
  const runnerKinds = (Object.keys(ACTIONS) as ActionName[]).filter(isRunnerAction);
  const sample: Record<string, unknown> = { 'drop-vrrp': { to: 'lb2' } };

  it.each(runnerKinds)('%s has a Chinese button, and its English is the runner\'s label', (kind) => {
    const params = sample[kind] ?? 'lb2';
    const action = ACTIONS[kind] as unknown as { nodes(p: unknown): string[]; button(p: unknown): string };
    const nodes = action.nodes(params);
    expect(actionButtonText('zh-CN', kind, nodes), 'a Chinese label (strings.ts ACTION_BUTTONS)').toMatch(/[\u4e00-\u9fff]/);
    expect(actionButtonText('en-US', kind, nodes)).toBe(action.button(params));
  });

  it("names both nodes of a one-way cut, as the runner's label does", () => {
    const cut = ACTIONS['drop-vrrp'];
    expect(actionButtonText('en-US', 'drop-vrrp', cut.nodes({ to: 'lb2', from: 'lb1' }))).toBe(cut.button!({ to: 'lb2', from: 'lb1' }));
    expect(actionButtonText('zh-CN', 'drop-vrrp', cut.nodes({ to: 'lb2', from: 'lb1' }))).toBe('✂ 切断 lb1 到 lb2 的心跳');
    expect(actionButtonText('zh-CN', 'no-such-kind', ['lb1'])).toBeUndefined();
  });
});

describe("the labs' titles in Chinese", () => {
  it.each(loadAllLabs().map((l) => [l.definition.id, l.definition] as const))('%s has a zh title for itself and each step', (_, lab) => {
    expect(lab.title_zh, 'title_zh in lab.yaml').toMatch(/[\u4e00-\u9fff]/);
    expect(lab.steps.filter((s) => !s.title_zh).map((s) => s.id), 'steps without title_zh').toEqual([]);
  });

  it('the welcome carries them, and every node a runner action names', () => {
    const w = welcomeFor(loadLab('split-brain').definition);
    expect(w.title_zh).toBe('split-brain：两个主，一个 VIP');
    expect(w.steps.find((s) => s.id === 'cut-heartbeat')).toMatchObject({ title_zh: '切断到 lb2 的心跳，两台节点都拿走了 VIP', action: 'drop-vrrp', actionNodes: ['lb2'] });
  });
});

const node = (name: string, over: Partial<NodeInfo> = {}): NodeInfo => ({ node: name, address: '10.88.1.11', run: 'running', holdsVip: false, keepalived: true, vrrp: {}, ...over });

describe('the store in the page language', () => {
  const welcome: ServerMessage = welcomeFor(loadLab('basic-vip').definition);

  it('a zh page takes the Chinese titles and buttons; an English page keeps the English', () => {
    const zh = new LabStore('basic-vip', {}, { lang: 'zh-CN' });
    zh.apply(welcome);
    expect(zh.state.title).toBe('基本的 VIP 故障切换');
    expect(zh.state.steps.map((s) => s.title)[0]).toBe('先在 lb1 上启动 keepalived，再在 lb2 上启动');
    expect(zh.state.steps.find((s) => s.id === 'crash')).toMatchObject({ action: 'freeze', button: '❄ 冻结 lb1' });
    const en = new LabStore('basic-vip');
    en.apply(welcome);
    expect(en.state.title).toBe('Basic VIP failover');
    expect(en.state.steps.find((s) => s.id === 'crash')).toMatchObject({ title: 'Freeze lb1 like a hung machine; lb2 takes over', button: '❄ Freeze lb1' });
  });

  it('says who holds the VIP in Chinese', () => {
    const store = new LabStore('basic-vip');
    store.apply({ type: 'lab.state', status: 'running', vip: '10.88.1.100', nodes: [node('lb1', { holdsVip: true }), node('lb2')] });
    expect(vipHolderText(store.state, undefined, 'zh-CN')).toBe('lb1 持有 VIP');
    store.apply({ type: 'lab.state', status: 'running', vip: '10.88.1.100', nodes: [node('lb1', { holdsVip: true }), node('lb2', { holdsVip: true })] });
    expect(vipHolderText(store.state, undefined, 'zh-CN')).toBe('脑裂：lb1 和 lb2 同时持有 VIP');
    store.apply({ type: 'lab.state', status: 'running', vip: '10.88.1.100', nodes: [node('lb1', { holdsVip: true, run: 'frozen' }), node('lb2', { holdsVip: true })] });
    expect(vipHolderText(store.state, undefined, 'zh-CN')).toBe('lb1（已冻结） 和 lb2 都持有 VIP');
    expect(vipHolderText(store.state)).toBe('lb1 (frozen) and lb2 hold the VIP');
    store.apply({ type: 'lab.state', status: 'running', vip: '10.88.1.100', nodes: [node('lb1'), node('lb2')] });
    expect(vipHolderText(store.state, undefined, 'zh-CN')).toBe('没有节点持有 VIP');
  });

  it('words the timeline in Chinese', () => {
    expect(describeEvent({ type: 'vip', t: 1, node: 'lb2', held: true, iface: 'eth0' }, undefined, 'zh-CN')).toBe('lb2 拿到了 VIP（eth0）');
    expect(describeEvent({ type: 'keepalived', t: 1, node: 'lb1', running: false }, undefined, 'zh-CN')).toBe('lb1 上的 keepalived 已停止');
    expect(describeEvent({ type: 'node', t: 1, node: 'lb1', state: 'frozen' }, undefined, 'zh-CN')).toBe('lb1 已冻结');
    const advert = { type: 'advert' as const, t: 1, node: 'lb1' as const, src: '10.88.1.11', dst: '224.0.0.18', vrid: 51, priority: 70, intervalS: 1, version: 2 };
    expect(describeEvent(advert, 100, 'zh-CN')).toBe('lb1 通告优先级 70（之前为 100）');
    const failover = { type: 'failover' as const, t: 1, node: 'lb2' as const, step: 'crash', from: 'lb1' as const, to: 'lb2' as const, failoverMs: 334, outageMs: 349, failedRequests: 6, requests: 29 };
    expect(new TimelineBuilder('zh-CN').add([failover]).map((e) => e.text)).toEqual(['crash：lb1 → lb2 用时 0.33 秒；中断 0.35 秒，29 个请求中有 6 个失败']);
    const store = new LabStore('basic-vip', {}, { lang: 'zh-CN' });
    store.apply({ type: 'lab.state', status: 'running', vip: '10.88.1.100', nodes: [node('lb1')] });
    store.apply({ type: 'timeline', events: [{ type: 'vip', t: 5, node: 'lb1', held: false, iface: 'eth0' }] });
    expect(store.state.timeline.map((e) => e.text)).toEqual(['lb1 释放了 VIP']);
  });
});

describe('a verdict in the page language', () => {
  const failure = {
    passed: false,
    message: 'lb2 holds the VIP 10.88.1.100, not lb1. Compare priority, state and nopreempt on both nodes, and read journalctl -u keepalived on lb1.',
    diagnosis: { code: 'vip-held-by-other', params: { holder: 'lb2', vip: '10.88.1.100', expected: 'lb1' }, text: 'English' },
    checks: [],
  };

  it('the server sends the diagnoses as data beside the English', () => {
    const failed = stepVerdict('start', failure, 1000, 20);
    expect(failed).toEqual({ step: 'start', passed: false, message: failure.message, checkedAt: 1000, ms: 20, diagnosis: diagnosisData(failure.diagnosis) });
    expect(failed.diagnosis).not.toHaveProperty('text');
    const checks: CheckOutcome[] = [
      { label: 'VIP on lb1', passed: true, message: 'a.', diagnosis: { code: 'vip-on-node', params: { node: 'lb1', vip: '10.88.1.100' }, text: 'a.' } },
      { label: 'served by lb1', passed: true, message: 'b.', diagnosis: { code: 'served-by-node', params: { node: 'lb1', url: 'http://10.88.1.100/' }, text: 'b.' } },
    ];
    expect(stepVerdict('start', { passed: true, message: 'a. b.', checks }, 1000, 20).diagnoses).toEqual(checks.map((c) => diagnosisData(c.diagnosis)));
    expect(stepVerdict('start', { passed: false, message: 'The check could not run: boom' }, 1000, 20)).not.toHaveProperty('diagnosis');
  });

  it('a zh page words a failure and a pass; an English page shows the message', () => {
    const failed = stepVerdict('start', failure, 1000, 20);
    expect(verdictText(failed, 'zh-CN')).toBe('持有 VIP 10.88.1.100 的是 lb2，而不是 lb1。请对比两个节点的 priority、state 和 nopreempt，并查看 lb1 上的 journalctl -u keepalived。');
    expect(verdictText(failed, 'en-US')).toBe(failure.message);
    const passed: Pick<StepVerdict, 'message' | 'diagnoses'> = {
      message: 'English.',
      diagnoses: [
        { code: 'vip-on-node', params: { node: 'lb1', vip: '10.88.1.100' } },
        { code: 'served-by-node', params: { node: 'lb1', url: 'http://10.88.1.100/' } },
      ],
    };
    expect(verdictText(passed, 'zh-CN')).toBe('lb1 持有 VIP 10.88.1.100，其他运行中的节点都没有。client 从 http://10.88.1.100/ 得到了 lb1 的页面。');
  });

  it('falls back to the English without diagnoses, or with a code that has no Chinese yet', () => {
    expect(verdictText({ message: 'The check could not run: boom' }, 'zh-CN')).toBe('The check could not run: boom');
    expect(verdictText({ message: 'English.', diagnosis: { code: 'a-code-added-later', params: {} } }, 'zh-CN')).toBe('English.');
  });
});

describe("the tutorial's run buttons", () => {
  /** Just enough of a DOM for decorateNodeCommands. */
  function fakeBlock(nodeName: string) {
    const children: { className: string; remove(): void }[] = [];
    const block = {
      dataset: { node: nodeName },
      ownerDocument: {
        createElement: () => {
          const button = { type: '', className: '', textContent: '', title: '', dataset: {} as Record<string, string>, addEventListener() {}, remove: () => children.splice(children.indexOf(button), 1) };
          return button;
        },
      },
      querySelector: () => null,
      appendChild: (child: { className: string; remove(): void }) => children.push(child),
    };
    return { root: { querySelectorAll: () => [block] } as unknown as ParentNode, children: children as unknown as { textContent: string; title: string }[] };
  }

  it('are labelled in the page language', () => {
    const zh = fakeBlock('lb1');
    decorateNodeCommands(zh.root, () => {}, 'zh-CN');
    expect(zh.children.map((b) => [b.textContent, b.title])).toEqual([['▶ 在 lb1 上运行', '把这条命令发送到 lb1 的终端并回车']]);
    const en = fakeBlock('lb2');
    decorateNodeCommands(en.root, () => {});
    expect(en.children.map((b) => b.textContent)).toEqual(['▶ run on lb2']);
  });
});

describe('around', () => {
  it('splits a sentence at the markup it holds', () => {
    expect(around(translate('en-US', 'runner.unreachable'), 'command')).toEqual(['The lab runner is not running. Start it with ', ' and reload.']);
    expect(around(translate('zh-CN', 'runner.unreachable'), 'command')).toEqual(['实验运行器没有运行。请用 ', ' 启动它，然后刷新页面。']);
  });
});
