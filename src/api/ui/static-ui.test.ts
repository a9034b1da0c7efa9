/**
 * The web UI's files under /_ui/ (static-ui.ts): caching headers, gzip, the app's HTML for
 * client-side routes, redirects, 404 for a missing hashed asset, and, with security on, public
 * files while the API the app calls still needs credentials.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openApp } from '../../app/open-app.js';
import { parseSecurityConfig } from '../../security/config.js';
import { buildServer } from '../server.js';
import { loadUiAssets, registerUi } from './static-ui.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/_ui/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
const JS = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('web UI files under /_ui/', () => {
  let dir: string;
  let dataDir: string;
  let server: FastifyInstance;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-ui-files-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), JS);
    dataDir = mkdtempSync(join(tmpdir(), 'tributary-ui-data-'));
    const securityConfig = await parseSecurityConfig({ enabled: true, users: { root: { password: 'root-password', roles: ['superuser'] } } }, 'test', { hashCost: 10 });
    const app = await openApp({ dataDir, securityConfig });
    server = buildServer(app, {});
    registerUi(server, loadUiAssets(dir));
    await server.ready();
  });

  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('/_ui and /_ui/ redirect to the connectors list; GET / stays Elasticsearch (and needs credentials)', async () => {
    for (const url of ['/_ui', '/_ui/']) {
      const res = await server.inject({ url });
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, '/_ui/connectors');
    }
    const root = await server.inject({ url: '/' });
    assert.equal(root.statusCode, 401);
    assert.equal(root.json().error.type, 'security_exception');
  });

  test('any page of the app answers its HTML, not cached without revalidation, without credentials', async () => {
    for (const url of ['/_ui/connectors', '/_ui/connectors/c1/jobs', '/_ui/index.html']) {
      const res = await server.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, INDEX);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    }
  });

  test('hashed assets: immutable for a year, gzipped when accepted, 304 on a matching ETag', async () => {
    const res = await server.inject({ url: '/_ui/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(gunzipSync(res.rawPayload).toString(), JS);
    assert.ok(res.rawPayload.length < JS.length / 10);
    const plain = await server.inject({ url: '/_ui/assets/index-abc123.js' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, JS);
    const again = await server.inject({ url: '/_ui/assets/index-abc123.js', headers: { 'if-none-match': String(res.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  test('a missing hashed asset is a 404, not the app', async () => {
    const res = await server.inject({ url: '/_ui/assets/index-old999.js' });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /no such file in the web UI: assets\/index-old999\.js/);
  });

  test('the API the app calls still needs credentials, also through a /_ui/ path', async () => {
    const anon = await server.inject({ url: '/_connector' });
    assert.equal(anon.statusCode, 401);
    const search = await server.inject({ method: 'POST', url: '/_ui/_search', payload: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(search.statusCode, 401);
    const types = await server.inject({ url: '/_tributary/source_types' });
    assert.equal(types.statusCode, 401);
    const auth = 'Basic ' + Buffer.from('root:root-password').toString('base64');
    const ok = await server.inject({ url: '/_tributary/source_types', headers: { authorization: auth } });
    assert.equal(ok.statusCode, 200);
    const body = ok.json();
    const dir = body.results.find((t: { service_type: string }) => t.service_type === 'directory');
    assert.equal(dir.name, 'Directory');
    assert.equal(dir.configuration.path.required, true);
    assert.equal(body.count, body.results.length);
  });

  test('without a build: a page saying how to build the UI; a folder that is no UI build is refused', async () => {
    const bare = buildServer(await openApp({ dataDir: mkdtempSync(join(tmpdir(), 'tributary-ui-bare-')) }), {});
    registerUi(bare, loadUiAssets(join(dir, 'missing')));
    await bare.ready();
    const res = await bare.inject({ url: '/_ui/connectors' });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /npm run build:ui/);
    await bare.close();
    const big = mkdtempSync(join(tmpdir(), 'tributary-ui-big-'));
    writeFileSync(join(big, 'index.html'), INDEX);
    for (let i = 0; i < 501; i++) writeFileSync(join(big, `f${i}.txt`), 'x');
    assert.throws(() => loadUiAssets(big), /more than 500 files/);
    rmSync(big, { recursive: true, force: true });
  });
});
