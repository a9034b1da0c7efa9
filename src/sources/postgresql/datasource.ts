/**
 * The `postgresql` source (issue 7; docs/sources/postgresql.md): one document per row of the
 * configured tables (or of the advanced rules' custom queries), id
 * `<schema>_<table>_<primary key values joined with _>`, Elastic's metadata fields
 * `Database`, `Table`, `schema`. Streaming, incremental by `timestamp_column`; the algorithm
 * is shared with `mysql` (`shared/sql-source.ts`), the PostgreSQL I/O is in `client.ts`.
 */
import type { ConfigValues, SourceFactory } from '../source.js';
import { readSqlSettings, sqlConfigSchema, type SqlSchemaOptions } from '../shared/sql-config.js';
import { brokenSource, SqlSource } from '../shared/sql-source.js';
import { PgClient } from './client.js';
import { validateAdvancedRules } from './rules.js';

const schemaOptions: SqlSchemaOptions = { userKey: 'username', defaultPort: 5432, withSchema: true };

export const postgresqlSource: SourceFactory = {
  serviceType: 'postgresql',
  displayName: 'PostgreSQL',
  configSchema: () => sqlConfigSchema(schemaOptions),
  features: {
    incremental_sync: true,
    document_level_security: false,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues) {
    let settings;
    try {
      settings = readSqlSettings(config, schemaOptions);
    } catch (err) {
      return brokenSource(err);
    }
    const s = settings;
    const client = new PgClient(s);
    return new SqlSource({
      driver: client,
      settings: s,
      idPrefix: (tables) => `${s.schema}_${tables.join('_')}`,
      metadata: (tables) => ({ Database: s.database, Table: tables, schema: s.schema }),
      validateRules: (value) => validateAdvancedRules(client, s.schema, value),
    });
  },
};
