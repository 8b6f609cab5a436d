/**
 * Every diagnosis code in Chinese: for each code the grader's sections declare (runner/grade/
 * catalogue.ts gathers them), a renderer taking the same params as the English one and the causes
 * already worded in Chinese. The codes and params are the contract (runner/grade/diagnosis.ts); the
 * English renderers beside each section say what the params mean.
 *
 * Pure TypeScript with no Node imports: the site's theme imports this file to show a verdict on a
 * zh page, and the CLI's pretty reporter uses it for `--lang zh`. A test
 * (test/unit/diagnoses-zh.test.ts) names every code of the catalogue that has no renderer here.
 *
 * Terms follow the Chinese tutorials the labs are built on: 主备, 抢占 / 非抢占, 脑裂, 单播 / 组播,
 * 健康检查, VIP 漂移, 优先级, 通告. keepalived's own words (MASTER, BACKUP, vrrp_instance, nopreempt...)
 * stay as the config and the logs spell them.
 */
import type { DiagnosisData } from '../../grade/diagnosis.ts';
import { clockTime, listZh, runStateZh, seconds1, seconds2 } from './words.ts';

/** Words a code's params in Chinese, given its causes already worded in Chinese. */
export type ZhRenderer<P> = (params: P, causes: readonly string[]) => string;

type Node = string;
type DropRule = { chain: string; rule: string };

/** Causes that are whole sentences, one after another. */
const then = (causes: readonly string[]) => causes.join('');
/** keepalived's complaint, quoted: "；keepalived 日志："…"". */
const saidAs = (line: string | null) => (line ? `；keepalived 日志："${line}"` : '');
const rulesText = (rules: readonly DropRule[]) => rules.map((r) => `链 ${r.chain}：${r.rule}`).join('；');

// ---- runner/grade/withheld.ts ----

interface Gap {
  node: Node;
  watcher: string;
  from: number;
  to: number | null;
}
const during = (g: Gap) => `${g.node}（${g.watcher}，${g.to === null ? `自 ${clockTime(g.from)} 起` : `${clockTime(g.from)} 至 ${clockTime(g.to)}`}）`;

const WITHHELD = {
  'observation-lost': (p: { gaps: Gap[] }) => `评分器没能观测到 ${listZh(p.gaps.map(during))}：宁可暂不判定，也不凭猜测下结论`,
  'check-aborted': () => '检查在得出判定之前被中止了。',
  'action-failed': (p: { step: string; error: string }) => `runner 没能执行步骤 ${p.step} 的动作：${p.error}`,
};

// ---- runner/grade/wire-timing.ts ----

interface Disagreement {
  node: string;
  vrid: number;
  field: string;
  config: number | null;
  wire: number;
  source?: string;
}

const WIRE = {
  'verdict-timed-from-wire': (_: Record<string, never>, causes: readonly string[]) => then(causes),
  'cause-timing-from-wire': (p: { disagreements: Disagreement[] }) =>
    `本步骤按节点实际运行的参数计时，而不是按它们的配置文件：${p.disagreements
      .map((d) => {
        const says = d.source === 'keepalived' ? `${d.node} 的 keepalived 以 ${d.wire} 秒的间隔运行 VRID ${d.vrid}` : `${d.node} 每 ${d.wire} 秒发送一次 VRID ${d.vrid} 的通告`;
        return d.field === 'instance'
          ? `${says}，但它的配置里没有哪个 vrrp_instance 使用这个 virtual_router_id（改了配置却没有重启，或者写在了 keepalived 会读取、评分器却读不到的文件里）`
          : `${says}，而它的配置写的是 advert_int ${d.config}（改了之后没有重启？）`;
      })
      .join('；')}。`,
};

// ---- runner/grade/diagnose.ts ----

/** Why the holder kept the VIP with its service stopped: nginx unless the lab says another (haproxy). */
const svc = (p: { service?: string }) => p.service ?? 'nginx';
const keptVip = (p: { holder: Node; service?: string }) => `${p.holder} 在 ${svc(p)} 已停止的情况下仍保留着 VIP`;

