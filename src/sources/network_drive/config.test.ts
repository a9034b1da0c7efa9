import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceConfigError } from '../source.js';
import { parseShowAcls, readersOf } from './acl.js';
import { parseDrivePath, readNetworkDriveSettings } from './config.js';
import { parseMappingLine } from './identities.js';
import { folderMatcher, validateNetworkDriveRules } from './rules.js';

const base = { username: 'svc', password: 'p', server_ip: '10.0.0.5', drive_path: 'Share' };

test('drive_path: share and folder, either slash; no traversal', () => {
  assert.deepEqual(parseDrivePath('Share/Folder\\Sub'), { share: 'Share', folder: 'Folder/Sub' });
  assert.deepEqual(parseDrivePath('\\\\Share\\'), { share: 'Share', folder: '' });
  for (const bad of ['', '/', 'Share/../x', 'Share/a*b', 'Share/a\u0000']) assert.throws(() => parseDrivePath(bad), SourceConfigError, bad);
});

test('settings: defaults, domain accounts, bounds', () => {
  const s = readNetworkDriveSettings(base);
  assert.equal(s.port, 445);
  assert.equal(s.driveType, 'windows');
  assert.equal(s.maxFileSize, 10 * 1024 * 1024);
  assert.deepEqual([readNetworkDriveSettings({ ...base, username: 'CORP\\svc' }).domain, readNetworkDriveSettings({ ...base, username: 'svc@corp.example' }).domain], ['CORP', 'corp.example']);
  assert.throws(() => readNetworkDriveSettings({ ...base, server_ip: '//host/share' }), /\[server_ip\]/);
  assert.throws(() => readNetworkDriveSettings({ ...base, concurrent_downloads: 1000 }), /\[concurrent_downloads\]/);
  assert.throws(() => readNetworkDriveSettings({ ...base, username: '' }), /\[username\]/);
});

test('advanced rules: Elastic pattern lists, validated with messages', () => {
  assert.deepEqual(validateNetworkDriveRules([{ pattern: 'Share/**/reports' }]), { valid: true, messages: [] });
  assert.deepEqual(validateNetworkDriveRules({}), { valid: true, messages: [] });
  const bad = validateNetworkDriveRules([{ pattern: '' }, { pattern: 'a[b' }, { other: 1 }, 'x']);
  assert.equal(bad.valid, false);
  assert.equal(bad.messages.length, 5);
  assert.equal(validateNetworkDriveRules(Array.from({ length: 101 }, () => ({ pattern: 'a' }))).valid, false);
  const m = folderMatcher(['Share/**/reports', 'Share/a?c']);
  assert.deepEqual(['Share/reports', 'Share/x/y/reports', 'Share/abc', 'Share/abbc', 'Share/x/reports2'].map(m), [true, true, true, false, false]);
  const slow = folderMatcher(['*'.repeat(500) + 'x']);
  const t0 = Date.now();
  assert.equal(slow('a'.repeat(5000)), false);
  assert.ok(Date.now() - t0 < 2000, 'linear-time matching');
});

const SHOWACLS = `FILENAME:a.txt
MODE:N
DACL
	ACE
		type: ACCESS ALLOWED (0) flags: 0x00
		Permissions: 0x1f019f: SYNCHRONIZE_ACCESS
		SID: S-1-5-21-1-2-3-1000
	ACE
		type: ACCESS ALLOWED (0) flags: 0x00
		Permissions: 0x0:
		SID: S-1-1-0
	ACE
		type: ACCESS ALLOWED (0) flags: 0x08
		Permissions: 0x120089:
		SID: S-1-5-21-1-2-3-1002
	ACE
		type: ACCESS DENIED (1) flags: 0x00
		Permissions: 0x1:
		SID: S-1-5-21-1-2-3-1001
	ACE
		type: ACCESS ALLOWED (0) flags: 0x00
		Permissions: 0x120089:
		SID: S-1-5-21-1-2-3-1001
FILENAME:unreadable.txt
MODE:N
FILENAME:twice.txt
DACL
		type: ACCESS ALLOWED (0) flags: 0x00
		Permissions: 0x120089:
		SID: S-1-1-0
FILENAME:twice.txt
DACL
`;

test('ACLs: readers are allowed read ACEs minus denied ones; unreadable or ambiguous entries fail closed', () => {
  const acls = parseShowAcls(SHOWACLS);
  assert.deepEqual(readersOf(acls.get('a.txt')!), ['S-1-5-21-1-2-3-1000']);
  assert.equal(acls.get('unreadable.txt'), null);
  assert.equal(acls.get('twice.txt'), null);
});

test('identity mappings lines: name;SID;group SIDs', () => {
  assert.deepEqual(parseMappingLine('alice;S-1-5-21-1-2-3-1000;S-1-22-2-5, S-1-5-32-545', 1), { name: 'alice', sid: 'S-1-5-21-1-2-3-1000', groups: ['S-1-22-2-5', 'S-1-5-32-545'] });
  assert.equal(parseMappingLine('', 2), null);
  assert.throws(() => parseMappingLine('bob;1000;', 3), /Line 3/);
  assert.throws(() => parseMappingLine('bob;S-1-5-21-1;G', 4), /group \[G\]/);
});
