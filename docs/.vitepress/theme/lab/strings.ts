/**
 * The widget's words in each language the site has (English, and Chinese under /zh/), chosen by
 * the page's `lang` (VitePress's `useData().lang`: "en-US", "zh-CN"). `{name}` in a text is filled
 * from the params. Plain data and functions, so a unit test can hold every key to both languages.
 */

export type UiLang = 'en' | 'zh';

/** Each key's text in both languages (test/unit/widget-classroom-strings.test.ts checks the pairs). */
export const STRINGS = {
  'lab.loading': { en: 'Loading the lab…', zh: '正在加载实验…' },

  // ---- joining a class ----
  'join.intro': {
    en: 'This workbench is running a class: join it to get your own copy of the lab.',
    zh: '这个工作台正在上课：加入后你会得到一份属于自己的实验环境。',
  },
  'join.name': { en: 'Name', zh: '姓名' },
  'join.code': { en: 'Join code', zh: '加入码' },
  'join.submit': { en: 'Join', zh: '加入' },
  'join.joining': { en: 'Joining…', zh: '正在加入…' },
  'join.code.hint': { en: 'The instructor shows it on the class screen.', zh: '讲师会在课堂屏幕上展示。' },
  'join.failed': { en: 'The runner did not let you join (HTTP {status}).', zh: '运行器没有让你加入（HTTP {status}）。' },
  'join.unreachable': { en: 'The lab runner cannot be reached. Check the address and try again.', zh: '无法连接实验运行器。请检查地址后重试。' },
  'join.joinedAs': { en: 'Joined as {name}', zh: '已加入：{name}' },

  // ---- a classroom copy's lifetime ----
  'expiry.idle': {
    en: 'Idle for {minutes} min: the lab is removed at {at} unless you use it.',
    zh: '已空闲 {minutes} 分钟：除非你继续使用，实验将在 {at} 被删除。',
  },
  'expiry.lifetime': { en: 'The lab reaches its time limit at {at}: it is removed then.', zh: '实验将在 {at} 达到时长上限，届时会被删除。' },
  'expiry.soon': { en: 'The lab is removed at {at}.', zh: '实验将在 {at} 被删除。' },
  'reset.confirm.classroom': {
    en: 'Reset the lab? Its containers are replaced by fresh ones: files you wrote in them and your progress are lost.',
    zh: '重置实验？容器会换成全新的：你在其中写的文件和进度都会丢失。',
  },
  'progress.runner': { en: 'Steps passed (kept by the class runner)', zh: '已通过的步骤（由课堂运行器保存）' },

  // ---- the instructor page ----
  'class.title': { en: 'Class', zh: '课堂' },
  'class.joinCode': { en: 'Join code', zh: '加入码' },
  'class.joinHint': { en: 'Learners open a lab page and enter their name and this code.', zh: '学员打开实验页面，填写姓名和这个加入码。' },
  'class.count': { en: '{joined} joined · {running} labs running · at most {max}', zh: '已加入 {joined} 人 · 运行中的实验 {running} 个 · 上限 {max}' },
  'class.refused': { en: 'Open the instructor URL that kalab printed.', zh: '请打开 kalab 启动时打印的讲师地址。' },
  'class.connecting': { en: 'Connecting to the class…', zh: '正在连接课堂…' },
  'class.reconnecting': { en: 'Lost the connection to the runner; reconnecting…', zh: '与运行器的连接已断开，正在重连…' },
  'class.empty': { en: 'No learner has joined yet.', zh: '还没有学员加入。' },
  'class.col.name': { en: 'Learner', zh: '学员' },
  'class.col.lab': { en: 'Lab', zh: '实验' },
  'class.col.passed': { en: 'Passed', zh: '已通过' },
  'class.col.step': { en: 'Current step', zh: '当前步骤' },
  'class.col.vip': { en: 'VIP on', zh: 'VIP 所在' },
  'class.col.activity': { en: 'Last activity', zh: '最近活动' },
  'class.col.engine': { en: 'Engine', zh: '引擎' },
  'class.col.actions': { en: 'Actions', zh: '操作' },
  'class.allPassed': { en: 'all passed', zh: '全部通过' },
  'class.noVip': { en: 'none', zh: '无' },
  'class.noLab': { en: 'no lab started', zh: '尚未启动实验' },
  'class.reset': { en: 'Reset', zh: '重置' },
  'class.stop': { en: 'Stop', zh: '停止' },
  'class.watch': { en: 'Watch {node}', zh: '查看 {node}' },
  'class.watchLabel': { en: "Watch {node} of {name} (read-only)", zh: '查看 {node}（{name}，只读）' },
  'class.confirmReset': { en: "Reset {name}'s {lab}? Their copy is replaced by a fresh one and their progress is cleared.", zh: '重置 {name} 的 {lab}？其实验会换成全新的，进度清零。' },
  'class.confirmStop': { en: "Stop {name}'s {lab}? Its containers are removed.", zh: '停止 {name} 的 {lab}？其容器将被删除。' },
  'class.stuck': { en: 'Where the class is', zh: '全班进度' },
  'class.stuckStep': { en: '{lab}, step {step}: {learners} on it', zh: '{lab} 的步骤 {step}：{learners} 人' },
  'class.stuckDiagnosis': { en: 'Most frequent diagnosis ({count}×):', zh: '最常见的诊断（{count} 次）：' },
  'class.stuckNone': { en: 'Nobody is stuck on a step right now.', zh: '目前没有人卡在某个步骤上。' },
  'class.results': { en: 'Results', zh: '成绩' },
  'class.resultsCsv': { en: 'All results (CSV)', zh: '全部成绩（CSV）' },
  'class.junit': { en: "{name}'s JUnit report", zh: '{name} 的 JUnit 报告' },
  'class.readOnly': { en: "read-only: {name}'s {node}", zh: '只读：{name} 的 {node}' },
  'class.unwatch': { en: 'Stop watching', zh: '停止查看' },
  'class.watchHint': { en: "Press a Watch button to follow a learner's terminal here, read-only.", zh: '点击“查看”按钮，可在此只读跟随学员的终端。' },
  'class.watchEnded': { en: "[the shell ended (exit {code})]", zh: '[shell 已结束（退出码 {code}）]' },
  // A learner's lab status, in the row beside the lab's name (English: the runner's own words).
  'class.status.running': { en: 'running', zh: '运行中' },
  'class.status.starting': { en: 'starting', zh: '启动中' },
  'class.status.stopping': { en: 'stopping', zh: '停止中' },
  'class.status.stopped': { en: 'stopped', zh: '已停止' },
  'class.status.failed': { en: 'failed', zh: '启动失败' },

  // ---- the lab widget: its bar and notices ----
  'lab.heading': { en: 'Lab: {title}', zh: '实验：{title}' },
  'lab.status.unreachable': { en: 'runner not reachable', zh: '运行器无法连接' },
  'lab.status.connecting': { en: 'connecting…', zh: '正在连接…' },
  'lab.status.running': { en: 'running · VIP {vip}', zh: '运行中 · VIP {vip}' },
  'lab.status.starting': { en: 'starting…', zh: '正在启动…' },
  'lab.status.stopping': { en: 'stopping…', zh: '正在停止…' },
  'lab.status.failed': { en: 'failed', zh: '失败' },
  'lab.status.stopped': { en: 'stopped', zh: '已停止' },
  'progress.browser': { en: 'Steps passed (kept in this browser)', zh: '已通过的步骤（保存在这个浏览器里）' },
  'progress.count': { en: '{passed}/{total} passed', zh: '已通过 {passed}/{total}' },
  'lab.start': { en: 'Start', zh: '启动' },
  'lab.reset': { en: 'Reset', zh: '重置' },
  'lab.stop': { en: 'Stop', zh: '停止' },
  'reset.confirm': {
    en: 'Reset the lab? Its containers are replaced by fresh ones: files you wrote in them are lost (your progress is kept).',
    zh: '重置实验？容器会换成全新的：你在其中写的文件都会丢失（进度会保留）。',
  },
  'runner.unreachable': { en: 'The lab runner is not running. Start it with {command} and reload.', zh: '实验运行器没有运行。请用 {command} 启动它，然后刷新页面。' },
  'runner.reconnecting': { en: 'Lost the connection to the lab runner; reconnecting…', zh: '与实验运行器的连接已断开，正在重连…' },
  dismiss: { en: 'Dismiss', zh: '关闭' },
  'tab.files': { en: '{node} files', zh: '{node} 文件' },
  'dock.dock': { en: '⤓ dock to bottom', zh: '⤓ 停靠到底部' },
  'dock.undock': { en: '⤒ undock', zh: '⤒ 取消停靠' },
  'dock.dockHint': { en: 'Keep the terminals at the bottom of the window while you read the tutorial', zh: '阅读教程时把终端固定在窗口底部' },
  'dock.undockHint': { en: 'Put the terminals back in the page', zh: '把终端放回页面中' },
  'empty.unreachable': { en: 'Terminals appear here once the lab runner is reachable.', zh: '连上实验运行器之后，终端会显示在这里。' },
  'empty.starting': { en: "Starting the lab's containers…", zh: '正在启动实验的容器…' },
  'empty.idle': {
    en: "Press {start} to bring up the lab's containers: a terminal for each node appears here.",
    zh: '点击 {start} 启动实验的容器：每个节点的终端都会显示在这里。',
  },

  // ---- running the tutorial's commands (the steps' buttons, the page's ▶ buttons) ----
  'run.notConnected': { en: 'The lab runner is not connected.', zh: '实验运行器没有连接。' },
  'run.notRunning': { en: 'Start the lab first (the Start button above).', zh: '请先启动实验（上方的“启动”按钮）。' },
  'run.noTerminal': { en: 'This lab has no terminal for {node}.', zh: '这个实验没有 {node} 的终端。' },
  'run.button': { en: '▶ run on {node}', zh: '▶ 在 {node} 上运行' },
  'run.buttonHint': { en: "Send this command to {node}'s terminal and press Enter", zh: '把这条命令发送到 {node} 的终端并回车' },

  // ---- who holds the VIP (the panel's headline, the tab bar) ----
  'vip.the': { en: 'the VIP', zh: 'VIP' },
  'vip.none': { en: 'no node holds {what}', zh: '没有节点持有 {what}' },
  'vip.one': { en: '{node} holds {what}', zh: '{node} 持有 {what}' },
  'vip.oneFrozen': { en: '{node} holds {what} (frozen)', zh: '{node} 持有 {what}（已冻结）' },
  'vip.split': { en: 'split brain: {nodes} both hold {what}', zh: '脑裂：{nodes} 同时持有 {what}' },
  'vip.several': { en: '{nodes} hold {what}', zh: '{nodes} 都持有 {what}' },
  'vip.frozenNode': { en: '{node} (frozen)', zh: '{node}（已冻结）' },
  'list.and': { en: '{a} and {b}', zh: '{a} 和 {b}' },

  // ---- the VIP panel ----
  'vip.title': { en: 'Virtual IP', zh: '虚拟 IP' },
  'vip.titles': { en: 'Virtual IPs', zh: '虚拟 IP（多个）' },
  'vip.col.node': { en: 'node', zh: '节点' },
  'vip.col.vips': { en: 'VIPs', zh: '持有的 VIP' },
  'vip.col.state': { en: 'node state', zh: '节点状态' },
  'vip.col.priority': { en: 'priority', zh: '优先级' },
  'vip.col.priorityHint': { en: 'Priority in the latest VRRP advert of the node', zh: '该节点最近一条 VRRP 通告中的优先级' },
  'vip.col.prioritiesHint': {
    en: 'Priority in the latest VRRP advert of each virtual_router_id (vrid: priority)',
    zh: '每个 virtual_router_id 最近一条 VRRP 通告中的优先级（vrid: 优先级）',
  },
  'vip.holds': { en: '● holds', zh: '● 持有' },
  'node.running': { en: 'running', zh: '运行中' },
  'node.frozen': { en: 'frozen', zh: '已冻结' },
  'node.stopped': { en: 'stopped', zh: '已停止' },
  'keepalived.on': { en: 'on', zh: '运行' },
  'keepalived.off': { en: 'off', zh: '未运行' },
  'vip.empty': { en: 'Shown while the lab runs.', zh: '实验运行时显示。' },

  // ---- the steps ----
  'steps.title': { en: 'Steps', zh: '步骤' },
  'steps.empty': { en: 'The steps appear once the lab runner answers.', zh: '实验运行器响应之后，这里会列出各个步骤。' },
  'step.todo': { en: 'not checked', zh: '未检查' },
  'step.checking': { en: 'checking…', zh: '检查中…' },
  'step.passed': { en: 'passed', zh: '已通过' },
  'step.failed': { en: 'not yet', zh: '还没通过' },
  'step.send': { en: "Send to {node}'s terminal and press Enter", zh: '发送到 {node} 的终端并回车' },
  'step.working': { en: 'working…', zh: '执行中…' },
  'step.check': { en: 'Check', zh: '检查' },
  'step.waiting': { en: 'Waiting for VRRP to settle, then judging against the live lab…', zh: '等待 VRRP 状态稳定下来，再对照正在运行的实验进行判定…' },
  // The runner's step buttons (runner/kinds/actions/*.ts `button`), by the action's kind.
  'action.freeze': { en: '❄ Freeze {node}', zh: '❄ 冻结 {node}' },
  'action.unfreeze': { en: '▶ Unfreeze {node}', zh: '▶ 解冻 {node}' },
  'action.stop-keepalived': { en: '■ Stop keepalived on {node}', zh: '■ 停掉 {node} 上的 keepalived' },
  'action.stop-nginx': { en: '■ Stop nginx on {node}', zh: '■ 停掉 {node} 上的 nginx' },
  'action.disconnect': { en: '⏏ Disconnect {node}', zh: '⏏ 断开 {node} 的网络' },
  'action.reconnect': { en: '⇄ Reconnect {node}', zh: '⇄ 重新连接 {node}' },
  'action.drop-vrrp': { en: '✂ Cut the heartbeat to {to}', zh: '✂ 切断到 {to} 的心跳' },
  'action.drop-vrrp.from': { en: "✂ Cut {from}'s heartbeat to {to}", zh: '✂ 切断 {from} 到 {to} 的心跳' },
  'action.heal-vrrp': { en: '✚ Heal the heartbeat to {node}', zh: '✚ 恢复到 {node} 的心跳' },

  // ---- the timeline ----
  'timeline.title': { en: 'Timeline', zh: '时间线' },
  'timeline.empty': { en: 'VIP moves and VRRP state changes show up here as they happen.', zh: 'VIP 漂移和 VRRP 状态变化会实时显示在这里。' },
  'tl.vip': { en: 'the VIP', zh: 'VIP' },
  'tl.vipAt': { en: 'the VIP {address}', zh: 'VIP {address}' },
  'tl.took': { en: '{node} took {vip} ({iface})', zh: '{node} 拿到了 {vip}（{iface}）' },
  'tl.released': { en: '{node} released {vip}', zh: '{node} 释放了 {vip}' },
  'tl.frozen': { en: '{node} frozen', zh: '{node} 已冻结' },
  'tl.running': { en: '{node} running', zh: '{node} 运行中' },
  'tl.stopped': { en: '{node} stopped', zh: '{node} 已停止' },
  'tl.keepalivedStarted': { en: 'keepalived started on {node}', zh: '{node} 上的 keepalived 已启动' },
  'tl.keepalivedStopped': { en: 'keepalived stopped on {node}', zh: '{node} 上的 keepalived 已停止' },
  'tl.mail': { en: 'mail from {sender}: {subject}', zh: '来自 {sender} 的邮件：{subject}' },
  'tl.unknownSender': { en: 'an unknown sender', zh: '未知发件人' },
  'tl.noSubject': { en: '(no subject)', zh: '（无主题）' },
  'tl.seesAgain': { en: 'the grader sees {node} again', zh: '评分器重新看到了 {node}' },
  'tl.lostSight': { en: 'the grader lost sight of {node} ({watchers})', zh: '评分器看不到 {node} 了（{watchers}）' },
  'tl.advert': { en: '{node} advertises priority {priority}', zh: '{node} 通告优先级 {priority}' },
  'tl.advertWas': { en: '{node} advertises priority {priority} (was {previous})', zh: '{node} 通告优先级 {priority}（之前为 {previous}）' },
  'tl.failover': { en: '{step}: {figures}', zh: '{step}：{figures}' },

  // ---- the editor ----
  'editor.discard': { en: 'Discard your unsaved changes to {path}?', zh: '放弃对 {path} 未保存的修改？' },
  'editor.notConnected': { en: 'Not connected to a running lab.', zh: '没有连接到运行中的实验。' },
  'editor.notSaved': { en: 'Not connected to a running lab: nothing was saved.', zh: '没有连接到运行中的实验：什么也没有保存。' },
  'editor.loading': { en: 'Loading {path} from {node}…', zh: '正在从 {node} 读取 {path}…' },
  'editor.saving': { en: 'Saving {path} on {node}…', zh: '正在把 {path} 保存到 {node}…' },
  'editor.opened': { en: '{path} on {node}', zh: '{node} 上的 {path}' },
  'editor.new': { en: '{path} does not exist on {node} yet: saving creates it.', zh: '{node} 上还没有 {path}：保存时会创建它。' },
  'editor.saved': {
    en: 'Saved {path} on {node}. Apply it in the terminal, e.g. systemctl restart keepalived.',
    zh: '已把 {path} 保存到 {node}。请在终端里让它生效，例如 systemctl restart keepalived。',
  },
  'editor.fileName': { en: 'File name under /etc/keepalived/', zh: '/etc/keepalived/ 下的文件名' },
  'editor.open': { en: 'Open', zh: '打开' },
  'editor.save': { en: 'Save', zh: '保存' },
  'editor.hint': { en: 'Ctrl-S saves into the node.', zh: '按 Ctrl-S 保存到节点里。' },

  // ---- a terminal ----
  'terminal.ended': { en: '[the shell on {node} ended (exit {code}); press a key to open a new one]', zh: '[{node} 上的 shell 已结束（退出码 {code}）；按任意键打开一个新的]' },

  // ---- the workbench's shell (before the widget loads, or without a runner) ----
  'workbench.failed': {
    en: 'The lab widget could not load. Reload the page; if that does not help, rebuild the site ({command} does).',
    zh: '实验组件加载失败。请刷新页面；如果还是不行，请重新构建站点（{command} 会构建）。',
  },
  'workbench.handsOn': { en: 'Hands-on lab {lab}.', zh: '动手实验 {lab}。' },
  'workbench.intro': {
    en: 'Start the workbench with {command} and open the address it prints: this box then holds a terminal for each node, the steps with a Check button each, and a live view of who holds the virtual IP.',
    zh: '用 {command} 启动工作台，再打开它打印出的地址：这里就会出现每个节点的终端、各带一个“检查”按钮的步骤，以及谁持有虚拟 IP 的实时视图。',
  },

  // ---- side by side (a wide screen): the tutorial beside the workbench ----
  'split.divider': { en: 'Tutorial | lab: drag, or use the arrow keys, to share the screen', zh: '教程 | 实验：拖动或用方向键调整两边的宽度' },
  'layout.label': { en: 'Page layout', zh: '页面布局' },
  'layout.split': { en: 'Side by side', zh: '并排' },
  'layout.stacked': { en: 'Stacked', zh: '上下' },
  'layout.splitHint': { en: 'The tutorial on the left, the lab beside it at full height', zh: '教程在左，实验在右并占满窗口高度' },
  'layout.stackedHint': { en: "The lab back in the page, between the tutorial's paragraphs", zh: '把实验放回页面中，夹在教程的段落之间' },

  // ---- steps that check themselves, hints, the reference solution ----
  'steps.autoNote': {
    en: 'Each step checks itself when the lab changes; Check judges it at once.',
    zh: '实验一有变化，当前步骤就会自动检查；点“检查”则立即判定。',
  },
  'step.autoChecked': { en: 'checked on its own when the lab changed', zh: '实验变化后自动检查' },
  'hint.show': { en: 'Hint', zh: '提示' },
  'hint.hide': { en: 'Hide hint', zh: '收起提示' },
  'hint.grader': { en: 'What the grader sees now:', zh: '评分器现在看到的：' },
  'hint.goal': { en: 'This step: {title}.', zh: '这一步：{title}。' },
  'hint.commands': { en: 'Type this in the terminals (the ▶ buttons type it for you):', zh: '在终端里输入（点 ▶ 按钮可以代你输入）：' },
  'hint.action': { en: 'Press “{button}”: the runner does this step for you.', zh: '点击“{button}”：运行器会替你完成这一步。' },
  'hint.then': { en: 'Then wait a few seconds: the step checks itself once VRRP settles.', zh: '然后等几秒：VRRP 稳定后，这一步会自动检查。' },
  'hint.stuck': { en: 'Still stuck? Compare your files with the reference solution.', zh: '还是卡住了？把你的文件和参考答案对比一下。' },
  'solution.show': { en: 'Show solution', zh: '查看参考答案' },
  'solution.reference': { en: 'Reference', zh: '参考答案' },
  'solution.referenceHint': { en: "Compare this node's files with the lab's reference solution", zh: '把这个节点的文件与实验的参考答案对比' },
  'solution.title': { en: "Reference solution for {node}: your file (−) against the reference (+)", zh: '{node} 的参考答案：你的文件（−）对比参考答案（+）' },
  'solution.loading': { en: 'Loading the reference solution and your file…', zh: '正在读取参考答案和你的文件…' },
  'solution.failed': { en: 'Could not compare with the reference: {message}', zh: '无法与参考答案对比：{message}' },
  'solution.none': { en: 'This lab has no reference files for {node}.', zh: '这个实验没有 {node} 的参考文件。' },
  'solution.same': { en: 'Your {path} matches the reference (whitespace aside).', zh: '你的 {path} 与参考答案一致（空白字符除外）。' },
  'solution.stats': { en: 'Lines to add: {added} · to remove: {removed}', zh: '需要添加 {added} 行 · 删除 {removed} 行' },
  'solution.missing': { en: '{path} does not exist on {node} yet.', zh: '{node} 上还没有 {path}。' },
  'solution.fromEditor': { en: 'compared with the text in the editor (not saved yet)', zh: '对比的是编辑器里尚未保存的内容' },
  'solution.skipped': { en: '⋯ {count} unchanged lines', zh: '⋯ {count} 行未改动' },
  'solution.whitespace': { en: 'ignore whitespace', zh: '忽略空白字符' },
  'solution.copy': { en: 'Copy the reference into the editor', zh: '把参考答案复制到编辑器' },
  'solution.copied': {
    en: 'The reference is in the editor, not saved yet: read it, Save (Ctrl-S), then restart keepalived in the terminal.',
    zh: '参考答案已放进编辑器，尚未保存：读一遍，保存（Ctrl-S），再在终端里重启 keepalived。',
  },
  'solution.close': { en: 'Back to the editor', zh: '回到编辑器' },

  // ---- time ----
  'ago.now': { en: 'just now', zh: '刚刚' },
  'ago.s': { en: '{n} s ago', zh: '{n} 秒前' },
  'ago.min': { en: '{n} min ago', zh: '{n} 分钟前' },
  'ago.h': { en: '{n} h ago', zh: '{n} 小时前' },
} satisfies Record<string, Record<UiLang, string>>;

