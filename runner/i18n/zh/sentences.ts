/**
 * The runner's own sentences in Chinese (runner/shared/sentences.ts has the codes, their params and
 * the English): a lab's status, refused requests, a classroom's join errors. Typed to cover every
 * code, and test/unit/sentences-zh.test.ts names any code still without Chinese.
 *
 * Pure TypeScript with no Node imports: the site's theme imports it for a zh page. Terms follow
 * the diagnoses (./diagnoses.ts): 冻结 for a frozen node, 运行器 for the runner as the site calls it;
 * another program's words (an `error` param) are quoted as they came.
 */
import { isSentenceCode, renderWith, type SentenceData, type SentenceRenderers, type Sentence } from '../../shared/sentences.ts';
import { seconds1 } from './words.ts';

/** Names in a list the way a Chinese sentence lists options: "lb1、lb2、web1". */
const names = (items: readonly string[]) => items.join('、');

/** A lab's status as the predicate of "实验 X …". */
const STATUS_ZH: Record<string, string> = {
  stopped: '已停止',
  stopping: '正在停止',
  starting: '正在启动',
  failed: '没有启动成功',
  running: '正在运行',
};

/** stat's %F in Chinese (what the editor cannot open instead of a regular file). */
const KIND_ZH: Record<string, string> = {
  directory: '目录',
  fifo: '命名管道（FIFO）',
  socket: '套接字',
  'character special file': '字符设备文件',
  'block special file': '块设备文件',
  'symbolic link': '符号链接',
};
const kindZh = (kind: string) => KIND_ZH[kind] ?? `“${kind}”类型的文件`;

/** After the copy went away: what to do next is the same whichever limit removed it. */
const START_AGAIN = '点击“启动”可以得到一份全新的实验（进度会保留）。';

