/**
 * Advanced sync rules of the `postgresql` source (Elastic's shape): a list of
 * `{ "tables": [...], "query": "SELECT ...", "id_columns"?: [...] }`. Validation checks the
 * shape, that the tables exist in the configured schema and that each query plans with
 * `EXPLAIN` (parsed and planned, never executed).
 */
import { validateQueryRules } from '../shared/advanced-rules.js';
import type { RulesValidation } from '../source.js';
import type { PgClient } from './client.js';

export function validateAdvancedRules(client: PgClient, schema: string, value: unknown): Promise<RulesValidation> {
  return validateQueryRules(client, value, `schema "${schema}"`);
}
