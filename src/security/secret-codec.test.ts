import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCodec, keyId, loadKeyring, newKey } from './secret-codec.js';

const ring = () => {
  const k = newKey();
  return { current: k, keys: [k], source: 'memory' as const };
};

test('AES-256-GCM round trip with a fresh IV per value', () => {
  const c = createCodec(ring());
  const a = c.encrypt('pässwörd ✓');
  const b = c.encrypt('pässwörd ✓');
  assert.notEqual(a, b);
  assert.ok(!a.includes('pässwörd'));
  assert.equal(c.decrypt(a), 'pässwörd ✓');
  assert.equal(c.decrypt(''), '', 'unencrypted (legacy) values pass through');
  assert.equal(c.decrypt('legacy'), 'legacy');
  assert.equal(c.needsReencryption('legacy'), true);
  assert.equal(c.needsReencryption(a), false);
});

test('tampering and unknown keys are detected', () => {
  const r = ring();
  const c = createCodec(r);
  const v = c.encrypt('value');
  const parts = v.split(':');
  const body = Buffer.from(parts[4], 'base64url');
  body[0] ^= 1;
  parts[4] = body.toString('base64url');
  assert.throws(() => c.decrypt(parts.join(':')));
  assert.throws(() => createCodec(ring()).decrypt(v), new RegExp(`key \\[${keyId(r.current)}\\]`));
});

test('the key file is created once with mode 0600 and reused; a readable one is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-key-'));
  const a = loadKeyring(dir, {});
  assert.equal(a.source, 'file');
  assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.deepEqual(loadKeyring(dir, {}).current, a.current);
  assert.match(readFileSync(join(dir, 'secret.key'), 'utf8'), /^# /);
  if (process.platform !== 'win32') {
    chmodSync(join(dir, 'secret.key'), 0o644);
    assert.throws(() => loadKeyring(dir, {}), /readable by other users.*chmod 600/);
  }
});

test('TRIBUTARY_SECRET_KEY takes precedence; older keys decrypt only', () => {
  const k1 = newKey().toString('base64');
  const k2 = newKey().toString('base64');
  const old = createCodec(loadKeyring(':memory:', { TRIBUTARY_SECRET_KEY: k1 }));
  const v = old.encrypt('x');
  const rotated = createCodec(loadKeyring('/nonexistent', { TRIBUTARY_SECRET_KEY: k2, TRIBUTARY_SECRET_KEY_PREVIOUS: k1 }));
  assert.equal(rotated.decrypt(v), 'x');
  assert.equal(rotated.needsReencryption(v), true);
  assert.throws(() => loadKeyring(':memory:', { TRIBUTARY_SECRET_KEY: 'dG9vLXNob3J0' }), /32 random bytes in base64/);
});