const VIP = {
  'vip-split-brain': (p: { holders: Node[]; vip: string }, causes: readonly string[]) =>
    `脑裂：${listZh(p.holders)} ${p.holders.length === 2 ? '同时' : '全都'}持有 VIP ${p.vip}。${
      causes.length
        ? `可能的原因：${causes.join('；')}。`
        : '请检查两个节点的 virtual_router_id、auth_pass 和单播对端（unicast_peer）：它们必须一致，两个节点才能收到彼此的通告。'
    }`,
  'cause-vrid-differs': (p: { a: Node; aVrid: number | null; b: Node; bVrid: number | null }) =>
    `virtual_router_id 不一致（${p.a}：${p.aVrid ?? '未设置'}，${p.b}：${p.bVrid ?? '未设置'}）：双方都把对方的通告当成另一台虚拟路由器的而忽略，于是都成了 MASTER；两边请使用同一个 id`,
  'cause-auth-differs': (p: { a: Node; aPass: string; b: Node; bPass: string }) =>
    `认证不一致（${p.a} 上的 auth_pass 是 ${JSON.stringify(p.aPass)}，${p.b} 上是 ${JSON.stringify(p.bPass)}；只有前 8 个字符有效）：认证不通过的通告会被丢弃；两边请使用相同的 auth_type 和 auth_pass`,
  'cause-version-differs': (p: { a: Node; aVersion: number; b: Node; bVersion: number }) =>
    `VRRP 版本不一致（${p.a}：VRRPv${p.aVersion}，${p.b}：VRRPv${p.bVersion}）：双方都把对方的通告当作版本不对而丢弃（keepalived 日志里有 "wrong version"）；两边请设置相同的 vrrp_version`,
  'cause-unicast-peer-misses': (p: { node: Node; peers: string[]; peer: Node }) =>
    `${p.node} 的 unicast_peer（${p.peers.join(', ')}）里没有 ${p.peer}，所以它的通告永远到不了 ${p.peer}`,
  'cause-unicast-one-sided': (p: { node: Node }) =>
    `只有 ${p.node} 使用单播：另一个节点仍向 224.0.0.18 发送组播通告，而单播的节点不接收组播；要么两边都配置单播，要么都不配置`,

  'keepalived-not-running': (p: { node: Node; holder: Node | null }, causes: readonly string[]) =>
    `${p.holder ? `${p.holder} 持有 VIP` : '没有节点持有 VIP'}：${p.node} 上的 keepalived 没有运行。${then(causes)}`,
  'cause-config-test-error': (p: { node: Node; error: string }) => `keepalived --config-test 报错：${p.error}`,
  'cause-config-test-passes': (p: { node: Node }) =>
    `${p.node} 的配置能通过 keepalived --config-test：请用 systemctl start keepalived 启动它，并查看 journalctl -u keepalived。`,

  'vip-only-on-frozen': (p: { frozen: Node[]; vip: string; stopped: Node[] }) =>
    `只有已冻结的 ${listZh(p.frozen)} 还持有 VIP ${p.vip}，没有运行中的节点接管${p.stopped.length ? `：${listZh(p.stopped)} 上的 keepalived 没有运行` : ''}。`,
  'vip-not-configured': (p: { node: Node; vip: string; listed: string[] }) =>
    `没有节点持有 VIP ${p.vip}：${p.node} 的 virtual_ipaddress ${p.listed.length ? `列的是 ${p.listed.join(', ')}，不是 ${p.vip}` : `是空的，没有 ${p.vip}`}。`,
  'vip-held-by-none': (p: { vip: string; stopped: Node[] }, causes: readonly string[]) =>
    `没有节点持有 VIP ${p.vip}${p.stopped.length ? `；${listZh(p.stopped)} 上的 keepalived 没有运行` : ''}。${
      causes.length ? then(causes) : '请查看各 lb 节点上的 journalctl -u keepalived。'
    }`,
  'cause-strict-refuses-config': (p: { node: Node }) =>
    `${p.node} 设置了 vrrp_strict，它会拒绝它认为不合规范的配置（例如单播、认证）：请查看 journalctl -u keepalived。`,

  'vip-held-by-other': (p: { holder: Node; vip: string; expected: Node }, causes: readonly string[]) => {
    const base = `持有 VIP ${p.vip} 的是 ${p.holder}，而不是 ${p.expected}`;
    if (causes.length) return `${base}：${then(causes)}`;
    return `${base}。请对比两个节点的 priority、state 和 nopreempt，并查看 ${p.expected} 上的 journalctl -u keepalived。`;
  },
  'cause-node-down': (p: { node: Node; run: string }) => `${p.node} ${runStateZh(p.run)}。`,
  'cause-priority-higher': (p: { holder: Node; holderPriority: number; expected: Node; expectedPriority: number }) =>
    `${p.holder} 的优先级（${p.holderPriority}）高于 ${p.expected} 的（${p.expectedPriority}）。要当 MASTER 的节点需要更高的优先级。`,
  'cause-expected-nopreempt': (p: { expected: Node }) => `${p.expected} 设置了 nopreempt（非抢占），所以不会从正在运行的 MASTER 手里抢回 VIP。`,
  'cause-equal-priority': (p: { priority: number }) => `两个节点的优先级都是 ${p.priority}，而 BACKUP 从不抢占优先级相同的 MASTER。`,
  'cause-preempt-delay': (p: { expected: Node; delayS: number }) =>
    `${p.expected} 设置了 preempt_delay ${p.delayS}（延迟抢占），会先等这么久再抢回 VIP。`,

  'cause-no-health-check': (p: { holder: Node; instance: string; service?: string }) =>
    `${keptVip(p)}：它的 keepalived.conf 里既没有 vrrp_script 也没有 track_script，没有任何东西告诉 keepalived ${svc(p)} 已经挂了。请定义一个检查 ${svc(p)} 的 vrrp_script（例如 killall -0 ${svc(p)}，weight -30），并在 vrrp_instance ${p.instance} 里用 track_script 引用它。`,
  'cause-track-script-missing': (p: { holder: Node; scripts: string[]; instance: string; priority: number; warning: string | null; service?: string }) =>
    `${keptVip(p)}：没有 track_script 把 vrrp_script ${listZh(p.scripts)} 关联到 vrrp_instance ${p.instance}，所以 keepalived 从不执行这个健康检查，${p.holder} 的优先级一直是 ${p.priority}。请在 vrrp_instance ${p.instance} 里加上 track_script { ${p.scripts[0]} }。${p.warning ? `（${p.warning}）` : ''}`,
  'cause-weight-too-small': (p: { holder: Node; expected: Node; priority: number; lowered: number; rival: number; service?: string }) =>
    `${keptVip(p)}：它的健康检查只把优先级从 ${p.priority} 降到 ${p.lowered}，没有低于 ${p.expected} 的 ${p.rival}，所以 ${p.expected} 不会抢占。请使用比两者差值更大的 weight（至少 ${p.priority - p.rival + 1}），或者让两边的优先级相同。`,
  'cause-health-check-not-failing': (p: { holder: Node; priority: number; scripts: string[]; service?: string }) =>
    `${keptVip(p)}：它通告的优先级仍是 ${p.priority}，说明健康检查 ${listZh(p.scripts)} 并没有失败。请确认 ${svc(p)} 停止时这个检查命令会失败（手动运行一次，然后 echo $?），并在 journalctl -u keepalived 里查看 VRRP_Script 相关的日志。`,

  'cause-nopreempt-with-master': (p: { node: Node }) =>
    `${p.node} 虽然设置了 nopreempt，还是把 VIP 抢了回来：初始状态为 MASTER 时 nopreempt 不起作用（keepalived 会清除它并记录 "nopreempt will not work"）；请把两个节点都设为 state BACKUP。`,
  'cause-nopreempt-with-owner-priority': (p: { node: Node }) =>
    `${p.node} 虽然设置了 nopreempt，还是把 VIP 抢了回来：优先级为 255（地址拥有者）时 nopreempt 不起作用（keepalived 会清除它并记录 "nopreempt will not work"）；请把优先级设为低于 255。`,
  'cause-preempts-when-healthy': (p: { taker: Node; takerPriority: number; keeper: Node; keeperPriority: number }) =>
    `${p.taker} 的优先级（${p.takerPriority}）高于 ${p.keeper} 的（${p.keeperPriority}）：健康检查恢复通过后，${p.taker} 回到 ${p.takerPriority} 并抢占了 ${p.keeper}，VIP 又漂移了一次。请让两边优先级相同：BACKUP 从不抢占优先级相同的 MASTER。`,
  'cause-no-nopreempt': (p: { taker: Node; takerPriority: number; keeper: Node; keeperPriority: number }) =>
    `${p.taker} 没有设置 nopreempt，优先级又更高（${p.takerPriority} > ${p.keeperPriority}），所以一有机会就会抢占 ${p.keeper}；请加上 nopreempt（并配合 state BACKUP），或者让两边的优先级相同。`,
};

