/**
 * A Tributary server with security on, for the security tests (issue 4). Users get cheap
 * scrypt hashes (ln=10) so tests stay fast.
 *
 *   const srv = await startSecureServer({ users: { alice: { password: 'alice-pw', roles: ['superuser'] } } });
 *   await srv.inject({ method: 'GET', url: '/_connector', auth: ['alice', 'alice-pw'] });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/api/app-context.js';
import { ContentIndex } from '../../src/content-index/content-index.js';
import { buildServer } from '../../src/api/server.js';
import { openApp } from '../../src/app/open-app.js';
import { parseSecurityConfig } from '../../src/security/config.js';

export const TEST_USERS = {
  root: { password: 'root-password', roles: ['superuser'] },
  admin: { password: 'admin-password', roles: ['admin'] },
  reader: { password: 'reader-password', roles: ['reader'] },
  nobody: { password: 'nobody-password', roles: [] as string[] },
  keymaker: { password: 'keymaker-password', roles: ['keymaker'] },
};

export const TEST_ROLES = {
  admin: { cluster: ['manage'], indices: [{ names: ['.elastic-connectors*'], privileges: ['all'] }] },
  reader: { cluster: ['monitor_connector', 'manage_own_api_key'] },
  keymaker: { cluster: ['manage_own_api_key', 'manage_connector'] },
};

export interface SecureServer {
  app: AppContext;
  server: FastifyInstance;
  dataDir: string;
  inject(o: Omit<InjectOptions, 'body'> & { body?: unknown; auth?: [string, string]; apiKey?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

export async function startSecureServer(
  security: Record<string, unknown> = {},
  opts: { storeWithoutApiKeys?: boolean; /** Opens an embedded content index in the data folder (closed by close()). */ contentIndex?: boolean } = {},
): Promise<SecureServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-sec-'));
  const config = await parseSecurityConfig({ enabled: true, users: TEST_USERS, roles: TEST_ROLES, ...security }, 'test', { hashCost: 10 });
  const app = await openApp({ dataDir, securityConfig: opts.storeWithoutApiKeys ? undefined : config });
  if (opts.storeWithoutApiKeys) {
    const { createSecurity } = await import('../../src/security/security.js');
    app.security = createSecurity(config, { apiKeysUnavailable: 'API keys are not available with the [postgres] state store yet' });
  }
  const contentIndex = opts.contentIndex ? new ContentIndex(join(dataDir, 'content.db')) : null;
  if (contentIndex) app.contentIndex = contentIndex;
  const server = buildServer(app, {});
  await server.ready();
  return {
    app,
    server,
    dataDir,
    inject(o) {
      const { body, auth, apiKey, ...rest } = o;
      const headers: Record<string, string> = { ...((rest.headers as Record<string, string>) ?? {}) };
      if (auth) headers.authorization = basic(auth[0], auth[1]);
      if (apiKey) headers.authorization = `ApiKey ${apiKey}`;
      if (body !== undefined && rest.payload === undefined) {
        rest.payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['content-type'] ??= 'application/json';
      }
      return server.inject({ ...rest, headers });
    },
    async close() {
      await server.close();
      contentIndex?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates `index` with `mappings` and puts each document (its `id` is the `_id`) as `auth`. */
export async function createIndexWithDocs(
  srv: SecureServer,
  auth: [string, string],
  index: string,
  mappings: unknown,
  docs: readonly { id: string; [field: string]: unknown }[],
): Promise<void> {
  const created = await srv.inject({ method: 'PUT', url: `/${index}`, auth, body: mappings === undefined ? undefined : { mappings } });
  if (created.statusCode !== 200) throw new Error(`PUT /${index}: ${created.statusCode} ${created.body}`);
  for (const { id, ...doc } of docs) {
    const res = await srv.inject({ method: 'PUT', url: `/${index}/_doc/${encodeURIComponent(id)}`, auth, body: doc });
    if (res.statusCode !== 201) throw new Error(`PUT /${index}/_doc/${id}: ${res.statusCode} ${res.body}`);
  }
}
