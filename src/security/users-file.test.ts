import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { changeUser } from './users-file.js';
import { verifyPassword } from './password.js';

const opts = { hashCost: 10 };

test('add, passwd and remove keep comments and the file mode; passwords are hashed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-users-'));
  const file = join(dir, 'c.yml');
  writeFileSync(file, '# my config\nsecurity:\n  enabled: true # keep me\n  roles:\n    ops: {cluster: [monitor_connector]}\n  users:\n    root:\n      password: root-password\n      roles: [superuser]\nworker: {x: 1}\n');
  chmodSync(file, 0o640);
  assert.match(await changeUser(file, { action: 'add', username: 'ann', password: 'ann-password', roles: ['ops'] }, opts), /user \[ann\] added/);
  let text = readFileSync(file, 'utf8');
  assert.match(text, /# my config/);
  assert.match(text, /enabled: true # keep me/);
  assert.ok(!text.includes('ann-password'));
  assert.equal(statSync(file).mode & 0o777, 0o640);
  let doc = parse(text);
  assert.deepEqual(doc.security.users.ann.roles, ['ops']);
  assert.ok(await verifyPassword('ann-password', doc.security.users.ann.password_hash));
  assert.deepEqual(doc.worker, { x: 1 });

  await changeUser(file, { action: 'passwd', username: 'root', password: 'new-root-password' }, opts);
  doc = parse(readFileSync(file, 'utf8'));
  assert.equal(doc.security.users.root.password, undefined, 'the plain password is gone');
  assert.ok(await verifyPassword('new-root-password', doc.security.users.root.password_hash));
  assert.deepEqual(doc.security.users.root.roles, ['superuser']);

  await changeUser(file, { action: 'remove', username: 'ann' }, opts);
  text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('ann'));
});

test('refusals: duplicates, unknown users and roles, short passwords, removing the last user', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-users-'));
  const file = join(dir, 'new.yml');
  await changeUser(file, { action: 'add', username: 'root', password: 'root-password', roles: ['superuser'] }, opts);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'a new file is private');
  const before = readFileSync(file, 'utf8');
  await assert.rejects(changeUser(file, { action: 'add', username: 'root', password: 'xxxxxxxx', roles: [] }, opts), /already exists/);
  await assert.rejects(changeUser(file, { action: 'passwd', username: 'ghost', password: 'xxxxxxxx' }, opts), /does not exist/);
  await assert.rejects(changeUser(file, { action: 'add', username: 'b', password: 'xxxxxxxx', roles: ['ghost'] }, opts), /unknown role \[ghost\]/);
  await assert.rejects(changeUser(file, { action: 'add', username: 'b', password: 'x', roles: [] }, opts), /at least 6/);
  await assert.rejects(changeUser(file, { action: 'remove', username: 'root' }, opts), /no user is declared/);
  assert.equal(readFileSync(file, 'utf8'), before, 'a refused change leaves the file alone');
  await assert.rejects(changeUser(join(dir, 'missing.yml'), { action: 'remove', username: 'x' }, opts), /no such config file/);
});
