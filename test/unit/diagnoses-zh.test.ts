/**
 * Every diagnosis in Chinese (runner/i18n/zh/diagnoses.ts): each code the catalogue gathers, read
 * at run time so a code added later without Chinese fails here by name, has a renderer, and, given
 * sample params, it words them without throwing and names the nodes and addresses the English
 * names. A few renderings are held to their exact text.
 */
import { describe, expect, it } from 'vitest';
import { diagnosisCodes, renderDiagnosis } from '../../runner/grade/catalogue.ts';
import type { DiagnosisData, DiagnosisParam, DiagnosisParams } from '../../runner/grade/diagnosis.ts';
import { renderDiagnosisIn, reportLang } from '../../runner/i18n/diagnoses.ts';
import { hasZh, renderDiagnosisZh, ZH_DIAGNOSES, type ZhCode } from '../../runner/i18n/zh/diagnoses.ts';
import { listZh } from '../../runner/i18n/zh/words.ts';

type Renderers = typeof ZH_DIAGNOSES;
type Sample<C extends ZhCode> = Parameters<Renderers[C]> extends [infer P, ...unknown[]] ? P : Record<string, never>;

const T0 = new Date(2025, 0, 1, 19, 2, 3, 120).getTime();
const mail = { sender: 'lb1', client: '10.88.1.11', subject: 'lb1 to be master: 10.88.1.100 floating', body: 'lb1 to be master' };
const rules = [{ chain: 'in', rule: 'ip daddr @vips drop' }];

