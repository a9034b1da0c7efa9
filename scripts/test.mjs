#!/usr/bin/env node
// `npm test`: runs every *.test.ts under src/ and test/ with node's test runner (through tsx).
// Node 20's --test does not expand globs, hence this file. Shared suites (*.case.ts) and test
// support (*.fixture.ts, test/**/helpers/) are not test files: the test files that run them
// import them (docs/architecture.md "Tests").
// The web UI's tests (ui/src/**/*.test.ts[x]) run in a second process whose tsx compiles with
// ui/tsconfig.json (JSX, browser libraries; docs/ui.md "Tests").
// Usage: node scripts/test.mjs [path-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const matching = (dirs) => dirs.flatMap((d) => walk(d)).sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
const files = matching(['src', 'test']);
const uiFiles = matching([join('ui', 'src')]);
if (files.length === 0 && uiFiles.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const run = (list, env) => spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...list], { stdio: 'inherit', env }).status ?? 1;
const server = files.length ? run(files, process.env) : 0;
const ui = uiFiles.length ? run(uiFiles, { ...process.env, TSX_TSCONFIG_PATH: join('ui', 'tsconfig.json') }) : 0;
process.exit(server || ui);
