import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSecurityConfig } from './config.js';
import { hashPassword, verifyPassword } from './password.js';

const opts = { hashCost: 10 };

test('a full config: users, roles, rate limit; plain passwords are hashed at load', async () => {
  const hash = await hashPassword('alice-password', { ln: 10 });
  const c = await parseSecurityConfig(
    {
      enabled: true,
      users: { alice: { password_hash: hash, roles: ['ops'] }, bob: { password: 'bob-password', roles: ['superuser'] } },
      roles: { ops: { cluster: ['manage_connector'], indices: [{ names: 'search-*', privileges: ['read'] }] } },
      login_rate_limit: { max_failures: 5, window: '2m' },
    },
    'f.yml',
    opts,
  );
  assert.equal(c.enabled, true);
  assert.deepEqual(c.users.get('alice'), { passwordHash: hash, roles: ['ops'] });
  assert.notEqual(c.users.get('bob')!.passwordHash, 'bob-password');
  assert.ok(await verifyPassword('bob-password', c.users.get('bob')!.passwordHash));
  assert.deepEqual(c.roles.get('ops'), { cluster: ['manage_connector'], indices: [{ names: ['search-*'], privileges: ['read'] }] });
  assert.ok(c.roles.has('superuser'));
  assert.deepEqual(c.rateLimit, { maxFailures: 5, windowMs: 120_000 });
});

test('no section or enabled: false means security off, with the default rate limit', async () => {
  const c = await parseSecurityConfig(undefined);
  assert.equal(c.enabled, false);
  assert.deepEqual(c.rateLimit, { maxFailures: 10, windowMs: 60_000 });
});

test('mistakes are reported with the file and the place', async () => {
  const bad: [unknown, RegExp][] = [
    [{ enabled: 'yes' }, /\[enabled\] must be true or false/],
    [{ enabled: true }, /no user is declared/],
    [{ users: { a: { password: 'aaaaaa', roles: ['ghost'] } } }, /user \[a\]: unknown role \[ghost\]/],
    [{ users: { a: { roles: [] } } }, /user \[a\]: \[password_hash\] is required/],
    [{ users: { a: { password: 'aaaaaa', password_hash: 'x' } } }, /either \[password_hash\] or \[password\]/],
    [{ users: { a: { password_hash: 'md5:abc' } } }, /not a Tributary scrypt hash/],
    [{ users: { a: { password: 'abc' } } }, /at least 6 characters/],
    [{ users: { 'a b': { password: 'aaaaaa' } } }, /invalid user name/],
    [{ roles: { superuser: {} } }, /built-in role/],
    [{ roles: { r: { cluster: ['fly'] } } }, /role \[r\]: unknown cluster privilege \[fly\]/],
    [{ shields: true }, /unknown key \[shields\]/],
    [{ login_rate_limit: { max_failures: 0 } }, /positive integer/],
    [{ login_rate_limit: { window: 'soon' } }, /as a time value/],
  ];
  for (const [raw, re] of bad) await assert.rejects(parseSecurityConfig(raw, 'f.yml', opts), (e: Error) => re.test(e.message) && e.message.startsWith('f.yml: security: '), JSON.stringify(raw));
});

test('password_checks: bounds of the scrypt queue', async () => {
  const c = await parseSecurityConfig({ password_checks: { max_concurrent: 3, max_queued: 0 } }, 'f.yml', opts);
  assert.deepEqual(c.passwordChecks, { maxConcurrent: 3, maxQueued: 0 });
  await assert.rejects(parseSecurityConfig({ password_checks: { max_queued: -1 } }, 'f.yml'), /f\.yml: security: \[password_checks\.max_queued\] must be a non-negative integer/);
  await assert.rejects(parseSecurityConfig({ password_checks: { max_concurrent: 1.5 } }, 'f.yml'), /\[password_checks\.max_concurrent\] must be a positive integer/);
  await assert.rejects(parseSecurityConfig({ password_checks: { queue: 1 } }, 'f.yml'), /\[password_checks\] unknown key \[queue\]/);
  await assert.rejects(parseSecurityConfig({ login_rate_limit: 5 }, 'f.yml'), /\[login_rate_limit\] must be a mapping \{max_failures, window\}/);
});
