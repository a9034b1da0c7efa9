/**
 * docs/configuration.md lists exactly the keys the configuration file accepts (schema.ts) and
 * exactly the environment variables of the table (environment.ts), with the commands that read
 * them; and the code reads no TRIBUTARY_* variable the table lacks. A new key or variable fails
 * here until it is documented.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENT, environmentHelp } from './environment.js';
import { keyPaths } from './schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TABLE = fileURLToPath(new URL('./environment.ts', import.meta.url));
const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
const keyRows = [...doc.matchAll(/^\| `([a-z_]+(?:\.[a-z_<>]+)*)` \|([^|]+)\|([^|]*)\|([^|]*)\|$/gm)].map((m) => ({ key: m[1], type: m[2].trim() }));
const envRows = [...doc.matchAll(/^\| `(TRIBUTARY_[A-Z0-9_]+)` \|([^|]+)\|([^|]+)\|([^|]+)\|$/gm)].map((m) => ({
  name: m[1],
  readBy: m[3].split(',').map((s) => s.trim()),
}));

function difference(a: string[], b: string[]): string[] {
  const other = new Set(b);
  return a.filter((x) => !other.has(x));
}

/** Every TRIBUTARY_* name in the sources, tests, benchmarks and scripts, the table itself aside. */
function namesInCode(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'node_modules' || name.startsWith('.') || p === TABLE) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|js|mjs|sh)$/.test(name)) for (const m of readFileSync(p, 'utf8').matchAll(/\bTRIBUTARY_[A-Z0-9_]*[A-Z0-9]\b/g)) out.add(m[0]);
    }
  };
  for (const d of ['src', 'test', 'bench', 'scripts', 'bin']) walk(join(ROOT, d));
  return out;
}

describe('docs/configuration.md', () => {
  it('documents every key of the configuration file, and no other', () => {
    const documented = keyRows.map((r) => r.key);
    assert.deepEqual(difference(keyPaths(), documented), [], 'add these keys to docs/configuration.md');
    assert.deepEqual(difference(documented, keyPaths()), [], 'remove these from docs/configuration.md or add them to the schema');
    assert.equal(new Set(documented).size, documented.length, 'a key is documented twice');
    for (const r of keyRows) assert.ok(r.type.length > 0, `${r.key}: give its type`);
  });

  it('documents every environment variable of the table, with the commands that read it', () => {
    assert.deepEqual(envRows.map((r) => r.name), ENVIRONMENT.map((v) => v.name), 'docs/configuration.md and src/config/environment.ts list different variables (or in another order)');
    for (const v of ENVIRONMENT) assert.deepEqual(envRows.find((r) => r.name === v.name)!.readBy, [...v.readBy], `${v.name}: read by`);
  });

  it('the table holds every TRIBUTARY_* variable the code reads', () => {
    const table = ENVIRONMENT.map((v) => v.name);
    const code = [...namesInCode()].sort();
    assert.deepEqual(difference(code, table), [], 'add these variables to src/config/environment.ts and docs/configuration.md');
    assert.deepEqual(difference(table, code), [], 'nothing reads these variables any more: remove them');
  });

  it('each command\'s --help lists the variables it reads, and only those', () => {
    for (const reader of ['serve', 'worker', 'sync', 'users', 'secrets'] as const) {
      const help = environmentHelp(reader);
      for (const v of ENVIRONMENT) {
        assert.equal(help.includes(`  ${v.name} `), (v.readBy as readonly string[]).includes(reader), `${reader} --help and ${v.name}`);
      }
    }
  });
});
