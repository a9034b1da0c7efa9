/**
 * docs/errors.md lists exactly the error catalogue (architecture.md: "a test checks that the
 * catalogue and docs/errors.md list the same errors"). The catalogue is read at test time, so
 * a new entry in src/domain/errors.ts fails here until it is documented.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorTypes } from '../../src/domain/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
/** Rows of the catalogue table: `| \`type\` | status | when |`. */
const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (.*) \|$/gm)].map((m) => ({ type: m[1], status: Number(m[2]), when: m[3].trim() }));
const key = (type: string, status: number) => `${type} ${status}`;

describe('docs/errors.md', () => {
  it('documents every catalogue entry', () => {
    const documented = new Set(rows.map((r) => key(r.type, r.status)));
    const missing = errorTypes.map(([t, s]) => key(t, s)).filter((k) => !documented.has(k));
    assert.deepEqual(missing, [], 'add these to the table in docs/errors.md');
  });

  it('documents nothing that is not in the catalogue', () => {
    const catalogue = new Set(errorTypes.map(([t, s]) => key(t, s)));
    const extra = rows.map((r) => key(r.type, r.status)).filter((k) => !catalogue.has(k));
    assert.deepEqual(extra, [], 'remove these from docs/errors.md or add them to errorKinds in src/domain/errors.ts');
  });

  it('lists each pair once and says when it occurs', () => {
    const seen = rows.map((r) => key(r.type, r.status));
    assert.equal(new Set(seen).size, seen.length, 'duplicate rows');
    for (const r of rows) assert.ok(r.when.length > 20, `${key(r.type, r.status)}: explain when it occurs`);
  });

  it('the catalogue itself has no duplicate pairs and only HTTP error statuses', () => {
    const pairs = errorTypes.map(([t, s]) => key(t, s));
    assert.equal(new Set(pairs).size, pairs.length);
    for (const [, s] of errorTypes) assert.ok(s >= 400 && s < 600);
  });
});