// ---- runner/grade/strict-firewall.ts ----

const STRICT_FIREWALL = {
  'strict-drops-http': (p: { holder: Node; table: string; rules: DropRule[]; instance: string | null }) =>
    `${p.holder} 持有 VIP，但 keepalived 的严格模式装上了丢弃 VIP 流量的 nftables 规则（表 ${p.table}：${rulesText(p.rules)}）：在 ${
      p.instance ? `vrrp_instance ${p.instance}` : 'vrrp_instance'
    } 里加上 accept，就能保留严格模式、同时接收发往 VIP 的流量；或者从 global_defs 中去掉 vrrp_strict。`,
};

// ---- runner/grade/notify-diagnosis.ts ----

const MAILERS = {
  'mail-not-sent': (p: { node: Node }, causes: readonly string[]) => `${p.node} 上：${causes.join('；')}。`,
  'mail-no-config': (_: { node: Node }) => '没有 /etc/keepalived/keepalived.conf',
  'mail-keepalived-stopped': (_: { node: Node }) => 'keepalived 没有运行，也就没有谁来报告它的状态变化',
  'mail-no-mailer': (p: { instance: string | null; keyword: string | null; state: string }) => {
    const keyword = p.keyword ?? 'notify';
    return `${p.instance ? `vrrp_instance ${p.instance}` : 'vrrp_instance'} 既没有 ${keyword} 脚本也没有 smtp_alert，进入 ${p.state.toUpperCase()} 状态时不会发出任何邮件：请加上 ${keyword} "/etc/keepalived/notify.sh ${p.state.toLowerCase()}"（一个调用 mail 的脚本）或者 smtp_alert`;
  },
  'notify-script-missing': (p: { node: Node; keyword: string; path: string; logged: string | null }) =>
    `${p.keyword} 要运行 ${p.path}，但 ${p.node} 上没有这个文件${saidAs(p.logged)}：把脚本放到那里或者改正路径，然后重启 keepalived`,
  'notify-not-executable': (p: { keyword: string; path: string; mode: string | null; logged: string | null }) =>
    `${p.keyword} 要运行 ${p.path}，但它不可执行（权限 ${p.mode ?? '未知'}，没有执行位）${saidAs(p.logged)}：执行 chmod +x ${p.path}，然后重启 keepalived`,
  'notify-unsafe-permissions': (p: { path: string; logged: string }) =>
    `keepalived 拒绝执行 ${p.path}${saidAs(p.logged)}：启用 enable_script_security 时，脚本以及它上面的每一级目录都必须只有 root 可写（chmod 755，属主 root），改好后重启 keepalived`,
  'notify-disabled-at-start': (p: { path: string; logged: string; mode: string | null }) =>
    `keepalived 启动时禁用了 ${p.path}${saidAs(p.logged)}；这个文件现在看起来没问题（权限 ${p.mode ?? '未知'}），重启 keepalived 让它重新检查一遍`,
  'notify-looks-right': (p: { keyword: string; path: string; command: string }) =>
    `${p.keyword} 运行的 ${p.path} 存在且可执行：手动运行一次（${p.command}），再查看 journalctl -u msmtp，看看它发出的邮件去了哪里`,
  'smtp-no-server': () => 'smtp_alert 已开启，但 global_defs 里没有 smtp_server，keepalived 无处投递：请加上 smtp_server 127.0.0.1',
  'smtp-no-recipient': () => 'smtp_alert 已开启，但 global_defs 里没有 notification_email，keepalived 不知道发给谁',
  'smtp-error': (p: { server: string; logged: string }) => `smtp_alert 已开启（smtp_server ${p.server}），keepalived 日志："${p.logged}"`,
  'smtp-no-error': (p: { server: string }) => `smtp_alert 已开启（smtp_server ${p.server}），keepalived 没有记录 SMTP 错误：请查看 journalctl -u keepalived | grep -i smtp`,
};

