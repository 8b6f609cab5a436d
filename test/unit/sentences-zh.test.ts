/**
 * The runner's own sentences (runner/shared/sentences.ts) and their Chinese (runner/i18n/zh/
 * sentences.ts): every code has a Chinese text that names what the English names, a code this page
 * does not know falls back to the English, and every refusal the server and the classroom throw is
 * made from a sentence (so none reaches a zh page in English only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSentenceZh, ZH_SENTENCES } from '../../runner/i18n/zh/sentences.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { renderSentence, say, SENTENCE_CODES, type Sentence, type SentenceCode, type SentenceParam, type SentenceParams } from '../../runner/shared/sentences.ts';

/** Params for every code, as the runner would send them. */
const SAMPLES: { [C in SentenceCode]: SentenceParams<C> } = {
  'lab-starting': { nodes: ['lb1', 'lb2', 'web1', 'web2', 'client'], subnet: '10.88.1.0/24' },
  'leftovers-removed': { count: 7, instance: 'basic-vip' },
  'start-queued': { ahead: 4 },
  'lab-started': { subnet: '10.99.3.0/24', ms: 1640 },
  'lab-stopping': { nodes: ['lb1', 'lb2', 'web1'] },
  'start-refused': { error: 'No Docker engine answers at /var/run/docker.sock.' },
  'start-failed': { error: 'connect ECONNREFUSED /var/run/docker.sock' },
  'lab-removed-idle': { minutes: 30 },
  'lab-removed-lifetime': { minutes: 240 },
  'lab-still-starting': { lab: 'basic-vip' },
  'lab-not-running': { lab: 'basic-vip', status: 'stopped' },
  'check-could-not-run': { error: 'exec lb1: container is paused' },
  'node-frozen-terminal': { node: 'lb1' },
  'shell-failed': { node: 'lb2', error: 'container not running' },
  'terminal-not-open': { node: 'web1' },
  'terminal-ended': { node: 'lb1' },
  'terminal-stopped-while-opening': { node: 'lb2' },
  'file-stat-failed': { path: '/etc/keepalived/keepalived.conf', node: 'lb1', error: 'exit 137' },
  'file-mode-unreadable': { path: '/etc/keepalived/keepalived.conf', node: 'lb1', said: 'garbage' },
  'file-not-regular': { path: '/etc/keepalived/conf.d', node: 'lb1', kind: 'directory' },
  'file-too-large': { path: '/etc/keepalived/big.conf', node: 'lb2', bytes: 300_000, limitKiB: 256 },
  'file-read-failed': { path: '/etc/keepalived/keepalived.conf', node: 'lb2', error: 'Permission denied' },
  'file-save-not-regular': { path: '/etc/keepalived/fifo', node: 'lb1', kind: 'fifo' },
  'file-save-failed': { path: '/etc/keepalived/keepalived.conf', node: 'lb1', error: 'container is paused' },
  'unknown-lab': { lab: 'nope', labs: ['basic-vip', 'nopreempt'] },
  'lab-definition-invalid': { lab: 'basic-vip', error: 'labs/basic-vip/lab.yaml is not valid YAML: bad indentation' },
  'unknown-node': { lab: 'basic-vip', node: 'lb9', nodes: ['lb1', 'lb2', 'web1'] },
  'unknown-step': { lab: 'basic-vip', step: 'fly', steps: ['start', 'failover'] },
  'not-editable-node': { node: 'web1', editable: ['lb1', 'lb2'] },
  'path-nul': {},
  'path-dotdot': { path: '/etc/keepalived/../passwd', dir: '/etc/keepalived/' },
  'path-outside': { path: '/etc/passwd', dir: '/etc/keepalived/' },
  'path-characters': { path: '/etc/keepalived/a b' },
  'step-not-runner-action': { step: 'start' },
  'solutions-off': {},
  'binary-message': {},
  'bad-message': { error: 'Bad term.open message: field "rows" required.' },
  'runner-failed': { type: 'file.read', error: 'socket hang up' },
  'instructor-sends-class': { type: 'lab.start' },
  'hello-first': { type: 'term.open' },
  'instructor-only': {},
  'no-lab-to-watch': { learner: 'a1b2c3', lab: 'basic-vip' },
  'workbench-closing': {},
  'no-such-copy': { learner: 'a1b2c3', lab: 'basic-vip' },
  'class-full-labs': { running: 20, max: 20 },
  'join-wrong-code': {},
  'join-bad-name': {},
  'join-class-full': { joined: 30, max: 30 },
  'join-too-large': {},
  'join-not-json': {},
  'join-missing-fields': {},
  'join-use-post': {},
  'instructor-wrong-key': {},
  'no-such-learner': { learner: 'ffee01' },
  'no-such-export': {},
};

const sampleOf = (code: SentenceCode): Sentence => ({ code, params: SAMPLES[code] }) as Sentence;

