/**
 * Document-level security of the `network_drive` source on a real Samba share with per-file
 * permissions (POSIX owners, modes and ACLs, which Samba presents as NT ACLs): two users, files
 * readable by one, by both, by a group, by everyone. A user's view is what Elastic's DLS query
 * keeps: documents whose `_allow_access_control` shares an identity with the user's
 * access-control document.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { SourceError, type SourceDocument } from '../source.js';
import { collect, testContext, visibleTo } from '../source.case.js';
import { networkDriveSource } from './datasource.js';
import { GROUP, PEOPLE, SHARE, startSamba, withSamba, type SambaServer } from './network_drive.fixture.js';

const run = promisify(execFile);

/** The titles of the documents a user's access-control document lets through. */
function visible(docs: SourceDocument[], acl: SourceDocument): string[] {
  return visibleTo(docs, acl).map((d) => String(d.title)).sort();
}

await withSamba('network_drive document level security', () => {
  let smb: SambaServer;
  let mappings: string;
  let config: Record<string, unknown>;
  before(async () => {
    smb = await startSamba();
    const dir = join(smb.root, 'dls');
    await mkdir(dir, { recursive: true });
    const uid = async (name: string) => Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('getent', ['group', GROUP])).stdout.split(':')[2]);
    const file = async (name: string, mode: number, owner = 0, group = 0) => {
      await writeFile(join(dir, name), `${name} content\n`);
      await chown(join(dir, name), owner, group);
      await chmod(join(dir, name), mode);
    };
    await file('alice-only.txt', 0o600, await uid(PEOPLE.alice.name));
    await file('both.txt', 0o600);
    await run('setfacl', ['-m', `u:${PEOPLE.alice.name}:r,u:${PEOPLE.bob.name}:r`, join(dir, 'both.txt')]);
    await file('team.txt', 0o640, 0, gid);
    await file('public.txt', 0o644);
    mappings = join(smb.root, '..', 'identities.csv');
    await writeFile(mappings, `${PEOPLE.alice.name};${smb.sids.alice};\n${PEOPLE.bob.name};${smb.sids.bob};${smb.sids.team}\n`);
    config = smb.config({ drive_path: `${SHARE}/dls`, use_document_level_security: true, drive_type: 'samba', identity_mappings: mappings });
  });
  after(() => smb?.stop());

  test('documents carry the readers of their ACL; each user sees exactly the files they may read', async () => {
    const s = networkDriveSource.create(config);
    const ctx = testContext();
    const docs = await collect(s.getDocs(ctx));
    const acls = await collect(s.getAccessControl!(testContext()));
    await s.close();
    assert.deepEqual(ctx.failures, []);
    assert.equal(docs.length, 4);
    for (const d of docs) assert.deepEqual(d._allow_permissions, d._allow_access_control);
    const alice = acls.find((a) => (a.identity as { username: string }).username === `user:${PEOPLE.alice.name}`)!;
    const bob = acls.find((a) => (a.identity as { username: string }).username === `user:${PEOPLE.bob.name}`)!;
    assert.ok(alice && bob && acls.length === 2);
    assert.deepEqual(visible(docs, alice), ['alice-only.txt', 'both.txt', 'public.txt']);
    assert.deepEqual(visible(docs, bob), ['both.txt', 'public.txt', 'team.txt']);
    const team = docs.find((d) => d.title === 'team.txt')!;
    assert.ok((team._allow_access_control as string[]).includes(`sid:${smb.sids.team}`), 'the group, not its members');
    assert.ok(!(docs.find((d) => d.title === 'alice-only.txt')!._allow_access_control as string[]).includes('sid:S-1-1-0'), 'Everyone without read access is not a reader');
  });

  test("access-control documents have Elastic's shape", async () => {
    const s = networkDriveSource.create(config);
    const [alice] = await collect(s.getAccessControl!(testContext()));
    await s.close();
    assert.equal(alice._id, smb.sids.alice);
    assert.deepEqual(alice.identity, { username: `user:${PEOPLE.alice.name}`, user_id: `sid:${smb.sids.alice}` });
    const q = alice.query as { template: { params: { access_control: string[] }; source: string } };
    assert.deepEqual(q.template.params.access_control, [`user:${PEOPLE.alice.name}`, `sid:${smb.sids.alice}`, 'sid:S-1-1-0', 'sid:S-1-5-11']);
    assert.match(q.template.source, /_allow_access_control\.enum/);
    assert.ok(!Number.isNaN(Date.parse(String(alice.created_at))));
  });

  test('a changed ACL reaches the documents at the next full sync', async () => {
    // Samba reports a file's modification time as its change time, so a permission-only change
    // is invisible to incremental syncs there (Windows updates the change time); the next full
    // sync reads every ACL again.
    await run('setfacl', ['-m', `u:${PEOPLE.bob.name}:r`, join(smb.root, 'dls', 'alice-only.txt')]);
    const s = networkDriveSource.create(config);
    const docs = await collect(s.getDocs(testContext()));
    await s.close();
    const doc = docs.find((d) => d.title === 'alice-only.txt')!;
    assert.ok((doc._allow_access_control as string[]).includes(`sid:${smb.sids.bob}`));
    await run('setfacl', ['-x', `u:${PEOPLE.bob.name}`, join(smb.root, 'dls', 'alice-only.txt')]);
  });

  test('without document level security: no permission fields, no identities', async () => {
    const s = networkDriveSource.create({ ...config, use_document_level_security: false });
    const docs = await collect(s.getDocs(testContext()));
    assert.ok(docs.every((d) => !('_allow_access_control' in d)));
    assert.deepEqual(await collect(s.getAccessControl!(testContext())), []);
    await s.close();
  });

  test('the identity mappings file: required, inside the allowed folders, well formed', async () => {
    const missing = networkDriveSource.create({ ...config, identity_mappings: '' });
    await assert.rejects(missing.ping(), (e: unknown) => e instanceof SourceError && /\[identity_mappings\] is required/.test(e.message));
    const outside = networkDriveSource.create(config, { directoryRoots: ['/nonexistent-root'], allowedHosts: null });
    await assert.rejects(collect(outside.getAccessControl!(testContext())), (e: unknown) => e instanceof SourceError && /sources\.directory\.roots/.test(e.message));
    const broken = join(smb.root, '..', 'broken.csv');
    await writeFile(broken, `${PEOPLE.alice.name};not-a-sid;\n`);
    const bad = networkDriveSource.create({ ...config, identity_mappings: broken });
    await assert.rejects(collect(bad.getAccessControl!(testContext())), (e: unknown) => e instanceof SourceError && /Line 1 of \[identity_mappings\]/.test(e.message));
  });
});
