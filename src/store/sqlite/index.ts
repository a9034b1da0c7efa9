/** The SQLite store: one file `<data>/state.db` (the embedded default). */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store.js';
import { sqliteApiKeyStore } from './api-key-store.js';
import { openDatabase } from './database.js';
import { sqliteConnectorStore } from './connector-store.js';
import { sqlitePipelineStore } from './pipeline-store.js';
import { sqliteSecretStore } from './secret-store.js';
import { sqliteSyncJobStore } from './sync-job-store.js';

export function openSqliteStore(dataDir: string): Store {
  const file = dataDir === ':memory:' ? null : join(dataDir, 'state.db');
  const db = openDatabase(file ?? ':memory:');
  return {
    kind: 'sqlite',
    connectors: sqliteConnectorStore(db),
    syncJobs: sqliteSyncJobStore(db),
    secrets: sqliteSecretStore(db),
    apiKeys: sqliteApiKeyStore(db),
    pipelines: sqlitePipelineStore(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async sizeBytes() {
      // The database and its write-ahead log (which holds recent writes until a checkpoint).
      if (!file) return 0;
      return [file, `${file}-wal`].reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
    },
    async close() {
      db.close();
    },
  };
}