/** Sample params for each code: plain data such as the grader gives, typed by the Chinese renderer. */
const SAMPLES: { [C in ZhCode]: Sample<C> } = {
  'observation-lost': { gaps: [{ node: 'lb2', watcher: 'ip monitor', from: T0, to: null }] },
  'check-aborted': {},
  'action-failed': { step: 'crash', error: 'Cannot pause container 72d89b5d4ad9: OCI runtime pause failed: unable to freeze: unknown' },
  'verdict-timed-from-wire': {},
  'cause-timing-from-wire': {
    disagreements: [
      { node: 'lb1', vrid: 51, field: 'advert_int', config: 1, wire: 0.1 },
      { node: 'lb2', vrid: 52, field: 'instance', config: null, wire: 1, source: 'keepalived' },
    ],
  },
  'vip-split-brain': { holders: ['lb1', 'lb2'], vip: '10.88.1.100' },
  'cause-vrid-differs': { a: 'lb1', aVrid: 51, b: 'lb2', bVrid: null },
  'cause-auth-differs': { a: 'lb1', aPass: 'secret12', b: 'lb2', bPass: 'secret' },
  'cause-version-differs': { a: 'lb1', aVersion: 2, b: 'lb2', bVersion: 3 },
  'cause-unicast-peer-misses': { node: 'lb1', peers: ['10.88.1.13'], peer: 'lb2' },
  'cause-unicast-one-sided': { node: 'lb1' },
  'keepalived-not-running': { node: 'lb1', holder: 'lb2' },
  'cause-config-test-error': { node: 'lb1', error: 'Unknown keyword "priorty"' },
  'cause-config-test-passes': { node: 'lb1' },
  'vip-only-on-frozen': { frozen: ['lb1'], vip: '10.88.1.100', stopped: ['lb2'] },
  'vip-not-configured': { node: 'lb1', vip: '10.88.1.100', listed: ['10.88.1.200'] },
  'vip-held-by-none': { vip: '10.88.1.100', stopped: ['lb1', 'lb2'] },
  'cause-strict-refuses-config': { node: 'lb1' },
  'vip-held-by-other': { holder: 'lb2', vip: '10.88.1.100', expected: 'lb1' },
  'cause-node-down': { node: 'lb1', run: 'frozen' },
  'cause-priority-higher': { holder: 'lb2', holderPriority: 150, expected: 'lb1', expectedPriority: 100 },
  'cause-expected-nopreempt': { expected: 'lb1' },
  'cause-equal-priority': { priority: 100 },
  'cause-preempt-delay': { expected: 'lb1', delayS: 10 },
  'cause-no-health-check': { holder: 'lb1', instance: 'VI_1' },
  'cause-track-script-missing': { holder: 'lb1', scripts: ['chk_nginx'], instance: 'VI_1', priority: 100, warning: null },
  'cause-weight-too-small': { holder: 'lb1', expected: 'lb2', priority: 100, lowered: 95, rival: 90, service: 'haproxy' },
  'cause-health-check-not-failing': { holder: 'lb1', priority: 100, scripts: ['chk_nginx'] },
  'cause-nopreempt-with-master': { node: 'lb1' },
  'cause-nopreempt-with-owner-priority': { node: 'lb1' },
  'cause-preempts-when-healthy': { taker: 'lb1', takerPriority: 100, keeper: 'lb2', keeperPriority: 90 },
  'cause-no-nopreempt': { taker: 'lb1', takerPriority: 100, keeper: 'lb2', keeperPriority: 90 },
  'strict-drops-http': { holder: 'lb1', table: 'keepalived', rules, instance: 'VI_1' },
  'mail-not-sent': { node: 'lb1' },
  'mail-no-config': { node: 'lb1' },
  'mail-keepalived-stopped': { node: 'lb1' },
  'mail-no-mailer': { instance: 'VI_1', keyword: 'notify_master', state: 'MASTER' },
  'notify-script-missing': { node: 'lb1', keyword: 'notify_master', path: '/etc/keepalived/notify.sh', logged: null },
  'notify-not-executable': { keyword: 'notify_master', path: '/etc/keepalived/notify.sh', mode: '644', logged: 'Cannot find script' },
  'notify-unsafe-permissions': { path: '/etc/keepalived/notify.sh', logged: 'unsafe permissions found for script' },
  'notify-disabled-at-start': { path: '/etc/keepalived/notify.sh', logged: 'Disabling notify script', mode: '755' },
  'notify-looks-right': { keyword: 'notify_master', path: '/etc/keepalived/notify.sh', command: '/etc/keepalived/notify.sh master' },
  'smtp-no-server': {},
  'smtp-no-recipient': {},
  'smtp-error': { server: '10.88.1.30', logged: 'Error connecting to SMTP server' },
  'smtp-no-error': { server: '127.0.0.1' },
  'served-by-node': { node: 'lb1', url: 'http://10.88.1.100/' },
  'served-wrong-node': { node: 'lb1', url: 'http://10.88.1.100/', answered: 'lb2' },
  'served-no-node-page': { node: 'lb1', url: 'http://10.88.1.100/', status: 502 },
  'served-timeout': { node: 'lb1', url: 'http://10.88.1.100/' },
  'served-error': { node: 'lb1', url: 'http://10.88.1.100/', detail: 'connection refused' },
  'cause-holder-not-serving': { holders: ['lb2'] },
  'advert-below': { node: 'lb1', history: [100, 70], rival: 'lb2', rivalPriority: 90, afterMs: 2300 },
  'advert-priority-seen': { node: 'lb1', priority: 70, history: [100, 70], afterMs: 2300 },
  'advert-not-below': { node: 'lb1', priority: 100, rival: 'lb2', rivalPriority: 90, nginxStopped: true },
  'advert-priority-not-seen': { node: 'lb1', priority: 70, history: [100, 95] },
  'adverts-none-from-node': { node: 'lb1', keepalived: true },
  'strict-mode-on': { node: 'lb1', instance: 'VI_1', by: 'vrrp_strict', table: 'keepalived', rules },
  'strict-mode-off': { node: 'lb1', instance: 'VI_1', turnedOff: false },
  'strict-mode-no-instance': { node: 'lb1', vip: '10.88.1.100' },
  'strict-mode-keepalived-stopped': { node: 'lb1' },
  'ping-answered': { vip: '10.88.1.100', rttMs: 0.3 },
  'ping-unanswered': { vip: '10.88.1.100', holders: ['lb1'] },
  'mail-received': { mail, afterMs: 1200 },
  'mail-missing': { from: 'lb1', state: 'master', withinMs: 20_000, arrivals: [{ ...mail, sender: 'lb2', client: '10.88.1.12', subject: 'lb2 to be backup' }] },
  'vip-stayed': { node: 'lb1', vip: '10.88.1.100', heldMs: 9000 },
  'vip-moved': { node: 'lb1', afterMs: 3400, move: 'taken', holders: ['lb2'] },
  'vip-on-node': { node: 'lb1', vip: '10.88.1.100' },
  'split-brain-seen': { holders: ['lb1', 'lb2'], vip: '10.88.1.100', afterMs: 3400, heldMs: 2000 },
  'split-brain-resolved': { taker: 'lb2', yielder: 'lb1', vip: '10.88.1.100', afterMs: 3400 },
  'cause-higher-address-wins': { winner: 'lb2', winnerAddress: '10.88.1.12', loser: 'lb1', loserAddress: '10.88.1.11', priority: 100 },
  'cause-higher-priority-wins': { winner: 'lb1', winnerPriority: 100, loser: 'lb2', loserPriority: 90 },
  'split-brain-not-seen': { holders: ['lb1'], silent: ['lb2'], vip: '10.88.1.100', withinMs: 5000, stopped: [] },
  'failover-within-budget': { from: 'lb1', to: 'lb2', failoverMs: 390, outageMs: 450, failedRequests: 9, requests: 40, budgetFailoverMs: 1000, budgetOutageMs: 1000 },
  'failover-over-budget': { from: 'lb1', to: 'lb2', failoverMs: 3650, outageMs: null, failedRequests: 70, requests: 80, budgetFailoverMs: 1000, budgetOutageMs: 1000 },
  'failover-vip-stayed': { holders: ['lb1'], budgetFailoverMs: 1000 },
  'failover-not-measured': {},
  'cause-advert-int-rounded': { node: 'lb2', instance: 'VI_1', logged: 'advert_int must be an integer. rounding 0.1 to 1', advertIntS: 1, masterDownMs: 3610 },
  'cause-master-down-interval': { node: 'lb2', version: 2, advertIntS: 1, priority: 90, masterDownMs: 3650, fastMs: 365 },
  'adverts-unicast': { count: 12, windowMs: 3000, routes: [{ node: 'lb1', src: '10.88.1.11', peer: 'lb2', dst: '10.88.1.12' }] },
  'adverts-none-keepalived-stopped': { windowMs: 3000, lbNodes: ['lb1', 'lb2'] },
  'adverts-none-silent': { windowMs: 3000, running: ['lb1'] },
  'adverts-not-unicast': { lbNodes: ['lb1', 'lb2'], configureOn: ['lb2'], restartOn: ['lb1'] },
  'advert-multicast': { node: 'lb2', count: 3, dst: '224.0.0.18' },
  'advert-to-non-peer': { node: 'lb1', count: 3, dst: '10.88.1.21', dstNode: 'web1', peers: [{ node: 'lb2', address: '10.88.1.12' }] },
  'advert-wrong-source': { node: 'lb1', count: 3, src: '10.88.1.100', own: '10.88.1.11' },
  'vip-stayed-then-moved': { from: 'lb2', to: 'lb1', vip: '10.88.1.100', delayS: 10, movedAfterMs: 13_600 },
  'vip-moved-early': { from: 'lb2', to: 'lb1', vip: '10.88.1.100', afterMs: 3600, holdS: 10, holders: ['lb1'] },
  'cause-preempt-delay-with-master': { node: 'lb1', delayS: 10 },
  'cause-preempt-delay-cleared': { node: 'lb1', delayS: 10, why: 'nopreempt' },
  'cause-no-preempt-delay': { node: 'lb1' },
  'cause-preempt-delay-short': { node: 'lb1', delayS: 3, minDelayS: 5 },
};

