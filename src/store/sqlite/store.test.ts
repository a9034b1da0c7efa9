/** The shared store suite (store.case.ts) on SQLite: a fresh file per test, two connections. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeCases, type StoreBackend } from '../store.case.js';
import { seqNoCases } from '../seq-no.case.js';
import { openSqliteStore } from './index.js';

const backend: StoreBackend = {
  kind: 'sqlite',
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
    return {
      open: async () => openSqliteStore(dir),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};
storeCases(backend);
seqNoCases(backend);
