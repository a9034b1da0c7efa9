/** The SQLite store: one file `<data>/state.db` (the embedded default). */
import { join } from 'node:path';
import type { Store } from '../store.js';
import { sqliteApiKeyStore } from './api-key-store.js';
import { openDatabase } from './database.js';
import { sqliteConnectorStore } from './connector-store.js';
import { sqliteSecretStore } from './secret-store.js';
import { sqliteSyncJobStore } from './sync-job-store.js';

export function openSqliteStore(dataDir: string): Store {
  const db = openDatabase(dataDir === ':memory:' ? ':memory:' : join(dataDir, 'state.db'));
  return {
    kind: 'sqlite',
    connectors: sqliteConnectorStore(db),
    syncJobs: sqliteSyncJobStore(db),
    secrets: sqliteSecretStore(db),
    apiKeys: sqliteApiKeyStore(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}
