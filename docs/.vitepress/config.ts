/**
 * The kalab site: a guide to VRRP and keepalived, and one page per lab. Pages are plain markdown
 * and read fine as a static site; with the runner (`npm start`) the theme adds live terminals.
 *
 * Two languages, with VitePress's own i18n (`locales`): English at the root (docs/…), Simplified
 * Chinese under /zh/ (docs/zh/…, the same file names). Every page has a twin in the other language
 * (test/unit/docs-zh.test.ts checks it), and both sidebars are generated from the lists below.
 */
import { defineConfig, type DefaultTheme } from 'vitepress';
import { keepalivedGrammar } from './keepalived-grammar.ts';
import { markdownNodeCommands } from './theme/lab/markdown-node-commands.ts';

/** A page's title in each language the site has. */
interface Titles {
  id: string;
  en: string;
  zh: string;
}

/**
 * Lab pages in teaching order (each builds on the one before); ids are the lab contract's.
 *
 * Adding a lab is one line here: `{ id, en, zh }`, appended where it belongs in the teaching
 * order. Then write its pages, docs/labs/<id>.md and docs/zh/labs/<id>.md (both with
 * <LabWorkbench lab="<id>" />, the same code blocks in both); both sidebars pick the lab up.
 */
const labs: Titles[] = [
  { id: 'basic-vip', en: 'basic-vip: one VIP, two nodes', zh: 'basic-vip：一个 VIP，两台节点' },
  { id: 'health-check', en: 'health-check: follow a working nginx', zh: 'health-check：VIP 跟着健康的 nginx 走' },
  { id: 'nopreempt', en: 'nopreempt: no flapping back', zh: 'nopreempt：切走了就不再切回' },
  { id: 'equal-priority', en: 'equal-priority: fail over once', zh: 'equal-priority：每次故障只切一次' },
  { id: 'preempt-delay', en: 'preempt-delay: take it back later', zh: 'preempt-delay：延迟抢占' },
  { id: 'master-master', en: 'master-master: two VIPs', zh: 'master-master：双主，两个 VIP' },
  { id: 'unicast', en: 'unicast: adverts to a peer', zh: 'unicast：心跳单播给对端' },
  { id: 'split-brain', en: 'split-brain: two masters', zh: 'split-brain：脑裂' },
  { id: 'notify-mail', en: 'notify-mail: mail on every change', zh: 'notify-mail：每次切换都发邮件' },
  { id: 'fast-failover', en: 'fast-failover: under a second', zh: 'fast-failover：亚秒级故障切换' },
  { id: 'strict-mode', en: 'strict-mode: keep vrrp_strict', zh: 'strict-mode：保留严格模式' },
  { id: 'haproxy', en: 'haproxy: keepalived + haproxy', zh: 'haproxy：keepalived + haproxy' },
];

/** Guide pages (docs/guide/<id>.md, docs/zh/guide/<id>.md), in reading order; one line each, like the labs. */
const guides: Titles[] = [
  { id: 'vrrp-in-five-minutes', en: 'VRRP in five minutes', zh: '五分钟读懂 VRRP' },
  { id: 'how-labs-work', en: 'How the labs work', zh: '实验是怎么运作的' },
  { id: 'check-in-ci', en: 'Checking solutions in CI', zh: '在 CI 中检查答案' },
  { id: 'classroom', en: 'Running a classroom', zh: '开课：一台主机带一个班' },
  { id: 'scale-out', en: 'Past one host', zh: '超出一台主机' },
];

type Lang = 'en' | 'zh';

/** Where each language's pages live, and the words around the two lists. */
const words = {
  en: { base: '', guide: 'Guide', labs: 'Labs', overview: 'Overview' },
  zh: { base: '/zh', guide: '指南', labs: '实验', overview: '总览' },
} satisfies Record<Lang, { base: string; guide: string; labs: string; overview: string }>;

function nav(lang: Lang): DefaultTheme.NavItem[] {
  const w = words[lang];
  return [
    { text: w.guide, link: `${w.base}/guide/${guides[0]!.id}`, activeMatch: `^${w.base}/guide/` },
    { text: w.labs, link: `${w.base}/labs/`, activeMatch: `^${w.base}/labs/` },
  ];
}

function sidebar(lang: Lang): DefaultTheme.SidebarItem[] {
  const w = words[lang];
  return [
    { text: w.guide, items: guides.map((page) => ({ text: page[lang], link: `${w.base}/guide/${page.id}` })) },
    {
      text: w.labs,
      items: [{ text: w.overview, link: `${w.base}/labs/` }, ...labs.map((lab, i) => ({ text: `${i + 1}. ${lab[lang]}`, link: `${w.base}/labs/${lab.id}` }))],
    },
  ];
}

export default defineConfig({
  title: 'kalab',
  cleanUrls: true,
  // Only pages are pages: notes and partials (README.md, _*.md) never become routes.
  srcExclude: ['**/README.md', '**/_*.md'],
  head: [['meta', { name: 'theme-color', content: '#3c8772' }]],
  markdown: {
    languages: [keepalivedGrammar],
    // ```bash [lb1] marks a command for node lb1 (data-node="lb1" on the block, see the plugin).
    config(md) {
      markdownNodeCommands(md);
    },
  },
  // Shared by both languages; each locale below adds its own words (a locale's themeConfig keys
  // replace these).
  themeConfig: {
    search: {
      provider: 'local',
      options: {
        locales: {
          zh: {
            translations: {
              button: { buttonText: '搜索', buttonAriaLabel: '搜索' },
              modal: {
                displayDetails: '显示详细列表',
                resetButtonTitle: '清除查询',
                backButtonTitle: '关闭搜索',
                noResultsText: '没有找到相关结果',
                footer: {
                  selectText: '选择',
                  selectKeyAriaLabel: '回车',
                  navigateText: '切换',
                  navigateUpKeyAriaLabel: '上箭头',
                  navigateDownKeyAriaLabel: '下箭头',
                  closeText: '关闭',
                  closeKeyAriaLabel: 'Esc',
                },
              },
            },
          },
        },
      },
    },
  },
  locales: {
    root: {
      label: 'English',
      lang: 'en-US',
      description: 'Hands-on labs for keepalived (VRRP) + nginx high availability, on real containers, graded step by step.',
      themeConfig: {
        nav: nav('en'),
        sidebar: sidebar('en'),
        outline: { level: [2, 3] },
        footer: { message: 'kalab: keepalived + nginx high availability, learned on real nodes.' },
      },
    },
    zh: {
      label: '简体中文',
      lang: 'zh-CN',
      link: '/zh/',
      description: 'keepalived（VRRP）+ nginx 高可用动手实验：真实的容器节点，每一步自动判分。',
      themeConfig: {
        nav: nav('zh'),
        sidebar: sidebar('zh'),
        outline: { level: [2, 3], label: '页面导航' },
        docFooter: { prev: '上一页', next: '下一页' },
        lastUpdated: { text: '最后更新于' },
        darkModeSwitchLabel: '主题',
        lightModeSwitchTitle: '切换到浅色模式',
        darkModeSwitchTitle: '切换到深色模式',
        sidebarMenuLabel: '菜单',
        returnToTopLabel: '回到顶部',
        langMenuLabel: '多语言',
        skipToContentLabel: '跳转到内容',
        notFound: {
          title: '页面未找到',
          quote: '这个地址上没有页面，就像没有节点持有的 VIP。',
          linkLabel: '前往首页',
          linkText: '回到首页',
        },
        footer: { message: 'kalab：在真实节点上动手学 keepalived + nginx 高可用。' },
      },
    },
  },
});