/** What a Chinese text must repeat from the params: names, addresses, paths, numbers, quoted words. */
function namesIn(value: SentenceParam): string[] {
  if (Array.isArray(value)) return value.flatMap(namesIn);
  if (typeof value === 'number') return [String(value)];
  return [...String(value).matchAll(/\b(?:lb\d|web\d|mail|client|[a-z]+-[a-z-]+|\d{1,3}(?:\.\d{1,3}){3}(?:\/\d+)?)\b|\/etc\/[\w./ -]*\w/g)].map((m) => m[0]);
}

describe('the runner sentences in Chinese', () => {
  it('every code has a Chinese text', () => {
    expect(SENTENCE_CODES.filter((code) => typeof (ZH_SENTENCES as Record<string, unknown>)[code] !== 'function'), 'codes without Chinese (runner/i18n/zh/sentences.ts)').toEqual([]);
  });

  it('every Chinese text is a code of the runner', () => {
    expect(Object.keys(ZH_SENTENCES).filter((code) => !(SENTENCE_CODES as string[]).includes(code))).toEqual([]);
  });

  it('every code has sample params here', () => {
    expect(SENTENCE_CODES.filter((code) => !(code in SAMPLES))).toEqual([]);
  });

  it.each(SENTENCE_CODES)('%s renders in English and in Chinese, naming what the English names', (code) => {
    const sample = sampleOf(code);
    const en = renderSentence(sample);
    expect(en).not.toMatch(/undefined|NaN|\[object Object\]/);
    const zh = renderSentenceZh(sample)!;
    expect(zh).toBeTypeOf('string');
    expect(zh).not.toMatch(/undefined|NaN|\[object Object\]/);
    expect(zh, 'it is Chinese').toMatch(/[\u4e00-\u9fff]/);
    expect(zh, 'it is not the English').not.toBe(en);
    const named = Object.values(sample.params as Record<string, SentenceParam>).flatMap(namesIn).filter((n) => en.includes(n));
    for (const name of new Set(named)) expect(zh, `names ${name}`).toContain(name);
  });

  it('words a frozen node, a full class and a wrong join code the Chinese way', () => {
    expect(renderSentenceZh(say('node-frozen-terminal', { node: 'lb1' }))).toBe('lb1 已被冻结：先解冻它，再打开它的终端。');
    expect(renderSentenceZh(say('join-class-full', { joined: 30, max: 30 }))).toBe('课堂已满（已有 30 名学员，上限 30 名）：请联系讲师腾出名额。');
    expect(renderSentenceZh(say('join-wrong-code', {}))).toBe('加入码不对：请向讲师要屏幕上显示的加入码。');
    expect(renderSentenceZh(say('lab-starting', { nodes: ['lb1', 'lb2'], subnet: '10.88.1.0/24' }))).toBe('正在启动 lb1、lb2（子网 10.88.1.0/24）');
  });

  it('keeps the English of the runner as it was before sentences', () => {
    expect(renderSentence(say('node-frozen-terminal', { node: 'lb1' }))).toBe('lb1 is frozen: unfreeze it before opening its terminal.');
    expect(renderSentence(say('unknown-node', { lab: 'basic-vip', node: 'lb9', nodes: ['lb1', 'lb2'] }))).toBe('Lab basic-vip has no node "lb9": its nodes are lb1, lb2.');
    expect(renderSentence(say('lab-starting', { nodes: ['lb1', 'lb2'], subnet: '10.88.1.0/24' }))).toBe('starting lb1, lb2 on 10.88.1.0/24');
    expect(renderSentence(say('join-class-full', { joined: 3, max: 3 }))).toBe('The class is full (3 of 3 learners): ask your instructor to make room.');
    expect(renderSentence(say('start-refused', { error: 'No engine.' }))).toBe('No engine.');
  });

  it('has no Chinese for a code it does not know (a newer runner): the page shows the English', () => {
    expect(renderSentenceZh({ code: 'no-such-sentence', params: {} })).toBeUndefined();
  });
});

// ---- every refusal is made from a sentence ----

const SCANNED = ['runner/server', 'runner/classroom'];

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [{ file: rel, text: readFileSync(path.join(PROJECT_ROOT, rel), 'utf8') }] : [];
  });
}

describe('refusals the page sees', () => {
  it('every RequestError and JoinError in runner/server and runner/classroom is made from a sentence, not a string', () => {
    const stringly = SCANNED.flatMap(sources).flatMap(({ file, text }) =>
      [...text.matchAll(/new (?:RequestError|JoinError)\(\s*[`'"]/g)].map((m) => `${file}:${text.slice(0, m.index).split('\n').length}`),
    );
    expect(stringly).toEqual([]);
  });

  it('every error the classroom sends as JSON carries a sentence', () => {
    const routes = readFileSync(path.join(PROJECT_ROOT, 'runner/classroom/http-routes.ts'), 'utf8');
    expect(routes).not.toMatch(/json\(res, \d+, \{ error:/);
  });
});
