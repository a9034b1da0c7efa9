/**
 * SQL text of the MySQL / MariaDB source. Identifiers are always quoted with backticks;
 * values go through `?` placeholders (numeric key values too big for a JS number are inlined
 * as validated digit strings so they compare exactly, not as doubles). Custom queries are
 * wrapped as derived tables.
 */
import type { Window } from '../shared/sql-driver.js';

export function ident(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

export function qualified(db: string, table: string): string {
  return `${ident(db)}.${ident(table)}`;
}

export interface Sql {
  sql: string;
  values: unknown[];
}

export const PING = 'SELECT 1';

/** Per-session settings: UTC timestamps, long writes for slow consumers of a streamed result. */
export const SESSION_SETUP = "SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600";
/** No statement of this session can write, whatever a custom query says. */
export const READ_ONLY = 'SET SESSION TRANSACTION READ ONLY';

export const LIST_TABLES = `
  SELECT TABLE_NAME AS name FROM information_schema.TABLES
  WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`;

export const DESCRIBE_TABLE = `
  SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS type, s.SEQ_IN_INDEX AS key_pos
  FROM information_schema.COLUMNS c
  LEFT JOIN information_schema.STATISTICS s
    ON s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = c.TABLE_NAME
   AND s.COLUMN_NAME = c.COLUMN_NAME AND s.INDEX_NAME = 'PRIMARY'
  WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ?
  ORDER BY c.ORDINAL_POSITION`;

/** Raises the server's precise error (no such table / no permission). */
export function probe(db: string, table: string): string {
  return `SELECT 1 FROM ${qualified(db, table)} LIMIT 0`;
}

/** A value inlined verbatim by the placeholder formatter (only validated digit strings). */
function raw(text: string): { toSqlString(): string } {
  return { toSqlString: () => text };
}

/** Key value as a parameter: numeric text of numeric columns inlined so it stays exact. */
export function keyParam(v: unknown, numeric: boolean): unknown {
  return numeric && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? raw(v) : v;
}

function windowConditions(w: Window | null, values: unknown[], alias = ''): string[] {
  if (!w) return [];
  const col = alias + ident(w.column);
  const out: string[] = [];
  if (w.after !== null) {
    values.push(w.after);
    out.push(`${col} > ?`);
  }
  if (w.upTo !== null) {
    values.push(w.upTo);
    out.push(`${col} <= ?`);
  }
  return out;
}

function where(conds: string[]): string {
  return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
}

/**
 * Keyset page. A composite key's "after (a, b)" is spelled a > ? OR (a = ? AND b > ?), which
 * the range optimizer serves from the primary key (row constructors are not always).
 */
export function pageQuery(db: string, table: string, pk: string[], after: unknown[] | null, limit: number, w: Window | null): Sql {
  const values: unknown[] = [];
  const conds = windowConditions(w, values);
  if (after) {
    const ors: string[] = [];
    for (let i = 0; i < pk.length; i++) {
      const parts: string[] = [];
      for (let j = 0; j < i; j++) {
        parts.push(`${ident(pk[j])} = ?`);
        values.push(after[j]);
      }
      parts.push(`${ident(pk[i])} > ?`);
      values.push(after[i]);
      ors.push(parts.length > 1 ? `(${parts.join(' AND ')})` : parts[0]);
    }
    conds.push(ors.length > 1 ? `(${ors.join(' OR ')})` : ors[0]);
  }
  const order = pk.map(ident).join(', ');
  return { sql: `SELECT * FROM ${qualified(db, table)}${where(conds)} ORDER BY ${order} LIMIT ${limit}`, values };
}

export function tableScan(db: string, table: string, w: Window | null): Sql {
  const values: unknown[] = [];
  const conds = windowConditions(w, values);
  return { sql: `SELECT * FROM ${qualified(db, table)}${where(conds)}`, values };
}

export function customQuery(query: string, w: Window | null): Sql {
  if (!w) return { sql: query, values: [] };
  const values: unknown[] = [];
  const conds = windowConditions(w, values, 'tributary_q.');
  return { sql: `SELECT * FROM (${query}) AS tributary_q${where(conds)}`, values };
}

export function maxOfTable(db: string, table: string, column: string): string {
  return `SELECT CAST(MAX(${ident(column)}) AS CHAR) AS max FROM ${qualified(db, table)}`;
}

export function maxOfQuery(query: string, column: string): string {
  return `SELECT CAST(MAX(tributary_q.${ident(column)}) AS CHAR) AS max FROM (${query}) AS tributary_q`;
}
