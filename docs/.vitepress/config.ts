/**
 * The kalab site: a guide to VRRP and keepalived, and one page per lab. Pages are plain markdown
 * and read fine as a static site; with the runner (`npm start`) the theme adds live terminals.
 */
import { defineConfig } from 'vitepress';
import { keepalivedGrammar } from './keepalived-grammar.ts';
import { markdownNodeCommands } from './theme/lab/markdown-node-commands.ts';

/** Lab pages in teaching order (each builds on the one before); ids are the lab contract's. */
const labs = [
  { id: 'basic-vip', title: 'basic-vip: one VIP, two nodes' },
  { id: 'nopreempt', title: 'nopreempt: no flapping back' },
  { id: 'equal-priority', title: 'equal-priority: fail over once' },
  { id: 'unicast', title: 'unicast: adverts to a peer' },
  { id: 'notify-mail', title: 'notify-mail: mail on every change' },
];

export default defineConfig({
  title: 'kalab',
  description: 'Hands-on labs for keepalived (VRRP) + nginx high availability, on real containers, graded step by step.',
  lang: 'en-US',
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
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/vrrp-in-five-minutes', activeMatch: '^/guide/' },
      { text: 'Labs', link: '/labs/', activeMatch: '^/labs/' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'VRRP in five minutes', link: '/guide/vrrp-in-five-minutes' },
          { text: 'How the labs work', link: '/guide/how-labs-work' },
          { text: 'Checking solutions in CI', link: '/guide/check-in-ci' },
        ],
      },
      {
        text: 'Labs',
        items: [{ text: 'Overview', link: '/labs/' }, ...labs.map((lab, i) => ({ text: `${i + 1}. ${lab.title}`, link: `/labs/${lab.id}` }))],
      },
    ],
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    footer: { message: 'kalab: keepalived + nginx high availability, learned on real nodes.' },
  },
});
