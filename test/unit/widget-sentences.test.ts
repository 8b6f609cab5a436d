/**
 * The runner's own sentences on a page (docs/.vitepress/theme/lab/sentence-text.ts and its users):
 * a zh page words a lab's status, a refused request, a join error and a check that could not run
 * from their code and params; an English page, a message without a sentence (an older runner) and
 * a code this page does not know (a newer runner) show the English. The instructor page words a
 * lab's status and its diagnoses the same way.
 */
import { describe, expect, it } from 'vitest';
import { FakeSocket, fakeSockets } from './fake-socket.ts';
import { ClassSession } from '../../docs/.vitepress/theme/lab/class-session.ts';
import { diagnosisWords, statusWord } from '../../docs/.vitepress/theme/lab/class-words.ts';
import { joinClass, joinFailureText, type FetchLike } from '../../docs/.vitepress/theme/lab/classroom.ts';
import { sentenceText } from '../../docs/.vitepress/theme/lab/sentence-text.ts';
import { LabSession } from '../../docs/.vitepress/theme/lab/session.ts';
import type { Timers } from '../../docs/.vitepress/theme/lab/socket-client.ts';
import { LabStore } from '../../docs/.vitepress/theme/lab/store.ts';
import { verdictText } from '../../docs/.vitepress/theme/lab/verdict-text.ts';
import type { NodeInfo, ServerMessage } from '../../runner/shared/protocol.ts';
import { said, say } from '../../runner/shared/sentences.ts';

const starting: ServerMessage = { type: 'lab.state', status: 'starting', nodes: [], ...said(say('lab-starting', { nodes: ['lb1', 'lb2'], subnet: '10.88.1.0/24' })) };
const frozen: ServerMessage = { type: 'error', ...said(say('node-frozen-terminal', { node: 'lb1' })) };
const timers: Timers = { setTimeout: () => 0, clearTimeout: () => undefined };

describe('sentenceText', () => {
  it('words the sentence on a zh page and keeps the English elsewhere', () => {
    expect(sentenceText(said(say('node-frozen-terminal', { node: 'lb2' })), 'zh-CN')).toBe('lb2 已被冻结：先解冻它，再打开它的终端。');
    expect(sentenceText(said(say('node-frozen-terminal', { node: 'lb2' })), 'en-US')).toBe('lb2 is frozen: unfreeze it before opening its terminal.');
  });

  it('falls back to the English without a sentence, or with a code it does not know', () => {
    expect(sentenceText({ message: 'An older runner says this.' }, 'zh-CN')).toBe('An older runner says this.');
    expect(sentenceText({ message: 'A newer runner says this.', sentence: { code: 'from-the-future', params: {} } }, 'zh-CN')).toBe('A newer runner says this.');
  });
});

describe("a lab page's store", () => {
  it("shows a zh page the lab's status and the runner's refusals in Chinese", () => {
    const store = new LabStore('basic-vip', {}, { lang: 'zh-CN' });
    store.apply(starting);
    expect(store.state.statusMessage).toBe('正在启动 lb1、lb2（子网 10.88.1.0/24）');
    store.apply({ type: 'lab.state', status: 'failed', nodes: [], ...said(say('start-failed', { error: 'connect ECONNREFUSED /var/run/docker.sock' })) });
    expect(store.state.statusMessage).toBe('实验没能启动：connect ECONNREFUSED /var/run/docker.sock');
    store.apply(frozen);
    expect(store.state.lastError?.message).toBe('lb1 已被冻结：先解冻它，再打开它的终端。');
  });

  it('shows an English page the English, and any page the English of an older runner', () => {
    const en = new LabStore('basic-vip', {}, { lang: 'en-US' });
    en.apply(starting);
    en.apply(frozen);
    expect([en.state.statusMessage, en.state.lastError?.message]).toEqual(['starting lb1, lb2 on 10.88.1.0/24', 'lb1 is frozen: unfreeze it before opening its terminal.']);
    const older = new LabStore('basic-vip', {}, { lang: 'zh-CN' });
    older.apply({ type: 'lab.state', status: 'starting', nodes: [], message: 'starting lb1, lb2 on 10.88.1.0/24' });
    older.apply({ type: 'error', message: 'lb1 is frozen: unfreeze it before opening its terminal.' });
    expect([older.state.statusMessage, older.state.lastError?.message]).toEqual(['starting lb1, lb2 on 10.88.1.0/24', 'lb1 is frozen: unfreeze it before opening its terminal.']);
    older.apply({ type: 'lab.state', status: 'stopped', nodes: [] });
    expect(older.state.statusMessage).toBe('');
  });

  it("gives the editor a refused file request in the page's language", () => {
    const { sockets, createSocket } = fakeSockets();
    const session = new LabSession({
      lab: 'basic-vip',
      url: 'ws://x/ws',
      storage: null,
      timers,
      lang: 'zh-CN',
      createSocket,
    });
    session.start();
    const socket = sockets[0]!;
    const failures: string[] = [];
    session.attachFiles('lb1', { content: () => undefined, saved: () => undefined, failed: (m) => void failures.push(m) });
    socket.open();
    const lb1: NodeInfo = { node: 'lb1', address: '10.88.1.11', run: 'running', holdsVip: false, keepalived: false, vrrp: {} };
    socket.receive({ type: 'lab.state', status: 'running', vip: '10.88.1.100', subnet: '10.88.1.0/24', nodes: [lb1] });
    expect(session.writeFile('lb1', '/etc/keepalived/../passwd', '')).toBe(true);
    socket.receive({ type: 'error', ...said(say('path-dotdot', { path: '/etc/keepalived/../passwd', dir: '/etc/keepalived/' })) });
    expect(failures).toEqual(['"/etc/keepalived/../passwd" 里有 ".."：请直接写 /etc/keepalived/ 下的文件名。']);
    session.dispose();
  });

  it('words a check that could not run (a verdict with a sentence, no diagnosis)', () => {
    const verdict = { step: 'start', passed: false, checkedAt: 1, ms: 1, ...said(say('check-could-not-run', { error: 'exec lb1: container is paused' })) };
    expect(verdictText(verdict, 'zh-CN')).toBe('这次检查没能进行：exec lb1: container is paused');
    expect(verdictText(verdict, 'en-US')).toBe('The check could not run: exec lb1: container is paused');
  });
});

