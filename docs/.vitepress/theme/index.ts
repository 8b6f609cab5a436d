/**
 * The site theme: VitePress's default theme plus the lab components. Lab pages use
 * <LabWorkbench lab="<id>" /> right after their introduction; the instructor page (classroom mode)
 * uses <InstructorDashboard />. Components registered here are available on every page.
 */
import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import { defineAsyncComponent } from 'vue';
import LabWorkbench from './components/LabWorkbench.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LabWorkbench', LabWorkbench);
    // Its own chunk: only the instructor page loads the dashboard (and its terminal).
    app.component('InstructorDashboard', defineAsyncComponent(() => import('./components/InstructorDashboard.vue')));
  },
} satisfies Theme;
