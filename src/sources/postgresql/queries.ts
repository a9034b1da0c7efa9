/**
 * SQL text of the PostgreSQL source. Identifiers are always quoted; values are always bound
 * parameters. Custom queries (advanced rules) are wrapped as sub-queries, never concatenated
 * with anything after them.
 */
import type { Window } from '../shared/sql-driver.js';

export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

export interface Sql {
  text: string;
  values: unknown[];
}

export const PING = 'SELECT 1';

const READABLE_KINDS = `('r', 'p', 'v', 'm', 'f')`;

/** Tables, views and materialized views the user may SELECT from; partitions via their parent. */
export const LIST_TABLES = `
  SELECT c.relname AS name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ${READABLE_KINDS} AND NOT c.relispartition
    AND has_table_privilege(c.oid, 'SELECT')
  ORDER BY c.relname`;

/** Columns in order, with type name, primary-key position (null if not in the key), readability. */
export const DESCRIBE_TABLE = `
  SELECT a.attname AS name, t.typname AS type,
         array_position(i.indkey::int2[], a.attnum) AS key_pos,
         has_table_privilege(c.oid, 'SELECT') AS readable
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ${READABLE_KINDS}
  ORDER BY a.attnum`;

export const SCHEMA_EXISTS = 'SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1';

function windowConditions(column: string, w: Window | null, values: unknown[], alias = ''): string[] {
  if (!w) return [];
  const col = alias + ident(column);
  const out: string[] = [];
  if (w.after !== null) {
    values.push(w.after);
    out.push(`${col} > $${values.length}`);
  }
  if (w.upTo !== null) {
    values.push(w.upTo);
    out.push(`${col} <= $${values.length}`);
  }
  return out;
}

function where(conds: string[]): string {
  return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
}

/** Keyset page: rows after the key `after` in key order (a row comparison uses the pk index). */
export function pageQuery(schema: string, table: string, pk: string[], after: unknown[] | null, limit: number, w: Window | null): Sql {
  const values: unknown[] = [];
  const conds = windowConditions(w?.column ?? '', w, values);
  const cols = pk.map(ident).join(', ');
  if (after) {
    const params = after.map((v) => {
      values.push(v);
      return `$${values.length}`;
    });
    conds.push(`(${cols}) > (${params.join(', ')})`);
  }
  return { text: `SELECT * FROM ${qualified(schema, table)}${where(conds)} ORDER BY ${cols} LIMIT ${limit}`, values };
}

export function tableScan(schema: string, table: string, w: Window | null): Sql {
  const values: unknown[] = [];
  const conds = windowConditions(w?.column ?? '', w, values);
  return { text: `SELECT * FROM ${qualified(schema, table)}${where(conds)}`, values };
}

/** A custom query, restricted to an incremental window when one is given. */
export function customQuery(query: string, w: Window | null): Sql {
  if (!w) return { text: query, values: [] };
  const values: unknown[] = [];
  const conds = windowConditions(w.column, w, values, 'tributary_q.');
  return { text: `SELECT * FROM (${query}) AS tributary_q${where(conds)}`, values };
}

export function maxOfTable(schema: string, table: string, column: string): string {
  return `SELECT max(${ident(column)})::text AS max FROM ${qualified(schema, table)}`;
}

export function maxOfQuery(query: string, column: string): string {
  return `SELECT max(tributary_q.${ident(column)})::text AS max FROM (${query}) AS tributary_q`;
}

export function columnsOf(query: string): string {
  return `SELECT * FROM (${query}) AS tributary_q LIMIT 0`;
}

/** Parses and plans without running (the statement is not executed). */
export function explain(query: string): string {
  return `EXPLAIN ${query}`;
}