// ---- runner/kinds/expectations/served-by.ts ----

const notServed = (p: { node: Node; url: string }, what: string, causes: readonly string[] = []) =>
  `client 没有得到 ${p.node} 的页面：${p.url} ${what}。${then(causes)}`;

const SERVED_BY = {
  'served-by-node': (p: { node: Node; url: string }) => `client 从 ${p.url} 得到了 ${p.node} 的页面。`,
  'served-wrong-node': (p: { node: Node; url: string; answered: string }) => notServed(p, `返回的是 ${p.answered} 的页面`),
  'served-no-node-page': (p: { node: Node; url: string; status: number }) => notServed(p, `返回了 HTTP ${p.status}，但不是任何节点的页面`),
  'served-timeout': (p: { node: Node; url: string }, causes: readonly string[]) => notServed(p, '超时了', causes),
  'served-error': (p: { node: Node; url: string; detail: string }, causes: readonly string[]) => notServed(p, `请求失败（${p.detail}）`, causes),
  'cause-holder-not-serving': (p: { holders: Node[] }) => `${listZh(p.holders)} 持有 VIP：请检查那里的 nginx 是否在运行（systemctl status nginx）。`,
};

// ---- runner/kinds/expectations/advertises.ts ----

const withNginx = (stopped: boolean | null) => (stopped === null ? '' : stopped ? '（nginx 已停止）' : '（nginx 仍在运行）');

const ADVERTISES = {
  'advert-below': (p: { node: Node; history: number[]; rival: Node; rivalPriority: number; afterMs: number | null }) =>
    `${p.node} 通告的优先级变为 ${p.history.join(' → ')}${p.afterMs === null ? '' : `（动作后 ${seconds1(p.afterMs)}）`}：低于 ${p.rival} 的 ${p.rivalPriority}，所以 ${p.rival} 可以接管（tcpdump -nn vrrp 会显示 "prio ${p.history[p.history.length - 1]}"）。`,
  'advert-priority-seen': (p: { node: Node; priority: number; history: number[]; afterMs: number | null }) =>
    `${p.node} 通告的优先级变为 ${p.history.join(' → ')}：${p.afterMs === null ? '现在是' : `动作后 ${seconds1(p.afterMs)}时为`} ${p.priority}。`,
  'advert-not-below': (p: { node: Node; priority: number; rival: Node; rivalPriority: number; nginxStopped: boolean | null }, causes: readonly string[]) =>
    `${p.node} 通告的优先级是 ${p.priority}${withNginx(p.nginxStopped)}，${p.priority > p.rivalPriority ? '仍然高于' : '并不低于'} ${p.rival} 的 ${p.rivalPriority}。${then(causes)}`,
  'advert-priority-not-seen': (p: { node: Node; priority: number; history: number[] }) =>
    `动作之后 ${p.node} 通告的优先级依次是 ${p.history.join(' → ')}，从来没有出现过 ${p.priority}。`,
  'adverts-none-from-node': (p: { node: Node; keepalived: boolean }) =>
    `动作之后 ${p.node} 没有发出任何 VRRP 通告：${
      p.keepalived ? '只有 MASTER 才发通告，而它不是 MASTER（journalctl -u keepalived 里能看到它的状态）' : '它上面的 keepalived 没有运行'
    }。`,
};