export type StringKey = keyof typeof STRINGS;
export type Params = Record<string, string | number>;
export type Translate = (key: StringKey, params?: Params) => string;

/** "zh-CN", "zh" → zh; anything else (en-US, empty) → en. */
export function uiLang(lang: string | undefined): UiLang {
  return /^zh\b/i.test(lang ?? '') ? 'zh' : 'en';
}

/** The text of `key` in the page's language, with `{name}` filled from `params`. */
export function translate(lang: string | undefined, key: StringKey, params: Params = {}): string {
  return STRINGS[key][uiLang(lang)].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A translate function bound to one page language. */
export function translator(lang: string | undefined): Translate {
  return (key, params) => translate(lang, key, params);
}

/**
 * A text around one of its placeholders, for a sentence that holds markup ("Start it with <code>npm
 * start</code> and reload"): the words before `{name}` and after it.
 */
export function around(text: string, name: string): [string, string] {
  const at = text.indexOf(`{${name}}`);
  if (at < 0) return [text, ''];
  return [text.slice(0, at), text.slice(at + name.length + 2)];
}

/** Words joined as the language joins them: "lb1 and lb2" (the widget's lists are short). */
export function joinAnd(t: Translate, items: readonly string[]): string {
  return items.reduce((a, b) => t('list.and', { a, b }));
}

/** Each runner action's button, by kind (the runner's English label is runner/kinds/actions/*.ts `button`). */
const ACTION_BUTTONS: Record<string, StringKey> = {
  freeze: 'action.freeze',
  unfreeze: 'action.unfreeze',
  'stop-keepalived': 'action.stop-keepalived',
  'stop-nginx': 'action.stop-nginx',
  disconnect: 'action.disconnect',
  reconnect: 'action.reconnect',
  'drop-vrrp': 'action.drop-vrrp',
  'heal-vrrp': 'action.heal-vrrp',
};

/**
 * A runner action's button in the page's language, from its kind and the nodes it names (the
 * welcome's `actionNodes`; drop-vrrp names `to`, then `from`); undefined for a kind without words
 * here, whose button keeps the runner's English label.
 */
export function actionButtonText(lang: string | undefined, kind: string, nodes: readonly string[]): string | undefined {
  const key = ACTION_BUTTONS[kind];
  if (!key || nodes.length === 0) return undefined;
  if (kind === 'drop-vrrp') return nodes[1] ? translate(lang, 'action.drop-vrrp.from', { to: nodes[0]!, from: nodes[1] }) : translate(lang, key, { to: nodes[0]! });
  return translate(lang, key, { node: nodes[0]! });
}

/** "12 s ago", "3 min ago", "2 h ago" (or "just now"), from a duration in ms. */
export function agoText(t: Translate, ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 2) return t('ago.now');
  if (s < 60) return t('ago.s', { n: s });
  if (s < 3600) return t('ago.min', { n: Math.floor(s / 60) });
  return t('ago.h', { n: Math.floor(s / 3600) });
}

/** HH:MM in the browser's time zone (when a lab is removed). */
export function clockText(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
