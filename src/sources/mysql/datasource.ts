/**
 * The `mysql` source (MySQL and MariaDB; issue 7; docs/sources/mysql.md): one document per
 * row of the configured tables (or of the advanced rules' custom queries), id
 * `<database>_<table>_<primary key values joined with _>`, Elastic's metadata fields
 * `Database` and `Table`. Streaming, incremental by `timestamp_column`; the algorithm is
 * shared with `postgresql` (`shared/sql-source.ts`), the MySQL I/O is in `client.ts`.
 */
import type { ConfigValues, SourceFactory } from '../source.js';
import { readSqlSettings, sqlConfigSchema, type SqlSchemaOptions } from '../shared/sql-config.js';
import { brokenSource, SqlSource } from '../shared/sql-source.js';
import { MysqlClient } from './client.js';
import { validateAdvancedRules } from './rules.js';

const schemaOptions: SqlSchemaOptions = { userKey: 'user', defaultPort: 3306, withSchema: false };

export const mysqlSource: SourceFactory = {
  serviceType: 'mysql',
  displayName: 'MySQL',
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
    const client = new MysqlClient(s);
    return new SqlSource({
      driver: client,
      settings: s,
      idPrefix: (tables) => `${s.database}_${tables.join('_')}`,
      metadata: (tables) => ({ Database: s.database, Table: tables }),
      validateRules: (value) => validateAdvancedRules(client, s.database, value),
    });
  },
};