// ---- runner/kinds/expectations/strict-mode.ts ----

const STRICT_MODE = {
  'strict-mode-on': (p: { node: Node; instance: string; by: 'vrrp_strict' | 'strict_mode'; table: string | null; rules: DropRule[] }) => {
    const by = p.by === 'vrrp_strict' ? 'global_defs 中的 vrrp_strict' : '实例中的 strict_mode on';
    const firewall = p.rules.length ? `keepalived 的表 ${p.table} 会丢弃发往 VIP 的流量（${rulesText(p.rules)}）` : 'keepalived 在这里没有丢弃 VIP 流量的规则';
    return `${p.node} 以严格模式运行 vrrp_instance ${p.instance}（${by}）；${firewall}。`;
  },
  'strict-mode-off': (p: { node: Node; instance: string; turnedOff: boolean }) =>
    `${p.node} 没有以严格模式运行 vrrp_instance ${p.instance}：${
      p.turnedOff ? 'global_defs 里有 vrrp_strict，但这个实例把它关掉了（strict_mode off）' : '它的 keepalived.conf 的 global_defs 里没有 vrrp_strict'
    }。本实验要求保持严格模式：在 global_defs 中加上 vrrp_strict，让实例符合严格模式的要求（VRRPv3、不用认证），并加上 accept，这样 VIP 仍能接收流量。`,
  'strict-mode-no-instance': (p: { node: Node; vip: string }) => `${p.node} 的 keepalived.conf 里没有负责 VIP ${p.vip} 的 vrrp_instance，也就无从检查严格模式。`,
  'strict-mode-keepalived-stopped': (p: { node: Node }) => `${p.node} 上的 keepalived 没有运行，那里也就谈不上严格模式。`,
};

// ---- runner/kinds/expectations/pingable.ts ----

const PINGABLE = {
  'ping-answered': (p: { vip: string; rttMs: number | null }) => `${p.vip} 回应了 client 的 ping${p.rttMs === null ? '' : `（${p.rttMs} ms）`}。`,
  'ping-unanswered': (p: { vip: string; holders: Node[] }, causes: readonly string[]) =>
    `${p.vip} 不回应 client 的 ping${p.holders.length ? `，尽管 ${p.holders.join(' 和 ')} 持有它` : '：没有运行中的节点持有它'}。${then(causes)}`,
};

// ---- runner/kinds/expectations/mail-announces.ts ----

type MailSummary = { sender: Node | null; client: string | null; subject: string; body: string };
const firstLine = (body: string) => body.split('\n')[0]!.slice(0, 80);
function describeMail(m: MailSummary): string {
  const who = m.sender ? `${m.sender}（${m.client}）` : m.client ? m.client : '未知发件人';
  const what = m.subject ? `"${m.subject}"` : `无主题，正文 "${firstLine(m.body)}"`;
  return `${who}：${what}`;
}
function describeArrivals(mails: readonly MailSummary[], limit = 4): string {
  const shown = mails.slice(-limit).map(describeMail);
  const more = mails.length > limit ? `先是更早的 ${mails.length - limit} 封，然后是 ` : '';
  return `${more}${shown.join('；')}`;
}

const MAIL = {
  'mail-received': (p: { mail: MailSummary; afterMs: number }) =>
    `mail 节点在动作开始后 ${(p.afterMs / 1000).toFixed(1)} 秒收到了一封邮件，来自 ${describeMail(p.mail)}。`,
  'mail-missing': (p: { from: Node; state: string; withinMs: number; arrivals: MailSummary[] }, causes: readonly string[]) => {
    const { arrivals } = p;
    const arrived = arrivals.length === 0 ? '根本没有收到任何邮件' : `它${arrivals.length === 1 ? '只' : ''}收到了 ${describeArrivals(arrivals)}`;
    return `动作后 ${(p.withinMs / 1000).toFixed(0)} 秒内，mail 节点没有收到 ${p.from} 宣告进入 ${p.state.toUpperCase()} 状态的邮件：${arrived}。${then(causes)}`;
  },
};

// ---- runner/kinds/expectations/vip-stays.ts ----

