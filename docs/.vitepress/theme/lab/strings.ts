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
