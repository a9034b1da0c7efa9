/**
 * PostgreSQL value types for documents (issue 7 "faithful types"): the connection's type
 * parsers. bigint and numeric become numbers when exact, else strings; dates stay ISO dates;
 * timestamps become ISO-8601 (timestamptz in UTC with "Z", timestamp without a zone);
 * time and interval stay text; json/jsonb objects; bytea base64 (or skipped, per
 * `binary_handling`, by the client). Arrays of these types get the same treatment per element.
 */
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import { exactInteger, exactNumber, isoFromSql } from '../shared/row-document.js';

export const BYTEA = 17;
export const BYTEA_ARRAY = 1001;

type Parse = (s: string) => unknown;

const identity: Parse = (s) => s;
const float: Parse = (s) => {
  const n = Number(s);
  return Number.isFinite(n) ? n : s; // NaN, Infinity stay text: JSON has no number for them
};
const bytea: Parse = (s) =>
  s.startsWith('\\x') ? Buffer.from(s.slice(2), 'hex').toString('base64') : (pg.types.getTypeParser(BYTEA) as (x: string) => Buffer)(s).toString('base64');

const textArray = pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0]) as (s: string) => unknown[];
function deepMap(v: unknown, fn: Parse): unknown {
  if (Array.isArray(v)) return v.map((x) => deepMap(x, fn));
  return v === null ? null : fn(v as string);
}
const arrayOf = (fn: Parse): Parse => (s) => deepMap(textArray(s), fn);

const scalars: [number, number, Parse][] = [
  // [oid, array oid, parser]
  [20, 1016, exactInteger], // int8
  [1700, 1231, exactNumber], // numeric
  [700, 1021, float], // float4
  [701, 1022, float], // float8
  [1082, 1182, identity], // date: already ISO (DateStyle=ISO)
  [1114, 1115, isoFromSql], // timestamp
  [1184, 1185, isoFromSql], // timestamptz (TimeZone=UTC)
  [1083, 1183, identity], // time
  [1266, 1270, identity], // timetz
  [1186, 1187, identity], // interval
  [BYTEA, BYTEA_ARRAY, bytea],
  [790, 791, identity], // money
];

const overrides = new Map<number, Parse>();
for (const [oid, arrayOid, fn] of scalars) {
  overrides.set(oid, fn);
  overrides.set(arrayOid, arrayOf(fn));
}

/** Type parsers for a client (not the process-wide pg defaults, which others may rely on). */
export const pgValueTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    (format === undefined || format === 'text') && overrides.has(oid)
      ? overrides.get(oid)!
      : pg.types.getTypeParser(oid, format as 'text')) as CustomTypesConfig['getTypeParser'],
};

/** Key types whose parsed values, sent back as parameters, compare exactly (keyset-safe). */
export const KEYSET_TYPES = new Set([
  'int2', 'int4', 'int8', 'oid', 'numeric', 'text', 'varchar', 'bpchar', 'name', 'uuid',
  'date', 'timestamp', 'timestamptz', 'bool', 'citext',
]);
