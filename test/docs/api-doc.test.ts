/**
 * docs/api.md's endpoint table lists exactly the endpoints the server registers
 * (src/api/registry.ts), so the reference cannot drift from the code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { endpoints } from '../../src/api/registry.js';

const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
/** `| \`PUT\` | \`/a/{b}\`, \`/a\` | … |` → ['PUT /a/{b}', 'PUT /a']. */
const documented = new Set(
  [...doc.matchAll(/^\| `([A-Z]+)` \| (.+?) \| .+ \|$/gm)].flatMap((m) => [...m[2].matchAll(/`([^`]+)`/g)].map((p) => `${m[1]} ${p[1]}`)),
);
const registered = new Set(endpoints.flatMap((e) => e.paths.map((p) => `${e.method} ${p.replace(/:([a-z_]+)/g, '{$1}')}`)));

describe('docs/api.md', () => {
  it('lists every registered endpoint', () => {
    assert.deepEqual([...registered].filter((e) => !documented.has(e)), [], 'add these rows to the table in docs/api.md');
  });
  it('lists no endpoint the server does not have', () => {
    assert.deepEqual([...documented].filter((e) => !registered.has(e)), [], 'remove these rows from docs/api.md');
  });
});
