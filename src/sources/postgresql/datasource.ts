/**
 * The `postgresql` source (issue 7; docs/sources/postgresql.md): one document per row of the
 * configured tables (or of the advanced rules' custom queries), id
 * `<schema>_<table>_<primary key values joined with _>`, Elastic's metadata fields
 * `Database`, `Table`, `schema`. Streaming, incremental by `timestamp_column`; the algorithm
 * is shared with `mysql` (`shared/sql-source.ts`), the PostgreSQL I/O is in `client.ts`.
 */
import { sqlSourceFactory } from '../shared/sql-factory.js';
import { PgClient } from './client.js';
import { validateAdvancedRules } from './rules.js';

export const postgresqlSource = sqlSourceFactory({
  serviceType: 'postgresql',
  displayName: 'PostgreSQL',
  schemaOptions: { userKey: 'username', defaultPort: 5432, withSchema: true },
  driver: (s, allowedHosts) => new PgClient(s, allowedHosts),
  idPrefix: (s, tables) => `${s.schema}_${tables.join('_')}`,
  metadata: (s, tables) => ({ Database: s.database, Table: tables, schema: s.schema }),
  validateRules: (client, s, value) => validateAdvancedRules(client, s.schema, value),
});
