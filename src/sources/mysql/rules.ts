/**
 * Advanced sync rules of the `mysql` source (Elastic's shape): a list of
 * `{ "tables": [...], "query": "SELECT ...", "id_columns"?: [...] }`. Validation checks the
 * shape, that the tables exist in the configured database and that each query parses
 * (server-side `PREPARE`: parsed and described, never executed).
 */
import { validateQueryRules } from '../shared/advanced-rules.js';
import type { RulesValidation } from '../source.js';
import type { MysqlClient } from './client.js';

export function validateAdvancedRules(client: MysqlClient, database: string, value: unknown): Promise<RulesValidation> {
  return validateQueryRules(client, value, `database "${database}"`);
}
