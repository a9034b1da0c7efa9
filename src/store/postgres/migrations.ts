/**
 * Versioned schema of the PostgreSQL store, the same shape as SQLite's (`sqlite/migrations.ts`).
 * Append new versions; never edit an applied one. Each runs in one transaction with
 * `search_path` set to the store's schema, so names here are unqualified.
 *
 * Documents are jsonb; the columns the store filters and sorts on are generated from them
 * (so they cannot disagree with the document) and collate "C" (byte order, as SQLite sorts).
 */
export const migrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE connectors (
        id text COLLATE "C" PRIMARY KEY,
        doc jsonb NOT NULL,
        index_name text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'index_name') STORED,
        name text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'name') STORED,
        service_type text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'service_type') STORED,
        description text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'description') STORED,
        deleted boolean GENERATED ALWAYS AS (coalesce(doc -> 'deleted' = 'true'::jsonb, false)) STORED
      );
      -- Index-name uniqueness among live connectors (connector-api.md §10.3), enforced
      -- atomically across processes instead of Elasticsearch's racy search-then-write.
      CREATE UNIQUE INDEX connectors_index_name_live ON connectors (index_name)
        WHERE NOT deleted AND index_name IS NOT NULL;
      CREATE INDEX connectors_sort ON connectors ((index_name IS NULL), index_name, id);

      CREATE TABLE sync_jobs (
        id text COLLATE "C" PRIMARY KEY,
        doc jsonb NOT NULL,
        connector_id text COLLATE "C" GENERATED ALWAYS AS (doc -> 'connector' ->> 'id') STORED,
        status text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'status') STORED,
        job_type text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'job_type') STORED,
        created_at text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'created_at') STORED,
        -- Insertion order, the tie-break after created_at.
        seq bigint GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX sync_jobs_connector ON sync_jobs (connector_id);
      CREATE INDEX sync_jobs_created ON sync_jobs (created_at DESC NULLS LAST, seq DESC);

      CREATE TABLE secrets (
        id text COLLATE "C" PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
  {
    // API keys (issue 4, store/api-key-store.ts): the secret part is stored as a salted hash.
    version: 2,
    sql: `
      CREATE TABLE api_keys (
        id text COLLATE "C" PRIMARY KEY,
        doc jsonb NOT NULL,
        username text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'username') STORED,
        creation numeric GENERATED ALWAYS AS (
          CASE WHEN jsonb_typeof(doc -> 'creation') = 'number' THEN (doc -> 'creation')::numeric END
        ) STORED
      );
      CREATE INDEX api_keys_owner ON api_keys (username);
    `,
  },
  {
    // Real optimistic concurrency (domain/shared/seq-no.ts): `_seq_no` per document from one
    // SEQUENCE per index (never handed out twice, even to concurrent transactions, and never
    // back: a deleted and re-created document cannot get an old number again), and `_version`
    // per document. ADD COLUMN with a volatile default rewrites the table and gives each
    // existing row its own number; new rows take theirs from the same default.
    version: 3,
    sql: `
      CREATE SEQUENCE connectors_seq_no MINVALUE 0 START 0;
      CREATE SEQUENCE sync_jobs_seq_no MINVALUE 0 START 0;
      ALTER TABLE connectors
        ADD COLUMN seq_no bigint NOT NULL DEFAULT nextval('connectors_seq_no'),
        ADD COLUMN version bigint NOT NULL DEFAULT 1;
      ALTER SEQUENCE connectors_seq_no OWNED BY connectors.seq_no;
      ALTER TABLE sync_jobs
        ADD COLUMN seq_no bigint NOT NULL DEFAULT nextval('sync_jobs_seq_no'),
        ADD COLUMN version bigint NOT NULL DEFAULT 1;
      ALTER SEQUENCE sync_jobs_seq_no OWNED BY sync_jobs.seq_no;
    `,
  },
  {
    // List filters by index instead of by reading every row (issue 15): a partial index per
    // filter of `GET _connector` in list order (live connectors), trigram indexes (pg_trgm) for
    // `query`'s substring tests (LIKE, store/list-query.ts) on name, index_name and the
    // ASCII-lowercased description, `seq_no` for change cursors, and an index per sync-job
    // list filter in list order. pg_trgm (a trusted extension) goes into schema public, never
    // the store's own schema, so dropping one store's schema cannot take it from another; an
    // existing installation is used wherever it is. Without the right to create it, the
    // trigram indexes are left out with a notice: `query` then scans, with the same answers.
    version: 4,
    sql: `
      CREATE INDEX connectors_live_order ON connectors ((index_name IS NULL), index_name, id) WHERE NOT deleted;
      CREATE INDEX connectors_service_type_live ON connectors (service_type, (index_name IS NULL), index_name, id) WHERE NOT deleted;
      CREATE INDEX connectors_name_live ON connectors (name, (index_name IS NULL), index_name, id) WHERE NOT deleted;
      CREATE INDEX connectors_seq_no_order ON connectors (seq_no);
      DO $$
      DECLARE
        ext_schema text;
      BEGIN
        BEGIN
          CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        EXCEPTION WHEN OTHERS THEN
          RAISE NOTICE 'pg_trgm not available (%): GET _connector?query= scans', SQLERRM;
        END;
        SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
        IF ext_schema IS NOT NULL THEN
          EXECUTE format('CREATE INDEX connectors_name_trgm ON connectors USING gin (name %I.gin_trgm_ops)', ext_schema);
          EXECUTE format('CREATE INDEX connectors_index_name_trgm ON connectors USING gin (index_name %I.gin_trgm_ops)', ext_schema);
          EXECUTE format(
            'CREATE INDEX connectors_description_trgm ON connectors USING gin ('
            || '(translate(description, ''ABCDEFGHIJKLMNOPQRSTUVWXYZ'', ''abcdefghijklmnopqrstuvwxyz'')) %I.gin_trgm_ops)',
            ext_schema);
        END IF;
      END
      $$;
      DROP INDEX sync_jobs_connector;
      CREATE INDEX sync_jobs_connector_order ON sync_jobs (connector_id, created_at DESC NULLS LAST, seq DESC);
      CREATE INDEX sync_jobs_status_order ON sync_jobs (status, created_at DESC NULLS LAST, seq DESC);
      CREATE INDEX sync_jobs_job_type_order ON sync_jobs (job_type, created_at DESC NULLS LAST, seq DESC);
      -- Statistics for the new expression index (the lowercased description) at once, not at
      -- autovacuum's next pass: without them the planner does not know the trigram indexes
      -- are selective and scans.
      ANALYZE connectors;
      ANALYZE sync_jobs;
    `,
  },
  {
    // Ingest pipelines (store/pipeline-store.ts): definitions as the JSON text the API checked
    // (text, not jsonb, so that key order survives).
    version: 5,
    sql: `
      CREATE TABLE ingest_pipelines (
        id text PRIMARY KEY,
        doc text NOT NULL
      );
    `,
  },
  {
    // Connector `status` as a column with an index in list order, as SQLite's version 8: the
    // connector system index's `_search` filtered by status (api/system-index/list-pushdown.ts).
    version: 6,
    sql: `
      ALTER TABLE connectors ADD COLUMN status text COLLATE "C" GENERATED ALWAYS AS (doc ->> 'status') STORED;
      CREATE INDEX connectors_status_live ON connectors (status, (index_name IS NULL), index_name, id) WHERE NOT deleted;
    `,
  },
];