export const ZH_SENTENCES: SentenceRenderers = {
  // ---- a lab copy's lifecycle ----
  'lab-starting': (p) => `正在启动 ${names(p.nodes)}（子网 ${p.subnet}）`,
  'start-queued': (p) => `排队中：这台引擎上还有 ${p.ahead} 个实验正在或等待启动`,
  'leftovers-removed': (p) => `已清理上次运行 ${p.instance} 时遗留的 ${p.count} 个对象`,
  'lab-started': (p) => `已在 ${p.subnet} 上运行（启动用时 ${seconds1(p.ms)}）`,
  'lab-stopping': (p) => `正在停止：删除 ${names(p.nodes)}`,
  'start-refused': (p) => `实验没能启动：${p.error}`,
  'start-failed': (p) => `实验没能启动：${p.error}`,
  'lab-removed-idle': (p) => `实验已闲置 ${p.minutes} 分钟，已被删除：${START_AGAIN}`,
  'lab-removed-lifetime': (p) => `实验已达到 ${p.minutes} 分钟的时长上限，已被删除：${START_AGAIN}`,
  'lab-still-starting': (p) => `实验 ${p.lab} 还在启动中：请等它运行起来。`,
  'lab-not-running': (p) => `实验 ${p.lab} ${STATUS_ZH[p.status] ?? p.status}：请${p.status === 'failed' ? '重新' : '先'}启动它。`,
  'check-could-not-run': (p) => `这次检查没能进行：${p.error}`,

  // ---- terminals ----
  'node-frozen-terminal': (p) => `${p.node} 已被冻结：先解冻它，再打开它的终端。`,
  'shell-failed': (p) => `没能在 ${p.node} 上打开 shell：${p.error}。`,
  'terminal-not-open': (p) => `${p.node} 的终端还没有打开（需要先发送 term.open）。`,
  'terminal-ended': (p) => `${p.node} 的终端已经结束：请重新打开它（term.open）。`,
  'terminal-stopped-while-opening': (p) => `${p.node} 的终端还没打开，实验就被停止了。`,

  // ---- the editor's files ----
  'file-stat-failed': (p) => `没能查看 ${p.node} 上的 ${p.path}（节点是不是被冻结了？）：${p.error}。`,
  'file-mode-unreadable': (p) => `没能读出 ${p.node} 上 ${p.path} 的权限：stat 输出的是 "${p.said}"。`,
  'file-not-regular': (p) => `${p.node} 上的 ${p.path} 是${kindZh(p.kind)}，不是编辑器能打开的普通文件。`,
  'file-too-large': (p) => `${p.node} 上的 ${p.path} 有 ${p.bytes} 字节，超过了编辑器 ${p.limitKiB} KiB 的上限：请在终端里处理它。`,
  'file-read-failed': (p) => `没能读取 ${p.node} 上的 ${p.path}：${p.error}。`,
  'file-save-not-regular': (p) => `${p.node} 上的 ${p.path} 是${kindZh(p.kind)}：编辑器只能保存普通文件。`,
  'file-save-failed': (p) => `没能把 ${p.path} 保存到 ${p.node}：${p.error}。`,

  // ---- what a page may name ----
  'unknown-lab': (p) => `没有名为 "${p.lab}" 的实验：可选的有 ${names(p.labs) || '（labs/ 下一个也没有）'}。`,
  'lab-definition-invalid': (p) => `实验 ${p.lab} 的定义有问题：${p.error}`,
  'unknown-node': (p) => `实验 ${p.lab} 里没有节点 "${p.node}"：它的节点是 ${names(p.nodes)}。`,
  'unknown-step': (p) => `实验 ${p.lab} 里没有步骤 "${p.step}"：它的步骤是 ${names(p.steps)}。`,
  'not-editable-node': (p) => `这里只能编辑负载均衡节点（${names(p.editable)}）的文件，不能编辑 ${p.node} 的：请使用 ${p.node} 的终端。`,
  'path-nul': () => '文件路径里不能有 NUL 字符。',
  'path-dotdot': (p) => `"${p.path}" 里有 ".."：请直接写 ${p.dir} 下的文件名。`,
  'path-outside': (p) => `"${p.path}" 不是 ${p.dir} 下的文件：编辑器只打开 keepalived 的文件（例如 ${p.dir}keepalived.conf）。`,
  'path-characters': (p) => `"${p.path}" 里有编辑器不接受的字符：文件名只能用字母、数字和 . _ - + @ = ,`,
  'step-not-runner-action': (p) => `步骤 "${p.step}" 要在终端里完成，运行器不会代劳：输入它的命令，然后点“检查”。`,
  'solutions-off': () => '这个工作台不提供参考答案（启动时用了 --no-solutions）：请看这一步的提示。',

  // ---- the socket ----
  'binary-message': () => '请发送 JSON 文本消息，不要发送二进制消息。',
  'bad-message': (p) => `运行器不接受这条消息：${p.error}`,
  'runner-failed': (p) => `运行器没能完成 ${p.type}：${p.error}`,
  'instructor-sends-class': (p) => `讲师页面只发送 class.* 消息，不发送 ${p.type}：要在实验里操作，请打开实验页面。`,
  'hello-first': (p) => `请先发送 hello 指明实验（收到的是 ${p.type}）。`,
  'instructor-only': () => '只有讲师页面可以发送 class 消息：请打开 kalab 启动时打印的讲师地址。',
  'no-lab-to-watch': (p) => `学员 ${p.learner} 没有可以查看的 ${p.lab} 实验。`,
  'workbench-closing': () => '工作台正在关闭。',

  // ---- a class ----
  'no-such-copy': (p) => `学员 ${p.learner} 没有 ${p.lab} 实验。`,
  'class-full-labs': (p) => `课堂已满（正在运行 ${p.running} 个实验，上限 ${p.max} 个）：请停掉不再使用的实验，或者联系讲师。`,
  'join-wrong-code': () => '加入码不对：请向讲师要屏幕上显示的加入码。',
  'join-bad-name': () => '请填写姓名（1 到 40 个字符，不能含有 < 或 >）再加入。',
  'join-class-full': (p) => `课堂已满（已有 ${p.joined} 名学员，上限 ${p.max} 名）：请联系讲师腾出名额。`,
  'join-too-large': () => '加入请求太大了：只需发送姓名和加入码。',
  'join-not-json': () => '请以 JSON 格式发送加入请求：{"name": "...", "code": "..."}。',
  'join-missing-fields': () => '请填写你的姓名和加入码。',
  'join-use-post': () => '请用 POST /api/join {"name", "code"} 加入课堂。',
  'instructor-wrong-key': () => '这个讲师密钥不属于本课堂：请打开 kalab 启动时打印的讲师地址。',
  'no-such-learner': (p) => `本课堂没有学员 ${p.learner}。`,
  'no-such-export': () => '没有这项讲师导出。',
};

/**
 * The Chinese text of a sentence from the wire; undefined for a code this build does not know (a
 * newer runner), so the caller shows the English `message` instead.
 */
export function renderSentenceZh(s: SentenceData): string | undefined {
  if (!isSentenceCode(s.code) || typeof s.params !== 'object' || s.params === null) return undefined;
  return renderWith(ZH_SENTENCES, s as Sentence);
}
