/**
 * A Tributary server on a real loopback port, on SQLite (a fresh data directory) or on
 * PostgreSQL (a fresh schema on the test server), with the embedded content index, for the
 * replay of Elastic's connector service. `secured` turns security on with the role
 * docs/elastic-connector-service.md gives the service, read from the page, and one user with
 * it: the replay then runs with that user's credentials, as the service would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildServer } from '../../../src/api/server.js';
import { openApp } from '../../../src/app/open-app.js';
import { parseSecurityConfig } from '../../../src/security/config.js';
import { dropSchema, pgUrl, randomSchema } from '../../../src/store/postgres/postgres.fixture.js';

export interface LifecycleServer {
  url: string;
  /** The service's credentials when the server is secured. */
  auth?: { username: string; password: string };
  /** An administrator's (a Kibana user creating connector API keys), when secured. */
  admin?: { username: string; password: string };
  close(): Promise<void>;
}

const SERVICE_USER = { username: 'connector-service', password: 'connector-service-password' };
const ADMIN = { username: 'admin', password: 'admin-password' };

/** The `security:` block of the role the service's page documents. */
async function documentedRole() {
  const page = readFileSync(new URL('../../../docs/elastic-connector-service.md', import.meta.url), 'utf8');
  const block = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((y) => y.includes('elastic-connector-service:'));
  if (!block) throw new Error('docs/elastic-connector-service.md has no role block');
  const security = (parse(block) as { security: Record<string, unknown> }).security;
  const roles = { ...(security.roles as Record<string, unknown>), admin: { cluster: ['all'], indices: [{ names: ['*'], privileges: ['all'] }] } };
  const users = {
    [SERVICE_USER.username]: { password: SERVICE_USER.password, roles: ['elastic-connector-service'] },
    [ADMIN.username]: { password: ADMIN.password, roles: ['admin'] },
  };
  return parseSecurityConfig({ ...security, roles, users }, 'docs/elastic-connector-service.md', { hashCost: 10 });
}

export async function startLifecycleServer(store: 'sqlite' | 'postgres', opts: { secured?: boolean } = {}): Promise<LifecycleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-replay-'));
  const schema = store === 'postgres' ? randomSchema() : undefined;
  const app = await openApp({
    dataDir,
    contentIndex: { file: join(dataDir, 'content.sqlite') },
    ...(schema ? { storeUrl: pgUrl({ schema }) } : {}),
    ...(opts.secured ? { securityConfig: await documentedRole() } : {}),
  });
  const server = buildServer(app);
  const url = (await server.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  return {
    url,
    ...(opts.secured ? { auth: SERVICE_USER, admin: ADMIN } : {}),
    async close() {
      await server.close();
      if (schema) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