type Move = 'came-back' | 'none' | 'taken' | 'shared';
const MOVES: Record<Move, (node: Node, holders: readonly Node[]) => string> = {
  'came-back': (node, holders) => `${holders.length === 0 ? '一度没有任何节点持有它' : `${listZh(holders)} 一度持有它`}，随后又只在 ${node} 上`,
  none: () => '没有任何节点持有它',
  taken: (_, holders) => `${holders[0]} 接管了它`,
  shared: (_, holders) => `${listZh(holders)} 同时持有它`,
};

const VIP_STAYS = {
  'vip-stayed': (p: { node: Node; vip: string; heldMs: number }) => `${p.node} 一直持有 VIP ${p.vip}，持续 ${seconds1(p.heldMs)}，没有发生漂移。`,
  'vip-moved': (p: { node: Node; afterMs: number; move: Move; holders: Node[] }, causes: readonly string[]) =>
    `VIP 没有留在 ${p.node} 上：动作后 ${seconds1(p.afterMs)}，${MOVES[p.move](p.node, p.holders)}。${then(causes)}`,
};

// ---- runner/kinds/expectations/vip-on.ts ----

const VIP_ON = {
  'vip-on-node': (p: { node: Node; vip: string }) => `${p.node} 持有 VIP ${p.vip}，其他运行中的节点都没有。`,
};

// ---- runner/kinds/expectations/split-brain.ts ----

const SPLIT_BRAIN = {
  'split-brain-seen': (p: { holders: Node[]; vip: string; afterMs: number; heldMs: number }) =>
    `出现了脑裂，正如切断心跳所预期的：${listZh(p.holders)} 同时持有 VIP ${p.vip}（从动作后 ${seconds1(p.afterMs)}开始，${seconds1(p.heldMs)}之后依然如此）。` +
    `每个节点上 ip -br addr show eth0 都列出 ${p.vip}，journalctl -u keepalived 都显示 "Entering MASTER STATE"；每个节点都以 MASTER 的身份发送自己的通告（在 client 上运行 tcpdump -nn vrrp 能看到两路通告）。` +
    `client 以最后收到的免费 ARP（gratuitous ARP）为准，所以它得到的应答会来回翻转：先是刚拿到 VIP 的节点，等另一个节点用新一轮选举（journalctl："forcing new election"）和它自己的免费 ARP 回应对方的通告时，又翻回去。`,
  'split-brain-resolved': (p: { taker: Node; yielder: Node; vip: string; afterMs: number }, causes: readonly string[]) =>
    `没有出现脑裂：${p.taker} 在动作后 ${seconds1(p.afterMs)}拿到了 VIP ${p.vip}，${p.yielder} 随即让出，所以只有 ${p.taker} 持有它。${then(causes)}`,
  'cause-higher-address-wins': (p: { winner: Node; winnerAddress: string; loser: Node; loserAddress: string; priority: number }) =>
    `两边的优先级都是 ${p.priority}，而优先级相同时 VRRP 选地址较大的一方：${p.winner}（${p.winnerAddress}）胜过 ${p.loser}（${p.loserAddress}），所以仍能收到 ${p.winner} 通告的 ${p.loser} 在第一条通告时就转成了 BACKUP。给 ${p.loser} 更高的优先级：这样它会无视 ${p.winner} 优先级较低的通告，同样保持 MASTER。`,
  'cause-higher-priority-wins': (p: { winner: Node; winnerPriority: number; loser: Node; loserPriority: number }) =>
    `${p.winner} 通告的优先级是 ${p.winnerPriority}，高于 ${p.loser} 的 ${p.loserPriority}，所以 ${p.loser} 一收到 ${p.winner} 的第一条通告就转成了 BACKUP。`,
  'split-brain-not-seen': (p: { holders: Node[]; silent: Node[]; vip: string; withinMs: number; stopped: Node[] }) =>
    `${seconds1(p.withinMs)}内没有出现脑裂：${p.holders.length ? `只有 ${listZh(p.holders)} 持有过 VIP ${p.vip}` : `没有节点持有过 VIP ${p.vip}`}，${listZh(p.silent)} 从未拿到它。${
      p.stopped.length
        ? `${listZh(p.stopped)} 上的 keepalived 没有运行。`
        : `${listZh(p.silent)} 仍能收到 MASTER 的通告：心跳真的切断了吗（在 ${listZh(p.silent)} 上运行 nft list ruleset，应能看到实验的 kalab_fault 表）？`
    }`,
};

// ---- runner/kinds/expectations/failover-within.ts ----

type Figures = { from: Node; to: Node; failoverMs: number; outageMs: number | null; failedRequests: number; requests: number };
type Budget = { budgetFailoverMs: number; budgetOutageMs: number };
/** The interval a sub-second failover is built on (failover-within.ts's FAST_ADVERT_S). */
const FAST_ADVERT_S = 0.1;
const lost = (p: Figures) => `${p.requests} 个请求中有 ${p.failedRequests} 个失败`;
const outage = (p: Figures, budget: number) =>
  p.outageMs === null ? `client 一直没有再得到应答（预算 ${seconds2(budget)}）` : `client 有 ${seconds2(p.outageMs)}得不到应答（预算 ${seconds2(budget)}）`;