describe('joining a class', () => {
  const refusing = (status: number, body: unknown): FetchLike => async () => ({ ok: false, status, json: async () => body });

  it("keeps the runner's sentence, and words it on a zh page", async () => {
    const body = { error: "That join code is not this class's: ask your instructor for the code on the screen.", sentence: { code: 'join-wrong-code', params: {} } };
    const result = await joinClass(refusing(403, body), 'Ada', 'nope');
    expect(result).toEqual({ ok: false, status: 403, ...body });
    if (result.ok) throw new Error('joined');
    expect(joinFailureText(result, 'zh-CN')).toBe('加入码不对：请向讲师要屏幕上显示的加入码。');
    expect(joinFailureText(result, 'en-US')).toBe(body.error);
  });

  it('falls back to the English, then to what the status says', async () => {
    const older = await joinClass(refusing(503, { error: 'The class is full.' }), 'Ada', 'x');
    if (older.ok) throw new Error('joined');
    expect(joinFailureText(older, 'zh-CN')).toBe('The class is full.');
    // A sentence that is not one (a proxy's JSON) is not taken.
    const odd = await joinClass(refusing(500, { error: 'Bad gateway', sentence: 'oops' }), 'Ada', 'x');
    expect(odd).toEqual({ ok: false, status: 500, error: 'Bad gateway' });
    expect(joinFailureText({ ok: false, status: 502 }, 'zh-CN')).toBe('运行器没有让你加入（HTTP 502）。');
    expect(joinFailureText({ ok: false, status: 0 }, 'zh-CN')).toBe('无法连接实验运行器。请检查地址后重试。');
  });
});

describe('the instructor page', () => {
  it("words a learner's lab status in the page's language", () => {
    expect(['running', 'starting', 'stopping', 'stopped', 'failed'].map((s) => statusWord('zh-CN', s))).toEqual(['运行中', '启动中', '停止中', '已停止', '启动失败']);
    expect(statusWord('en-US', 'running')).toBe('running');
    expect(statusWord('zh-CN', 'paused')).toBe('paused'); // a newer runner's status, as it says it
  });

  it('words a diagnosis from its data on a zh page, the English without it', () => {
    const data = { code: 'vip-on-node', params: { node: 'lb1', vip: '10.88.1.100' } };
    const english = 'lb1 holds the VIP 10.88.1.100, and no other running node does.';
    expect(diagnosisWords('zh-CN', english, data)).toBe('lb1 持有 VIP 10.88.1.100，其他运行中的节点都没有。');
    expect(diagnosisWords('zh-CN', english, undefined)).toBe(english);
    expect(diagnosisWords('en-US', english, data)).toBe(english);
  });

  it("shows the runner's refusal in the page's language", () => {
    const { sockets, createSocket } = fakeSockets();
    const session = new ClassSession({
      url: 'ws://x/ws',
      timers,
      lang: 'zh-CN',
      createSocket,
    });
    session.start();
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'error', ...said(say('no-lab-to-watch', { learner: 'a1b2c3', lab: 'basic-vip' })) });
    expect(session.state.lastError).toBe('学员 a1b2c3 没有可以查看的 basic-vip 实验。');
    sockets[0]!.receive({ type: 'error', message: 'From an older runner.' });
    expect(session.state.lastError).toBe('From an older runner.');
    session.dispose();
  });
});
