/**
 * Context for the API numbers: how fast better-sqlite3 alone inserts the same connector
 * documents into the same schema, with the same pragmas (it opens the database through
 * `src/store/sqlite/database.ts`) and the same upsert statement as the store.
 * Only the transaction is timed (documents are built beforehand). Two shapes: one transaction per document (what a request-at-a-time `put` costs) and
 * `batch` documents per transaction (what group commit can reach).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newConnectorDoc } from '../src/domain/connector/defaults.js';
import { parseCreate } from '../src/domain/connector/requests.js';
import { systemClock } from '../src/domain/shared/clock.js';
import { openDatabase } from '../src/store/sqlite/database.js';
import { createBody } from './workload.js';

export interface InsertRate {
  perTx: number;
  rowsPerSecond: number;
  rows: number;
}

export function sqliteInsertRates(seconds: number, batches: number[] = [1, 50]): InsertRate[] {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-sqlite-'));
  const db = openDatabase(join(dir, 'state.db'));
  try {
    const exists = db.prepare('SELECT 1 AS one FROM connectors WHERE id = ?');
    const insert = db.prepare('INSERT INTO connectors (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc');
    const out: InsertRate[] = [];
    let n = 0;
    for (const perTx of batches) {
      const tx = db.transaction((docs: [string, string][]) => {
        for (const [id, doc] of docs) {
          exists.get(id);
          insert.run(id, doc);
        }
      });
      let busy = 0;
      let rows = 0;
      while (busy < seconds * 1000) {
        const docs: [string, string][] = [];
        for (let i = 0; i < perTx; i++, n++) {
          const id = `sqlite-${n}`;
          // The same documents the API stores (built outside the timed part).
          const doc = newConnectorDoc(parseCreate(JSON.parse(createBody(`raw-${n}`))), systemClock.now());
          docs.push([id, JSON.stringify(doc)]);
        }
        const t0 = performance.now();
        tx.immediate(docs);
        busy += performance.now() - t0;
        rows += perTx;
      }
      out.push({ perTx, rows, rowsPerSecond: rows / (busy / 1000) });
    }
    return out;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
