/**
 * The `mysql` source (MySQL and MariaDB; issue 7; docs/sources/mysql.md): one document per
 * row of the configured tables (or of the advanced rules' custom queries), id
 * `<database>_<table>_<primary key values joined with _>`, Elastic's metadata fields
 * `Database` and `Table`. Streaming, incremental by `timestamp_column`; the algorithm is
 * shared with `postgresql` (`shared/sql-source.ts`), the MySQL I/O is in `client.ts`.
 */
import { sqlSourceFactory } from '../shared/sql-factory.js';
import { MysqlClient } from './client.js';
import { validateAdvancedRules } from './rules.js';

export const mysqlSource = sqlSourceFactory({
  serviceType: 'mysql',
  displayName: 'MySQL',
  schemaOptions: { userKey: 'user', defaultPort: 3306, withSchema: false },
  driver: (s, allowedHosts) => new MysqlClient(s, allowedHosts),
  idPrefix: (s, tables) => `${s.database}_${tables.join('_')}`,
  metadata: (s, tables) => ({ Database: s.database, Table: tables }),
  validateRules: (client, s, value) => validateAdvancedRules(client, s.database, value),
});