/** Every sample gets one cause of its own, so a renderer that words its causes shows it (web2 frozen). */
const CAUSE: DiagnosisData = { code: 'cause-node-down', params: { node: 'web2', run: 'frozen' } };
const sampleOf = (code: string): DiagnosisData => ({ code, params: (SAMPLES as unknown as Record<string, DiagnosisParams>)[code]!, causes: [CAUSE] });

/** Node names and IPv4 addresses anywhere in the params (and the cause's). */
function namesIn(value: DiagnosisParam): string[] {
  if (typeof value === 'string') return [...value.matchAll(/\b(?:lb\d|web\d|mail|client|\d{1,3}(?:\.\d{1,3}){3})\b/g)].map((m) => m[0]);
  if (Array.isArray(value)) return value.flatMap(namesIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(namesIn);
  return [];
}

const codes = diagnosisCodes();

describe('diagnoses in Chinese', () => {
  it('every code of the catalogue has a Chinese renderer', () => {
    expect(codes.filter((code) => !hasZh(code)), 'codes without Chinese text (runner/i18n/zh/diagnoses.ts)').toEqual([]);
  });

  it('every Chinese renderer is a code of the catalogue', () => {
    expect(Object.keys(ZH_DIAGNOSES).filter((code) => !codes.includes(code))).toEqual([]);
  });

  it('every code has sample params here', () => {
    expect(codes.filter((code) => !(code in SAMPLES)), 'codes without a sample in this test').toEqual([]);
  });

  it.each(codes.filter((code) => hasZh(code) && code in SAMPLES))('%s renders the sample in Chinese, naming what the English names', (code) => {
    const sample = sampleOf(code);
    const en = renderDiagnosis(sample);
    expect(en, 'the sample fits the English renderer').not.toMatch(/undefined|NaN|\[object Object\]/);
    const zh = renderDiagnosisZh(sample)!;
    expect(zh).toBeTypeOf('string');
    expect(zh).not.toMatch(/undefined|NaN|\[object Object\]/);
    expect(zh, 'it is Chinese').toMatch(/[\u4e00-\u9fff]/);
    const named = [...new Set([...namesIn(sample.params), ...namesIn(CAUSE.params)])].filter((n) => new RegExp(`\\b${n.replace(/\./g, '\\.')}\\b`).test(en));
    for (const name of named) expect(zh, `names ${name}`).toContain(name);
  });
});

describe('renderDiagnosisZh', () => {
  it('words a split brain and its causes', () => {
    const d: DiagnosisData = {
      code: 'vip-split-brain',
      params: { holders: ['lb1', 'lb2'], vip: '10.88.1.100' },
      causes: [{ code: 'cause-vrid-differs', params: { a: 'lb1', aVrid: 51, b: 'lb2', bVrid: 52 } }],
    };
    expect(renderDiagnosisZh(d)).toBe(
      '脑裂：lb1 和 lb2 同时持有 VIP 10.88.1.100。可能的原因：virtual_router_id 不一致（lb1：51，lb2：52）：双方都把对方的通告当成另一台虚拟路由器的而忽略，于是都成了 MASTER；两边请使用同一个 id。',
    );
  });

  it('words a VIP held by the wrong node, with its cause', () => {
    const d: DiagnosisData = {
      code: 'vip-held-by-other',
      params: { holder: 'lb2', vip: '10.88.1.100', expected: 'lb1' },
      causes: [{ code: 'cause-priority-higher', params: { holder: 'lb2', holderPriority: 150, expected: 'lb1', expectedPriority: 100 } }],
    };
    expect(renderDiagnosisZh(d)).toBe('持有 VIP 10.88.1.100 的是 lb2，而不是 lb1：lb2 的优先级（150）高于 lb1 的（100）。要当 MASTER 的节点需要更高的优先级。');
  });

  it('words a failover within budget and one over it', () => {
    expect(renderDiagnosisZh(sampleOf('failover-within-budget'))).toBe('lb1 → lb2 用时 0.39 秒（预算 1.00 秒）；client 有 0.45 秒得不到应答（预算 1.00 秒），40 个请求中有 9 个失败。');
    expect(renderDiagnosisZh({ code: 'failover-not-measured', params: {} })).toBe(
      '这次故障切换没有被测量：只有评分器亲自执行该步骤的动作时（工作台上该步骤的按钮，或 kalab check），它才会计时并持续探测 client。',
    );
  });

  it("words a node's adverts, with the time since the action when the runner knows it", () => {
    const below = { node: 'lb1', history: [100, 70], rival: 'lb2', rivalPriority: 90 };
    expect(renderDiagnosisZh({ code: 'advert-below', params: { ...below, afterMs: 2300 } })).toBe(
      'lb1 通告的优先级变为 100 → 70（动作后 2.3 秒）：低于 lb2 的 90，所以 lb2 可以接管（tcpdump -nn vrrp 会显示 "prio 70"）。',
    );
    expect(renderDiagnosisZh({ code: 'advert-below', params: { ...below, afterMs: null } })).toBe('lb1 通告的优先级变为 100 → 70：低于 lb2 的 90，所以 lb2 可以接管（tcpdump -nn vrrp 会显示 "prio 70"）。');
    expect(renderDiagnosisZh({ code: 'advert-priority-seen', params: { node: 'lb1', priority: 70, history: [100, 70], afterMs: null } })).toBe('lb1 通告的优先级变为 100 → 70：现在是 70。');
  });

  it('words multicast adverts with what to change', () => {
    const d: DiagnosisData = {
      code: 'adverts-not-unicast',
      params: { lbNodes: ['lb1', 'lb2'], configureOn: ['lb1', 'lb2'], restartOn: [] },
      causes: [
        { code: 'advert-multicast', params: { node: 'lb1', count: 3, dst: '224.0.0.18' } },
        { code: 'advert-multicast', params: { node: 'lb2', count: 1, dst: '224.0.0.18' } },
      ],
    };
    expect(renderDiagnosisZh(d)).toBe('lb1 向 224.0.0.18 发送了 3 条通告（组播）；lb2 向 224.0.0.18 发送了 1 条通告（组播）：请在两个节点上都设置 unicast_src_ip 和 unicast_peer。');
  });

  it('words a mail that never came, and why', () => {
    const d: DiagnosisData = {
      code: 'mail-missing',
      params: { from: 'lb1', state: 'master', withinMs: 20_000, arrivals: [] },
      causes: [{ code: 'mail-not-sent', params: { node: 'lb1' }, causes: [{ code: 'mail-keepalived-stopped', params: { node: 'lb1' } }] }],
    };
    expect(renderDiagnosisZh(d)).toBe('动作后 20 秒内，mail 节点没有收到 lb1 宣告进入 MASTER 状态的邮件：根本没有收到任何邮件。lb1 上：keepalived 没有运行，也就没有谁来报告它的状态变化。');
  });

  it('is undefined when a code in the tree has no Chinese, so the caller shows the English whole', () => {
    const d: DiagnosisData = { code: 'vip-split-brain', params: { holders: ['lb1', 'lb2'], vip: '10.88.1.100' }, causes: [{ code: 'no-such-code', params: {} }] };
    expect(renderDiagnosisZh(d)).toBeUndefined();
  });

  it('lists nodes the Chinese way', () => {
    expect([[], ['lb1'], ['lb1', 'lb2'], ['lb1', 'lb2', 'web1']].map(listZh)).toEqual(['', 'lb1', 'lb1 和 lb2', 'lb1、lb2 和 web1']);
  });
});

describe('renderDiagnosisIn', () => {
  it('renders English from the catalogue and Chinese from the zh renderers', () => {
    const d: DiagnosisData = { code: 'vip-on-node', params: { node: 'lb1', vip: '10.88.1.100' } };
    expect(renderDiagnosisIn('en', d)).toBe('lb1 holds the VIP 10.88.1.100, and no other running node does.');
    expect(renderDiagnosisIn('zh', d)).toBe('lb1 持有 VIP 10.88.1.100，其他运行中的节点都没有。');
  });
});

describe('reportLang', () => {
  it('takes --lang first, then the locale of the environment', () => {
    expect(reportLang('zh', { LANG: 'en_US.UTF-8' })).toBe('zh');
    expect(reportLang('en', { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(reportLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(reportLang(undefined, { LANG: 'zh_TW.UTF-8' })).toBe('zh');
    expect(reportLang(undefined, { LANG: 'en_US.UTF-8' })).toBe('en');
    expect(reportLang(undefined, { LANG: 'C.UTF-8' })).toBe('en');
    expect(reportLang(undefined, {})).toBe('en');
    // LC_ALL overrides LANG, as POSIX has it.
    expect(reportLang(undefined, { LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(reportLang(undefined, { LC_ALL: '', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh');
  });
});