const FAILOVER = {
  'failover-within-budget': (p: Figures & Budget) =>
    `${p.from} → ${p.to} 用时 ${seconds2(p.failoverMs)}（预算 ${seconds2(p.budgetFailoverMs)}）；${outage(p, p.budgetOutageMs)}，${lost(p)}。`,
  'failover-over-budget': (p: Figures & Budget, causes: readonly string[]) =>
    `对 VIP 的用户来说太慢了：${p.from} → ${p.to} 用时 ${seconds2(p.failoverMs)}（预算 ${seconds2(p.budgetFailoverMs)}）；${outage(p, p.budgetOutageMs)}，${lost(p)}。${then(causes)}`,
  'failover-vip-stayed': (p: { holders: Node[]; budgetFailoverMs: number }) =>
    `VIP 没有漂移到别的节点（${p.holders.length ? `仍由 ${p.holders.join('、')} 持有` : '没有运行中的节点持有它'}），所以没有可以对照 ${seconds2(p.budgetFailoverMs)}预算计时的故障切换。`,
  'failover-not-measured': () =>
    '这次故障切换没有被测量：只有评分器亲自执行该步骤的动作时（工作台上该步骤的按钮，或 kalab check），它才会计时并持续探测 client。',
  'cause-advert-int-rounded': (p: { node: Node; instance: string; logged: string; advertIntS: number; masterDownMs: number }) =>
    `${p.node} 的 keepalived 记录了 "${p.logged}"：VRRPv2 只能携带整秒，所以它实际以 advert_int ${p.advertIntS} 运行，要等 ${seconds2(p.masterDownMs)}（它的 Master_Down_Interval）才会接管。请在 global_defs 中加上 vrrp_version 3（或在 vrrp_instance ${p.instance} 中加上 version 3），改用厘秒级的通告。`,
  'cause-master-down-interval': (p: { node: Node; version: number; advertIntS: number; priority: number; masterDownMs: number; fastMs: number }) =>
    `${p.node} 要在整个 Master_Down_Interval 内都收不到通告才会接管 VIP：3 × ${p.advertIntS} 秒 + 优先级 ${p.priority} 对应的偏移（skew）= ${seconds2(p.masterDownMs)}（VRRPv${p.version}，advert_int ${p.advertIntS}），光这一项就超出了预算。改用 vrrp_version 3 和 advert_int ${FAST_ADVERT_S} 后只需 ${seconds2(p.fastMs)}。`,
};

// ---- runner/kinds/expectations/unicast-only.ts ----

const adverts = (n: number) => `${n} 条通告`;
function unicastHint(p: { lbNodes: Node[]; configureOn: Node[]; restartOn: Node[] }): string {
  const hints: string[] = [];
  if (p.configureOn.length > 0) {
    const every = p.configureOn.length === p.lbNodes.length;
    const where = every ? (p.lbNodes.length === 2 ? '在两个节点上都' : '在每个 lb 节点上都') : `也在 ${listZh(p.configureOn)} 上`;
    hints.push(`请${where}设置 unicast_src_ip 和 unicast_peer`);
  }
  if (p.restartOn.length > 0) {
    hints.push(`${listZh(p.restartOn)} 的 keepalived.conf 里有 unicast_peer，但正在运行的 keepalived 仍在用组播：请在那里重启 keepalived`);
  }
  return hints.length ? `：${hints.join('；')}` : '';
}

const UNICAST = {
  'adverts-unicast': (p: { count: number; windowMs: number; routes: { node: Node; src: string; peer: Node; dst: string }[] }) =>
    `${seconds1(p.windowMs)}内的全部 ${adverts(p.count)}都是单播（${p.routes.map((r) => `${r.node} ${r.src} → ${r.peer} ${r.dst}`).join('；')}）；没有一条发往 224.0.0.18。`,
  'adverts-none-keepalived-stopped': (p: { windowMs: number; lbNodes: Node[] }) =>
    `${seconds1(p.windowMs)}内没有看到任何 VRRP 通告：${p.lbNodes.length === 2 ? '两个 lb 节点上的 keepalived 都没有运行' : `${listZh(p.lbNodes)} 上的 keepalived 没有运行`}。`,
  'adverts-none-silent': (p: { windowMs: number; running: Node[] }) =>
    `${seconds1(p.windowMs)}内没有看到任何 VRRP 通告：${listZh(p.running)} 上运行着 keepalived，却什么也没发：处于 FAULT 状态的节点，或者一直没选出 MASTER，都不会发通告；请查看 journalctl -u keepalived。`,
  'adverts-not-unicast': (p: { lbNodes: Node[]; configureOn: Node[]; restartOn: Node[] }, causes: readonly string[]) => `${causes.join('；')}${unicastHint(p)}。`,
  'advert-multicast': (p: { node: Node; count: number; dst: string }) => `${p.node} 向 ${p.dst} 发送了 ${adverts(p.count)}（组播）`,
  'advert-to-non-peer': (p: { node: Node; count: number; dst: string; dstNode: Node | null; peers: { node: Node; address: string }[] }) => {
    const what = p.dstNode === p.node ? '它自己的地址' : p.dstNode ? `${p.dstNode}，不是 lb 节点` : '不是任何 lb 节点';
    const peers = listZh(p.peers.map((peer) => `${peer.node} 的 ${peer.address}`)) || '另一个 lb 节点';
    return `${p.node} 向 ${p.dst}（${what}）发送了 ${adverts(p.count)}：它的 unicast_peer 应当列出 ${peers}`;
  },
  'advert-wrong-source': (p: { node: Node; count: number; src: string; own: string }) =>
    `${p.node} 从 ${p.src} 而不是从它自己的地址 ${p.own} 发出了 ${adverts(p.count)}：请设置 unicast_src_ip ${p.own}`,
};

