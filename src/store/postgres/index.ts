/**
 * The PostgreSQL store, for several Tributary processes on one shared, durable state:
 * `--store postgres://user@host:5432/db[?schema=s&pool_max=n]` (docs/postgres.md).
 */
import type { Store } from '../store.js';
import { pgApiKeyStore } from './api-key-store.js';
import { parseStoreUrl, PgDatabase } from './database.js';
import { pgConnectorStore } from './connector-store.js';
import { pgPipelineStore } from './pipeline-store.js';
import { pgSecretStore } from './secret-store.js';
import { pgSyncJobStore } from './sync-job-store.js';

export async function openPostgresStore(url: string): Promise<Store> {
  const db = new PgDatabase(parseStoreUrl(url));
  try {
    await db.migrate();
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return {
    kind: 'postgres',
    connectors: pgConnectorStore(db),
    syncJobs: pgSyncJobStore(db),
    secrets: pgSecretStore(db),
    apiKeys: pgApiKeyStore(db),
    pipelines: pgPipelineStore(db),
    ping: () => db.ping(),
    async sizeBytes() {
      const r = await db.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
      return Number(r.rows[0].n);
    },
    close: () => db.close(),
  };
}
