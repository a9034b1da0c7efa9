/**
 * Versioned schema of the SQLite store. Append new versions; never edit an applied one.
 * Documents are stored as JSON text; the columns the store filters on are generated from it,
 * so they can never disagree with the document.
 */
export const migrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE connectors (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL,
        index_name TEXT GENERATED ALWAYS AS (json_extract(doc, '$.index_name')) VIRTUAL,
        name TEXT GENERATED ALWAYS AS (json_extract(doc, '$.name')) VIRTUAL,
        service_type TEXT GENERATED ALWAYS AS (json_extract(doc, '$.service_type')) VIRTUAL,
        description TEXT GENERATED ALWAYS AS (json_extract(doc, '$.description')) VIRTUAL,
        deleted INTEGER GENERATED ALWAYS AS (coalesce(json_extract(doc, '$.deleted'), 0)) VIRTUAL
      );
      -- Index-name uniqueness among live connectors (connector-api.md §10.3), enforced
      -- atomically instead of Elasticsearch's racy search-then-write.
      CREATE UNIQUE INDEX connectors_index_name_live ON connectors (index_name)
        WHERE deleted = 0 AND index_name IS NOT NULL;
      CREATE INDEX connectors_sort ON connectors (index_name, id);

      CREATE TABLE sync_jobs (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL,
        connector_id TEXT GENERATED ALWAYS AS (json_extract(doc, '$.connector.id')) VIRTUAL,
        status TEXT GENERATED ALWAYS AS (json_extract(doc, '$.status')) VIRTUAL,
        job_type TEXT GENERATED ALWAYS AS (json_extract(doc, '$.job_type')) VIRTUAL,
        created_at TEXT GENERATED ALWAYS AS (json_extract(doc, '$.created_at')) VIRTUAL,
        seq INTEGER NOT NULL
      );
      CREATE INDEX sync_jobs_connector ON sync_jobs (connector_id);
      CREATE INDEX sync_jobs_created ON sync_jobs (created_at DESC, seq DESC);

      CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    // API keys (issue 4, store/api-key-store.ts): the secret part is stored as a salted hash.
    version: 2,
    sql: `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL,
        username TEXT GENERATED ALWAYS AS (json_extract(doc, '$.username')) VIRTUAL,
        creation INTEGER GENERATED ALWAYS AS (json_extract(doc, '$.creation')) VIRTUAL
      );
      CREATE INDEX api_keys_owner ON api_keys (username);
    `,
  },
  {
    // Connector list (store/list-query.ts CONNECTOR_ORDER, live only): count and page walk this
    // index instead of extracting index_name/deleted from every document and sorting them all
    // (bench:api `GET /_connector?size=20` at 1000 connectors: ~7 ms → ~0.15 ms of SQLite).
    version: 3,
    sql: `
      CREATE INDEX connectors_live_order ON connectors (index_name IS NULL, index_name, id) WHERE deleted = 0;
    `,
  },
  {
    // `deleted` STORED instead of VIRTUAL: every GET reads it, and a virtual column re-parsed
    // the whole document (json_extract) on each read. Still generated from the document. SQLite
    // cannot change a column's kind in place, so the table is rebuilt with the same columns and
    // indexes (bench:api GET: about -10 % server CPU per request).
    version: 4,
    sql: `
      CREATE TABLE connectors_v4 (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL,
        index_name TEXT GENERATED ALWAYS AS (json_extract(doc, '$.index_name')) VIRTUAL,
        name TEXT GENERATED ALWAYS AS (json_extract(doc, '$.name')) VIRTUAL,
        service_type TEXT GENERATED ALWAYS AS (json_extract(doc, '$.service_type')) VIRTUAL,
        description TEXT GENERATED ALWAYS AS (json_extract(doc, '$.description')) VIRTUAL,
        deleted INTEGER GENERATED ALWAYS AS (coalesce(json_extract(doc, '$.deleted'), 0)) STORED
      );
      INSERT INTO connectors_v4 (id, doc) SELECT id, doc FROM connectors;
      DROP TABLE connectors;
      ALTER TABLE connectors_v4 RENAME TO connectors;
      CREATE UNIQUE INDEX connectors_index_name_live ON connectors (index_name)
        WHERE deleted = 0 AND index_name IS NOT NULL;
      CREATE INDEX connectors_sort ON connectors (index_name, id);
      CREATE INDEX connectors_live_order ON connectors (index_name IS NULL, index_name, id) WHERE deleted = 0;
    `,
  },
  {
    // Real optimistic concurrency (domain/shared/seq-no.ts): `_seq_no` per document from a
    // per-index counter that only goes up (so a deleted and re-created document never gets an
    // old number back), and `_version` per document. Existing rows get distinct numbers in
    // insertion order and version 1; the counters start after them.
    version: 5,
    sql: `
      CREATE TABLE seq_counters (
        name TEXT PRIMARY KEY,
        last INTEGER NOT NULL
      );
      ALTER TABLE connectors ADD COLUMN seq_no INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE connectors ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      UPDATE connectors SET seq_no = n.s
        FROM (SELECT id, row_number() OVER (ORDER BY rowid) - 1 AS s FROM connectors) AS n
        WHERE n.id = connectors.id;
      ALTER TABLE sync_jobs ADD COLUMN seq_no INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sync_jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      UPDATE sync_jobs SET seq_no = n.s
        FROM (SELECT id, row_number() OVER (ORDER BY seq) - 1 AS s FROM sync_jobs) AS n
        WHERE n.id = sync_jobs.id;
      INSERT INTO seq_counters (name, last) SELECT 'connectors', coalesce(max(seq_no), -1) FROM connectors;
      INSERT INTO seq_counters (name, last) SELECT 'sync_jobs', coalesce(max(seq_no), -1) FROM sync_jobs;
    `,
  },
  {
    // List filters by index instead of by reading every document (issue 15): the filter columns
    // are STORED (a VIRTUAL column re-parsed the document per row; description stays VIRTUAL,
    // as it can be large and is read only by `query`'s exact test), each filter of
    // `GET _connector` has a partial index in list order (live connectors), `query` has an FTS5
    // trigram table over name, index_name and description without positions (candidates; the
    // exact test follows, store/list-query.ts), and `seq_no` an index for change cursors. `rid`, an INTEGER PRIMARY
    // KEY, is the row key the FTS5 table refers to: unlike a plain rowid, VACUUM keeps it.
    // Sync jobs get an index per list filter in list order.
    version: 6,
    sql: `
      CREATE TABLE connectors_v6 (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        doc TEXT NOT NULL,
        index_name TEXT GENERATED ALWAYS AS (json_extract(doc, '$.index_name')) STORED,
        name TEXT GENERATED ALWAYS AS (json_extract(doc, '$.name')) STORED,
        service_type TEXT GENERATED ALWAYS AS (json_extract(doc, '$.service_type')) STORED,
        description TEXT GENERATED ALWAYS AS (json_extract(doc, '$.description')) VIRTUAL,
        deleted INTEGER GENERATED ALWAYS AS (coalesce(json_extract(doc, '$.deleted'), 0)) STORED,
        seq_no INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 1
      );
      INSERT INTO connectors_v6 (rid, id, doc, seq_no, version) SELECT rowid, id, doc, seq_no, version FROM connectors ORDER BY rowid;
      DROP TABLE connectors;
      ALTER TABLE connectors_v6 RENAME TO connectors;
      CREATE UNIQUE INDEX connectors_index_name_live ON connectors (index_name)
        WHERE deleted = 0 AND index_name IS NOT NULL;
      CREATE INDEX connectors_sort ON connectors (index_name, id);
      CREATE INDEX connectors_live_order ON connectors (index_name IS NULL, index_name, id) WHERE deleted = 0;
      CREATE INDEX connectors_service_type_live ON connectors (service_type, index_name IS NULL, index_name, id) WHERE deleted = 0;
      CREATE INDEX connectors_name_live ON connectors (name, index_name IS NULL, index_name, id) WHERE deleted = 0;
      CREATE INDEX connectors_seq_no_order ON connectors (seq_no);

      CREATE VIRTUAL TABLE connectors_text USING fts5(
        name, index_name, description, content = 'connectors', content_rowid = 'rid', tokenize = 'trigram', detail = none
      );
      INSERT INTO connectors_text (connectors_text) VALUES ('rebuild');
      CREATE TRIGGER connectors_text_insert AFTER INSERT ON connectors BEGIN
        INSERT INTO connectors_text (rowid, name, index_name, description) VALUES (new.rid, new.name, new.index_name, new.description);
      END;
      CREATE TRIGGER connectors_text_delete AFTER DELETE ON connectors BEGIN
        INSERT INTO connectors_text (connectors_text, rowid, name, index_name, description)
          VALUES ('delete', old.rid, old.name, old.index_name, old.description);
      END;
      CREATE TRIGGER connectors_text_update AFTER UPDATE ON connectors
        WHEN old.name IS NOT new.name OR old.index_name IS NOT new.index_name OR old.description IS NOT new.description
      BEGIN
        INSERT INTO connectors_text (connectors_text, rowid, name, index_name, description)
          VALUES ('delete', old.rid, old.name, old.index_name, old.description);
        INSERT INTO connectors_text (rowid, name, index_name, description) VALUES (new.rid, new.name, new.index_name, new.description);
      END;

      DROP INDEX sync_jobs_connector;
      CREATE INDEX sync_jobs_connector_order ON sync_jobs (connector_id, created_at DESC, seq DESC);
      CREATE INDEX sync_jobs_status_order ON sync_jobs (status, created_at DESC, seq DESC);
      CREATE INDEX sync_jobs_job_type_order ON sync_jobs (job_type, created_at DESC, seq DESC);
    `,
  },
  {
    // Ingest pipelines (store/pipeline-store.ts): definitions as the JSON text the API checked.
    version: 7,
    sql: `
      CREATE TABLE ingest_pipelines (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL
      );
    `,
  },
  {
    // Connector `status` as a column with an index in list order, for the connector system
    // index's `_search` filtered by status (api/system-index/list-pushdown.ts): the UI's
    // status filter over every connector, not one page. A VIRTUAL column can be added in place
    // (its values live in the index only).
    version: 8,
    sql: `
      ALTER TABLE connectors ADD COLUMN status TEXT GENERATED ALWAYS AS (json_extract(doc, '$.status')) VIRTUAL;
      CREATE INDEX connectors_status_live ON connectors (status, index_name IS NULL, index_name, id) WHERE deleted = 0;
    `,
  },
];