// ---- runner/kinds/expectations/vip-stays-then-moves.ts ----

const PREEMPT_DELAY = {
  'vip-stayed-then-moved': (p: { from: Node; to: Node; vip: string; delayS: number; movedAfterMs: number }) =>
    `在 ${p.to} 的 preempt_delay（${p.delayS} 秒）期间，${p.from} 一直持有 VIP ${p.vip}，之后 ${p.to} 接管了它，距动作 ${seconds1(p.movedAfterMs)}。`,
  'vip-moved-early': (p: { from: Node; to: Node; vip: string; afterMs: number; holdS: number; holders: Node[] }, causes: readonly string[]) =>
    `${
      p.holders.length === 1 && p.holders[0] === p.to
        ? `${p.to} 拿走了 VIP ${p.vip}`
        : p.holders.length
          ? `${listZh(p.holders)} 持有了 VIP ${p.vip}`
          : `${p.from} 失去了 VIP ${p.vip}`
    }，距动作仅 ${seconds1(p.afterMs)}，${p.holdS} 秒的 preempt_delay 还没有结束。${then(causes)}`,
  'cause-preempt-delay-with-master': (p: { node: Node; delayS: number }) =>
    `${p.node} 的 state 是 MASTER，而 keepalived 会为初始状态为 MASTER 的实例清除 preempt_delay（日志里有 "preempt delay will not work with initial state MASTER - clearing"），所以它的 preempt_delay ${p.delayS} 不起作用，一个 Master_Down_Interval 之后就会抢占。请把两个节点都设为 state BACKUP。`,
  'cause-preempt-delay-cleared': (p: { node: Node; delayS: number; why: 'nopreempt' | 'strict mode' }) =>
    `${p.node} 的 preempt_delay ${p.delayS} 在${p.why === 'nopreempt' ? ' nopreempt ' : '严格模式'}下不起作用：keepalived 会把它重置为 0。`,
  'cause-no-preempt-delay': (p: { node: Node }) =>
    `${p.node} 的 vrrp_instance 没有设置 preempt_delay，所以 Master_Down_Interval 一到就会抢占。请加上 preempt_delay 10（并配合 state BACKUP）。`,
  'cause-preempt-delay-short': (p: { node: Node; delayS: number; minDelayS: number }) =>
    `${p.node} 的 preempt_delay 是 ${p.delayS} 秒；本步骤要求至少 ${p.minDelayS} 秒。`,
};

/** Every code's Chinese renderer. A code the catalogue has and this lacks fails test/unit/diagnoses-zh.test.ts. */
export const ZH_DIAGNOSES = {
  ...WITHHELD,
  ...WIRE,
  ...VIP,
  ...STRICT_FIREWALL,
  ...MAILERS,
  ...SERVED_BY,
  ...ADVERTISES,
  ...STRICT_MODE,
  ...PINGABLE,
  ...MAIL,
  ...VIP_STAYS,
  ...VIP_ON,
  ...SPLIT_BRAIN,
  ...FAILOVER,
  ...UNICAST,
  ...PREEMPT_DELAY,
} satisfies Record<string, ZhRenderer<never>>;

export type ZhCode = keyof typeof ZH_DIAGNOSES;

export function hasZh(code: string): code is ZhCode {
  return Object.prototype.hasOwnProperty.call(ZH_DIAGNOSES, code);
}

/**
 * The Chinese text of a diagnosis given as data, its causes rendered first; undefined when a code
 * in it has no Chinese yet (the caller shows the English instead, rather than half of each).
 */
export function renderDiagnosisZh(d: DiagnosisData): string | undefined {
  if (!hasZh(d.code)) return undefined;
  const causes: string[] = [];
  for (const cause of d.causes ?? []) {
    const text = renderDiagnosisZh(cause);
    if (text === undefined) return undefined;
    causes.push(text);
  }
  const render = ZH_DIAGNOSES[d.code] as ZhRenderer<DiagnosisData['params']>;
  return render(d.params, causes);
}
