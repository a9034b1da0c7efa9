/**
 * The SQLite driver is loaded in one place and is the build that is safe on the running Node:
 * better-sqlite3 13 (Node-API) on Node >= 22, 12 on Node 20 (driver.ts says why).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database, { driverPackage } from './driver.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

test('the driver is better-sqlite3 13 on Node >= 22 and 12 on Node 20', () => {
  const pkg = createRequire(import.meta.url)(`${driverPackage}/package.json`) as { name: string; version: string };
  assert.equal(pkg.name, 'better-sqlite3');
  assert.equal(Number(pkg.version.split('.')[0]), major >= 22 ? 13 : 12, `Node ${process.version} loads ${driverPackage}@${pkg.version}`);
});

test('the loaded driver has what the store and the content index use (WAL, FTS5, JSONB, functions)', () => {
  const db = new Database(':memory:');
  try {
    db.function('twice', { deterministic: true }, (x: unknown) => Number(x) * 2);
    db.exec("CREATE VIRTUAL TABLE f USING fts5(t); INSERT INTO f VALUES ('hello world')");
    assert.deepEqual(db.prepare("SELECT count(*) AS n FROM f WHERE f MATCH 'hello'").get(), { n: 1 });
    assert.deepEqual(db.prepare(`SELECT json(jsonb('{"a":1}')) AS j, twice(21) AS t`).get(), { j: '{"a":1}', t: 42 });
    const insert = db.transaction((n: number) => n + 1);
    assert.equal(insert(1), 2);
  } finally {
    db.close();
  }
});

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts|js|mjs|cjs)$/.test(name)) out.push(p);
  }
  return out;
}

test('nothing but driver.ts loads better-sqlite3 (type-only imports aside)', () => {
  const direct = /(?:import\s+(?!type\b)[^'"]*from\s*|require\(\s*|import\(\s*)['"]better-sqlite3(?:-node20)?['"]/;
  const offenders = ['src', 'test', 'bench', 'scripts', 'bin']
    .flatMap((d) => sources(join(ROOT, d)))
    .filter((f) => !f.endsWith(join('store', 'sqlite', 'driver.ts')) && direct.test(readFileSync(f, 'utf8')))
    .map((f) => f.slice(ROOT.length));
  assert.deepEqual(offenders, [], 'load the SQLite driver through src/store/sqlite/driver.ts');
});
