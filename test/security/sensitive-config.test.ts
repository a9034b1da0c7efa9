/**
 * Sensitive configuration values through the API with security on (issue 11 item 16): only
 * callers with manage_connector see them, in connectors and in sync job snapshots; they are
 * never in the state database in plain text; the data folder is private.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openApp } from '../../src/app/open-app.js';
import { newConnectorDoc } from '../../src/domain/connector/defaults.js';
import { startSecureServer } from '../helpers/secure-server.js';

const PASSWORD = 'Sup3r-Secret-DB-Pw';

describe('sensitive configuration values (issue 11 item 16)', () => {
  test('read-only users see the entry without its value; manage_connector sees it; never plain at rest', async () => {
    const srv = await startSecureServer();
    try {
      const manager = ['keymaker', 'keymaker-password'] as [string, string];
      const reader = ['reader', 'reader-password'] as [string, string];
      // Created by a superuser: aiming a connector at an index needs write and delete on it
      // (security-index-targets.test.ts), which the manager role here does not hold.
      const root = ['root', 'root-password'] as [string, string];
      assert.equal((await srv.inject({ method: 'PUT', url: '/_connector/pg', auth: root, body: { index_name: 'search-pg', service_type: 'postgresql' } })).statusCode, 201);
      const schema = await srv.inject({
        method: 'PUT',
        url: '/_connector/pg/_configuration',
        auth: manager,
        body: {
          configuration: {
            host: { label: 'Host', type: 'str', display: 'textbox', value: 'db.internal' },
            password: { label: 'Password', type: 'str', display: 'text', sensitive: true, value: null },
          },
        },
      });
      assert.equal(schema.statusCode, 200, schema.body);
      const values = await srv.inject({ method: 'PUT', url: '/_connector/pg/_configuration', auth: manager, body: { values: { password: PASSWORD } } });
      assert.equal(values.statusCode, 200, values.body);
      const job = await srv.inject({ method: 'POST', url: '/_connector/_sync_job', auth: manager, body: { id: 'pg' } });
      assert.equal(job.statusCode, 201, job.body);
      const jobId = job.json().id as string;

      const reads = ['/_connector/pg', '/_connector', `/_connector/_sync_job/${jobId}`, '/_connector/_sync_job'];
      const config = (url: string, body: any) => {
        const doc = url === '/_connector' || url === '/_connector/_sync_job' ? body.results[0] : body;
        return url.includes('_sync_job') ? doc.connector.configuration : doc.configuration;
      };
      for (const url of reads) {
        const asReader = await srv.inject({ method: 'GET', url, auth: reader });
        assert.equal(asReader.statusCode, 200, `${url}: ${asReader.body}`);
        assert.ok(!asReader.body.includes(PASSWORD), `${url} shows the password to a read-only user`);
        const c = config(url, asReader.json());
        assert.equal(Object.hasOwn(c.password, 'value'), false, `${url}: the value is removed`);
        assert.equal(c.password.sensitive, true);
        assert.equal(c.host.value, 'db.internal', `${url}: other values are shown`);
        assert.ok(!asReader.body.includes('enc:v1:'), `${url}: nor is the ciphertext`);

        const asManager = await srv.inject({ method: 'GET', url, auth: manager });
        assert.equal(config(url, asManager.json()).password.value, PASSWORD, `${url}: manage_connector sees the value`);
      }
      // The in-process worker's own credential (manage_connector) gets the plain value it needs.
      const { securityAdmin } = await import('../../src/security/admin-port.js');
      const worker = securityAdmin(srv.app)!.internalCredential!();
      for (const url of [`/_connector/pg`, `/_connector/_sync_job/${jobId}`]) {
        const asWorker = await srv.inject({ method: 'GET', url, apiKey: worker });
        assert.equal(config(url, asWorker.json()).password.value, PASSWORD, `${url}: the worker sees the value`);
      }
      // filter_path cannot dig it out for a reader either.
      const filtered = await srv.inject({ method: 'GET', url: '/_connector/pg?filter_path=configuration.password', auth: reader });
      assert.ok(!filtered.body.includes(PASSWORD));

      await srv.app.store.close();
      for (const f of readdirSync(srv.dataDir).filter((n) => n.startsWith('state.db'))) {
        assert.ok(!readFileSync(join(srv.dataDir, f)).includes(PASSWORD), `${f} holds the password in plain text`);
      }
    } finally {
      await srv.close().catch(() => {});
    }
  });
});

describe('the data folder is private (issue 11 item 16)', () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  test('a new data folder is 0700 and its files 0600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'tributary-perm-'));
    const dir = join(parent, 'data');
    const app = await openApp({ dataDir: dir });
    try {
      await app.store.connectors.put('c1', newConnectorDoc({ index_name: 'x' }, new Date().toISOString()));
      assert.equal(mode(dir), 0o700);
      for (const f of readdirSync(dir)) assert.equal(mode(join(dir, f)), 0o600, f);
      assert.ok(readdirSync(dir).includes('state.db') && readdirSync(dir).includes('node.json') && readdirSync(dir).includes('secret.key'));
    } finally {
      await app.store.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test('an existing folder with looser modes is tightened at start, and the change is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-perm-'));
    try {
      const first = await openApp({ dataDir: dir });
      await first.store.close();
      chmodSync(dir, 0o755);
      chmodSync(join(dir, 'state.db'), 0o644);
      chmodSync(join(dir, 'node.json'), 0o644);
      writeFileSync(join(dir, 'content.db'), '', { mode: 0o644 });
      chmodSync(join(dir, 'content.db'), 0o644);
      const app = await openApp({ dataDir: dir });
      await app.store.close();
      assert.equal(mode(dir), 0o700);
      for (const f of ['state.db', 'node.json', 'content.db']) assert.equal(mode(join(dir, f)), 0o600, f);
      assert.equal(app.notices?.length, 4, String(app.notices));
      assert.match(app.notices![0], /readable by other users \(mode 755\); changed to 700/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
