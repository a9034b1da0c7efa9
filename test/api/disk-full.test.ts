/**
 * A full disk is named in the API error (issue 11 item 17): 429 `cluster_block_exception`
 * ("database or disk is full"), never a generic 500, and the server recovers when space is
 * freed. On a real, tiny tmpfs when this process may mount one (root); the mapping of
 * PostgreSQL's 53100 and ENOSPC is checked with the errors those drivers raise.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildServer } from '../../src/api/server.js';
import { ApiError, diskFullError } from '../../src/domain/errors.js';
import { openApp } from '../../src/app/open-app.js';
import { ContentIndex } from '../../src/content-index/content-index.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'tributary-full-'));
let mounted = false;
let why = '';

before(() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    why = `cannot mount a tmpfs here (${String((e as Error).message).split('\n')[0]}); the mapping is still tested below`;
  }
});

after(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe('full disk (issue 11 item 17)', () => {
  test('a real full file system: 429 cluster_block_exception naming the cause, reads still served, recovery after freeing space', async (t) => {
    if (!mounted) return t.skip(why);
    const dataDir = join(mountPoint, 'data');
    const app = await openApp({ dataDir });
    const index = new ContentIndex(join(dataDir, 'content.db'));
    app.contentIndex = index;
    app.closers.push(() => index.close());
    const server = buildServer(app, {});
    await server.ready();
    try {
      const ballast = join(mountPoint, 'ballast');
      writeFileSync(ballast, Buffer.alloc(128 * 1024));
      const put = (id: string) =>
        server.inject({ method: 'PUT', url: `/_connector/${id}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: id, description: 'x'.repeat(48 * 1024) }) });
      assert.equal((await put('c0')).statusCode, 201);
      let full: Awaited<ReturnType<typeof put>> | null = null;
      for (let i = 1; i < 200 && !full; i++) {
        const res = await put(`c${i}`);
        assert.ok(res.statusCode < 500, `a full disk answered ${res.statusCode}: ${res.body}`);
        if (res.statusCode !== 201) full = res;
      }
      assert.ok(full, 'the 1 MB file system never filled up');
      assert.equal(full.statusCode, 429, full.body);
      assert.equal(full.json().error.type, 'cluster_block_exception');
      assert.match(full.json().error.reason, /database or disk is full \(SQLITE_FULL\)/);

      // The content index on the same disk says the same.
      const doc = await server.inject({ method: 'PUT', url: '/search-full/_doc/1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ body: 'y'.repeat(200 * 1024) }) });
      assert.equal(doc.statusCode, 429, `content index: ${doc.body}`);
      assert.match(doc.json().error.reason, /database or disk is full/);

      // What is stored is still served.
      assert.equal((await server.inject({ method: 'GET', url: '/_connector/c0' })).statusCode, 200);
      // Space freed: writes work again.
      rmSync(ballast);
      const again = await put('after');
      assert.equal(again.statusCode, 201, again.body);
    } finally {
      await server.close();
    }
  });

  test('PostgreSQL disk_full and ENOSPC/EDQUOT map to the same 429; other errors do not', () => {
    const pg = Object.assign(new Error('could not extend file "base/16384/16385": No space left on device'), { code: '53100', severity: 'ERROR' });
    const e1 = diskFullError(pg)!;
    assert.ok(e1 instanceof ApiError);
    assert.deepEqual([e1.status, e1.type], [429, 'cluster_block_exception']);
    assert.match(e1.reason, /SQLSTATE 53100 disk_full/);
    const e2 = diskFullError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }))!;
    assert.equal(e2.reason, 'no space left on device (ENOSPC) (write): free disk space, then retry');
    assert.match(diskFullError({ code: 'EDQUOT' })!.reason, /disk quota exceeded/);
    assert.equal(diskFullError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' })), null);
    assert.equal(diskFullError(new Error('boom')), null);
    assert.equal(diskFullError(null), null);
  });
});
