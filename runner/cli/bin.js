#!/usr/bin/env node
// Entry point for `npx kalab`. Two layouts:
//  - this repository: the TypeScript sources sit beside this file, and tsx runs them as they are
//    (no build step; a dist/ left by `npm pack` is ignored, so it can never run stale code);
//  - the npm package (`npm pack`): no sources, only the JavaScript that prepack compiled into
//    dist/ (tsconfig.build.json), run by plain Node: no tsx, no TypeScript.
import { existsSync } from 'node:fs';

const sources = new URL('./main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../../dist/cli/main.js', import.meta.url).href);
}
