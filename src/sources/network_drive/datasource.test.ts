/**
 * The `network_drive` source against a real Samba server (network_drive.fixture.ts): content and
 * Elastic's fields, folders with more entries than one QUERY_DIRECTORY answer holds, large files,
 * errors that say what to fix, incremental syncs and deletions, cancel, sync rules.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SourceError, type SourceDocument, type SyncContext } from '../source.js';
import { collect, testContext } from '../source.case.js';
import { documentId, networkDriveSource } from './datasource.js';
import { SHARE, settle, startSamba, withSamba, writeTree, type SambaServer } from './network_drive.fixture.js';

async function sync(config: Record<string, unknown>, ctx: SyncContext = testContext()): Promise<SourceDocument[]> {
  const s = networkDriveSource.create(config);
  try {
    return await collect(s.getDocs(ctx));
  } finally {
    await s.close();
  }
}

await withSamba('network_drive source', () => {
  let smb: SambaServer;
  before(async () => {
    smb = await startSamba();
  });
  after(() => smb?.stop());

  describe('content and fields', () => {
    test('files and folders become documents with Elastic fields and extracted text', async () => {
      await mkdir(join(smb.root, 'fields', 'sub'), { recursive: true });
      await writeFile(join(smb.root, 'fields', 'readme.md'), '# Hello\nnetwork drive text\n');
      await writeFile(join(smb.root, 'fields', 'sub', 'page.html'), '<html><body><p>inside <b>html</b></p></body></html>');
      await writeFile(join(smb.root, 'fields', 'sub', 'blob.bin'), Buffer.from([0, 1, 2, 3]));
      const docs = await sync(smb.config({ drive_path: `${SHARE}/fields` }));
      const byPath = new Map(docs.map((d) => [d.path, d]));
      assert.deepEqual([...byPath.keys()].sort(), ['\\\\127.0.0.1\\docs\\fields\\readme.md', '\\\\127.0.0.1\\docs\\fields\\sub', '\\\\127.0.0.1\\docs\\fields\\sub\\blob.bin', '\\\\127.0.0.1\\docs\\fields\\sub\\page.html']);
      const md = byPath.get('\\\\127.0.0.1\\docs\\fields\\readme.md')!;
      assert.equal(md._id, documentId(SHARE, 'fields/readme.md'));
      assert.equal(md.title, 'readme.md');
      assert.equal(md.type, 'file');
      assert.equal(md.size, 27);
      assert.match(String(md.body), /network drive text/);
      for (const f of ['_timestamp', 'created_at', 'last_modified'] as const) assert.ok(!Number.isNaN(Date.parse(String(md[f]))), f);
      assert.equal(byPath.get('\\\\127.0.0.1\\docs\\fields\\sub')!.type, 'folder');
      assert.match(String(byPath.get('\\\\127.0.0.1\\docs\\fields\\sub\\page.html')!.body), /inside html/);
      assert.equal(byPath.get('\\\\127.0.0.1\\docs\\fields\\sub\\blob.bin')!.body, undefined, 'no text from an unknown binary');
    });

    test('a folder with more entries than one listing answer, and many folders', async () => {
      const wide = join(smb.root, 'many', 'wide');
      await mkdir(wide, { recursive: true });
      for (let i = 0; i < 1500; i++) await writeFile(join(wide, `entry-with-a-longish-name-${String(i).padStart(5, '0')}.txt`), `n${i}`);
      await writeTree(join(smb.root, 'many'), 600);
      const docs = await sync(smb.config({ drive_path: `${SHARE}/many`, concurrent_downloads: 16 }));
      const files = docs.filter((d) => d.type === 'file');
      assert.equal(files.length, 2100);
      assert.equal(new Set(docs.map((d) => d._id)).size, docs.length);
      assert.equal(files.filter((d) => typeof d.body === 'string' && d.body.length > 0).length, 2100);
      assert.equal(docs.filter((d) => d.type === 'folder').length, 1 + 10 + 30);
    });

    test('large files: read whole below max_file_size, metadata only above it', async () => {
      await mkdir(join(smb.root, 'large'), { recursive: true });
      const line = 'large file line of text for the network drive source\n';
      await writeFile(join(smb.root, 'large', 'big.txt'), line.repeat(Math.ceil((3 * 1024 * 1024) / line.length)));
      await writeFile(join(smb.root, 'large', 'huge.txt'), line.repeat(Math.ceil((5 * 1024 * 1024) / line.length)));
      const ctx = testContext();
      const docs = await sync(smb.config({ drive_path: `${SHARE}/large`, max_file_size: 4 * 1024 * 1024 }), ctx);
      const big = docs.find((d) => d.title === 'big.txt')!;
      const huge = docs.find((d) => d.title === 'huge.txt')!;
      const body = String(big.body);
      assert.equal(body.length, (big.size as number) - 1, 'every chunk read (the final line break is trimmed)');
      assert.ok(body.endsWith(line.trim()));
      assert.equal(body.split('\n').length, Math.ceil((3 * 1024 * 1024) / line.length), 'chunks in order, none lost');
      assert.equal(huge.body, undefined);
      assert.equal(ctx.failures.length, 1);
      assert.equal(ctx.failures[0][0], huge._id);
      assert.match(ctx.failures[0][1], /max_file_size/);
    });
  });

  describe('errors say what to fix', () => {
    test('bad credentials', async () => {
      const s = networkDriveSource.create(smb.config({ password: 'wrong' }));
      const t0 = Date.now();
      await assert.rejects(s.ping(), (e: unknown) => e instanceof SourceError && /\[username\] and \[password\]/.test(e.message) && e.options.transient === false);
      assert.ok(Date.now() - t0 < 20_000, 'no retries of a permanent error');
      await s.close();
    });

    test('missing share and missing folder', async () => {
      const noShare = networkDriveSource.create(smb.config({ drive_path: 'nosuchshare' }));
      await assert.rejects(noShare.ping(), (e: unknown) => e instanceof SourceError && /no share \[nosuchshare\]/.test(e.message) && /\[drive_path\]/.test(e.message));
      await noShare.close();
      const noFolder = networkDriveSource.create(smb.config({ drive_path: `${SHARE}/no/such/folder` }));
      await assert.rejects(collect(noFolder.getDocs(testContext())), (e: unknown) => e instanceof SourceError && /Not found/.test(e.message) && /\[drive_path\]/.test(e.message));
      await noFolder.close();
    });

    test('an unreachable server names server_ip and server_port', async () => {
      const s = networkDriveSource.create(smb.config({ server_port: 1 }));
      await assert.rejects(s.ping(), (e: unknown) => e instanceof SourceError && /\[server_ip\] and \[server_port\]/.test(e.message));
      await s.close();
    });

    test('invalid configuration values name the field', async () => {
      for (const [config, field] of [
        [{ ...smb.config(), drive_path: '' }, 'drive_path'],
        [{ ...smb.config(), drive_path: 'docs/../etc' }, 'drive_path'],
        [{ ...smb.config(), drive_type: 'mac' }, 'drive_type'],
        [{ ...smb.config(), server_port: 70000 }, 'server_port'],
      ] as const) {
        const s = networkDriveSource.create(config);
        await assert.rejects(s.ping(), (e: unknown) => e instanceof SourceError && e.message.includes(`[${field}]`));
        await s.close();
      }
    });
  });

  describe('incremental syncs and deletions', () => {
    test('an incremental sync reads only changed files; a deletion re-enumerates; a full sync omits deleted files', async () => {
      const root = join(smb.root, 'inc');
      const paths = await writeTree(root, 40);
      await settle();
      const config = smb.config({ drive_path: `${SHARE}/inc` });
      const full = networkDriveSource.create(config);
      const first = await collect(full.getDocs(testContext()));
      const cursor = full.cursorAfterFullSync!();
      await full.close();
      assert.ok(cursor);

      await writeFile(join(root, paths[0]), 'changed content\n');
      await settle();
      const inc = networkDriveSource.create(config);
      const ctx = testContext({ syncCursor: cursor });
      const it = inc.getDocsIncrementally!(ctx);
      const changed: SourceDocument[] = [];
      let r = await it.next();
      for (; !r.done; r = await it.next()) changed.push(r.value as SourceDocument);
      await inc.close();
      assert.equal(ctx.complete, false);
      assert.deepEqual(changed.map((d) => d.title), ['f0.txt']);
      assert.equal(changed[0].body, 'changed content');

      await rm(join(root, paths[1]));
      await settle();
      const inc2 = networkDriveSource.create(config);
      const ctx2 = testContext({ syncCursor: r.value as Record<string, unknown> });
      const all = await collect(inc2.getDocsIncrementally!(ctx2) as AsyncIterable<SourceDocument>);
      await inc2.close();
      assert.equal(ctx2.complete, true, 'the deletion makes the run a complete enumeration, so the runtime sweeps');
      assert.equal(all.length, first.length - 1);
      assert.ok(!all.some((d) => d._id === documentId(SHARE, `inc/${paths[1]}`)));
      const again = await sync(config);
      assert.equal(again.length, first.length - 1);
    });
  });

  describe('cancel and rules', () => {
    test('an abort stops a sync promptly, reads in flight included', async () => {
      const root = join(smb.root, 'cancel');
      await mkdir(root, { recursive: true });
      const text = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 30; i++) await writeFile(join(root, `f${i}.txt`), text);
      const ac = new AbortController();
      const s = networkDriveSource.create(smb.config({ drive_path: `${SHARE}/cancel`, concurrent_downloads: 4 }));
      let n = 0;
      const t0 = Date.now();
      await assert.rejects(
        (async () => {
          for await (const _ of s.getDocs(testContext({ signal: ac.signal }))) if (++n === 2) ac.abort(new Error('canceled by the test'));
        })(),
        /canceled by the test/,
      );
      await s.close();
      assert.ok(n < 30);
      assert.ok(Date.now() - t0 < 15_000);
    });

    test('advanced rules select folders by glob; basic rules are pushed down and counted', async () => {
      await writeTree(join(smb.root, 'rules'), 30);
      const ctx = testContext({ advancedRules: [{ pattern: 'docs/rules/d1' }, { pattern: 'docs/rules/**/s2' }] });
      const docs = await sync(smb.config({ drive_path: `${SHARE}/rules` }), ctx);
      const paths = docs.map((d) => String(d.path).replace('\\\\127.0.0.1\\docs\\rules\\', '').replace(/\\/g, '/')).sort();
      assert.ok(paths.length > 0);
      for (const p of paths) assert.ok(p.startsWith('d1/') || /^d\d\/s2\//.test(p), p);
      assert.ok(paths.includes('d1/s0/f21.txt'));
      assert.ok(paths.includes('d0/s2/f20.txt'));

      const skipped: string[] = [];
      const basic = testContext({ basicRules: [{ id: 'r', order: 0, policy: 'exclude', field: 'title', rule: 'starts_with', value: 'f1', created_at: '', updated_at: '' }, { id: 'DEFAULT', order: 1, policy: 'include', field: '_', rule: 'regex', value: '.*', created_at: '', updated_at: '' }] as never, reportSkipped: (id: string) => skipped.push(id) });
      const kept = await sync(smb.config({ drive_path: `${SHARE}/rules` }), basic);
      assert.ok(!kept.some((d) => String(d.title).startsWith('f1')));
      assert.equal(skipped.length, 11, 'f1 and f10–f19');
    });
  });
});
