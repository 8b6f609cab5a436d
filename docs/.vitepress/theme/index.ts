/**
 * The site theme: VitePress's default theme plus the lab components. Lab pages use
 * <LabWorkbench lab="<id>" /> right after their introduction; components registered here are
 * available on every page.
 */
import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import LabWorkbench from './components/LabWorkbench.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LabWorkbench', LabWorkbench);
  },
} satisfies Theme;
