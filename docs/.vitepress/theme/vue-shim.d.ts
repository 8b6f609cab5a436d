// Lets TypeScript (tsc --noEmit) import single-file components; Vite compiles them.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
