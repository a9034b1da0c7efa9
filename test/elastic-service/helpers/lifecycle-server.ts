/**
 * A Tributary server on a real loopback port, on SQLite (a fresh data directory) or on
 * PostgreSQL (a fresh schema on the test server), with the embedded content index, for the replay of Elastic's connector service.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../../src/api/server.js';
import { openApp } from '../../../src/app/open-app.js';
import { dropSchema, pgUrl, randomSchema } from '../../../src/store/postgres/postgres.fixture.js';

export interface LifecycleServer {
  url: string;
  close(): Promise<void>;
}

export async function startLifecycleServer(store: 'sqlite' | 'postgres'): Promise<LifecycleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-replay-'));
  const schema = store === 'postgres' ? randomSchema() : undefined;
  const app = await openApp({ dataDir, contentIndex: { file: join(dataDir, 'content.sqlite') }, ...(schema ? { storeUrl: pgUrl({ schema }) } : {}) });
  const server = buildServer(app);
  const url = (await server.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  return {
    url,
    async close() {
      await server.close();
      if (schema) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
