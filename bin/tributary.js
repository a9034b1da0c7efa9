#!/usr/bin/env node
// Runs the compiled build (dist/) when it is up to date, else the TypeScript sources through
// tsx (scripts/dist.mjs says why).
import { buildIsFresh, ROOT } from '../scripts/dist.mjs';

if (buildIsFresh()) {
  await import(`${ROOT}/dist/src/cli/main.js`);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
