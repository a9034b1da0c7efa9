/**
 * Every registered endpoint, with security on (issue 4): refuses missing and wrong credentials
 * with 401 (Elasticsearch's reasons, `WWW-Authenticate`), refuses a user without privileges
 * with 403 naming the endpoint's action, and lets the superuser through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { endpoints } from '../../src/api/registry.js';
import { startSecureServer, type SecureServer } from '../helpers/secure-server.js';

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer();
});
after(() => srv.close());

const routes = endpoints.flatMap((ep) => ep.paths.map((path) => ({ ep, path, url: path.replace(/:[a-z_]+/g, (p) => (p === ':index' ? 'test-index' : 't1')) })));

function securityError(res: { statusCode: number; json(): any; headers: Record<string, unknown> }, status: number, isHead: boolean) {
  assert.equal(res.statusCode, status);
  assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
  if (isHead) return '';
  const body = res.json();
  assert.equal(body.status, status);
  assert.equal(body.error.type, 'security_exception');
  assert.equal(body.error.root_cause[0].type, 'security_exception');
  return body.error.reason as string;
}

describe('every endpoint', () => {
  test('the registry has the secret and security endpoints', () => {
    const names = new Set(endpoints.map((e) => e.name));
    for (const n of ['connector.secret_post', 'connector.secret_put', 'connector.secret_get', 'connector.secret_delete', 'security.create_api_key', 'security.get_api_key', 'security.invalidate_api_key', 'security.authenticate', 'security.has_privileges']) {
      assert.ok(names.has(n), n);
    }
  });

  routes.forEach(({ ep, path, url }, i) => {
    const isHead = ep.method === 'HEAD';
    const remoteAddress = `10.1.${i >> 8}.${i & 255}`;

    test(`${ep.method} ${path}: 401 without credentials`, async () => {
      const res = await srv.inject({ method: ep.method, url, remoteAddress });
      const reason = securityError(res, 401, isHead);
      assert.match(String(res.headers['www-authenticate']), /^Basic realm="security"/);
      if (!isHead) assert.equal(reason, `missing authentication credentials for REST request [${url}]`);
    });

    test(`${ep.method} ${path}: 401 with a wrong password, an unknown user and a bad API key`, async () => {
      let res = await srv.inject({ method: ep.method, url, remoteAddress, auth: ['root', 'wrong-password'] });
      if (!isHead) assert.equal(securityError(res, 401, false), `unable to authenticate user [root] for REST request [${url}]`);
      else assert.equal(res.statusCode, 401);
      res = await srv.inject({ method: ep.method, url, remoteAddress, auth: ['no-such-user', 'root-password'] });
      securityError(res, 401, isHead);
      res = await srv.inject({ method: ep.method, url, remoteAddress, apiKey: Buffer.from('nokey:secret').toString('base64') });
      securityError(res, 401, isHead);
      assert.ok(!res.body.includes('secret'), 'the key is not echoed');
    });

    test(`${ep.method} ${path}: 403 for a user without privileges`, async () => {
      const res = await srv.inject({ method: ep.method, url, remoteAddress, auth: ['nobody', 'nobody-password'] });
      if (ep.action === 'cluster:admin/xpack/security/user/authenticate') {
        assert.equal(res.statusCode, 200);
        return;
      }
      if (ep.action === 'cluster:admin/xpack/security/user/has_privileges') {
        // Everyone may ask about their own privileges; this request has no body.
        assert.equal(res.statusCode, 400);
        return;
      }
      const reason = securityError(res, 403, isHead);
      if (!isHead) {
        assert.ok(reason.startsWith(`action [${ep.action}] is unauthorized for user [nobody] with effective roles []`), reason);
        assert.match(reason, /this action is granted by the (cluster|index) privileges \[[a-z_,]+\]$/);
      }
    });

    test(`${ep.method} ${path}: the superuser gets past security`, async () => {
      const res = await srv.inject({ method: ep.method, url, remoteAddress, auth: ['root', 'root-password'] });
      assert.ok(![401, 403, 429].includes(res.statusCode), `${res.statusCode} ${res.body}`);
    });
  });
});
