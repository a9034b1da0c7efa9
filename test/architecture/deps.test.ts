/**
 * The import rules of docs/architecture.md ("Layers"), as .dependency-cruiser.cjs encodes them:
 * src/ has no violation (what `npm run check:deps` reports), and each rule does catch what it
 * is meant to catch, on a small throwaway tree of violating and allowed imports.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(cwd: string): { violations: Violation[]; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  assert.ok(r.stdout, `dependency-cruiser printed nothing (exit ${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[] } };
  return { violations: out.summary.violations, stderr: r.stderr, status: r.status };
}

const show = (vs: Violation[]) => vs.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).join('\n');

test('src/ follows the layer, cycle, source and test-code rules', () => {
  const { violations } = cruise(ROOT);
  assert.equal(violations.length, 0, `import rule violations (npm run check:deps explains each):\n${show(violations)}`);
});

test('each rule catches its violation, and the allowed imports pass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-deps-'));
  try {
    const files: Record<string, string> = {
      // violations
      'src/domain/pure.ts': "import { b } from '../api/b.js';\nexport const a = b;\n",
      'src/api/b.ts': "import type { a } from '../domain/pure.js';\nexport const b = 1;\nexport type A = typeof a;\n",
      'src/domain/io.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'src/content-index/c.ts': "import { d } from '../sink/d.js';\nexport const c = d;\n",
      'src/sink/d.ts': 'export const d = 1;\n',
      'src/sources/mysql/e.ts': "import { f } from '../postgresql/f.js';\nexport const e = f;\n",
      'src/sources/postgresql/f.ts': 'export const f = 1;\n',
      'src/store/g.ts': "import { h } from './h.fixture.js';\nexport const g = h;\n",
      'src/store/h.fixture.ts': 'export const h = 1;\n',
      'src/runtime/i.ts': "import { j } from '../security/j.js';\nexport const i = j;\n",
      'src/security/j.ts': 'export const j = 1;\n',
      'src/store/k.ts': "import { l } from '../sources/l.js';\nexport const k = l;\n",
      'src/sources/l.ts': 'export const l = 1;\n',
      // allowed
      'src/sink/embedded/m.ts': "import { n } from '../../content-index/n.js';\nexport const m = n;\n",
      'src/content-index/n.ts': "import { o } from '../store/sqlite/driver.js';\nexport const n = o;\n",
      'src/store/sqlite/driver.ts': 'export const o = 1;\n',
      'src/sources/mysql/p.ts': "import { q } from '../shared/q.js';\nimport { l } from '../l.js';\nexport const p = q + l;\n",
      'src/sources/shared/q.ts': 'export const q = 1;\n',
      'src/cli/r.ts': "import { s } from '../app/s.js';\nimport { j } from '../security/j.js';\nexport const r = s + j;\n",
      'src/app/s.ts': "import { t } from '../api/t.js';\nexport const s = t;\n",
      'src/api/t.ts': "import { q } from '../sources/shared/q.js';\nexport const t = q;\n",
      'src/store/u.test.ts': "import { r } from '../cli/r.js';\nimport { h } from './h.fixture.js';\nexport const u = r + h;\n",
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const { violations, stderr } = cruise(dir);
    const found = [...new Set(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`))].sort();
    assert.deepEqual(
      found,
      [
        'content-index-not-sink: src/content-index/c.ts → src/sink/d.ts',
        'domain-imports-nothing-of-ours: src/domain/pure.ts → src/api/b.ts',
        'domain-is-pure: src/domain/io.ts → fs',
        'layer-content-index: src/content-index/c.ts → src/sink/d.ts',
        'layer-domain: src/domain/pure.ts → src/api/b.ts',
        'layer-runtime: src/runtime/i.ts → src/security/j.ts',
        'layer-store: src/store/k.ts → src/sources/l.ts',
        'no-circular: src/api/b.ts → src/domain/pure.ts',
        'product-code-not-test-code: src/store/g.ts → src/store/h.fixture.ts',
        'sources-independent: src/sources/mysql/e.ts → src/sources/postgresql/f.ts',
      ],
      stderr,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
