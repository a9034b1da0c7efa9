import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decoyHash, hashPassword, isPasswordHash, verifyPassword } from './password.js';

test('scrypt hashes are salted, self-describing and verify in constant time', async () => {
  const a = await hashPassword('s3cret-pass', { ln: 10 });
  const b = await hashPassword('s3cret-pass', { ln: 10 });
  assert.match(a, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.ok(isPasswordHash(a));
  assert.equal(await verifyPassword('s3cret-pass', a), true);
  assert.equal(await verifyPassword('s3cret-pasS', a), false);
  assert.equal(await verifyPassword('', a), false);
});

test('the default cost is 2^15', async () => {
  assert.match(await hashPassword('x'), /^\$scrypt\$ln=15,/);
});

test('malformed hashes never verify', async () => {
  for (const h of ['', 'plain', '$2a$10$abcdefghijklmnopqrstuv', '$scrypt$ln=99,r=8,p=1$AAAA$AAAA', '$scrypt$ln=10,r=8,p=1$$']) {
    assert.equal(isPasswordHash(h), false, h);
    assert.equal(await verifyPassword('x', h), false, h);
  }
});

test('the decoy hash has the cost of the hash it imitates', async () => {
  const real = await hashPassword('x', { ln: 11 });
  assert.match(await decoyHash(real), /^\$scrypt\$ln=11,/);
});
