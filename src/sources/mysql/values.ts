/**
 * MySQL / MariaDB value types for documents (issue 7 "faithful types"). The connection reads
 * big integers as numbers when safe (else strings) and dates as text; these converters,
 * chosen per result column from its metadata, finish the job: DECIMAL as a number when
 * exact, BOOLEAN (TINYINT(1)) and BIT(1) as booleans, DATETIME / TIMESTAMP as ISO-8601
 * (TIMESTAMP in UTC with "Z"), zero dates as null, binary strings as base64 (or skipped).
 * JSON arrives parsed (MySQL's JSON type and MariaDB's json format metadata).
 */
import type { FieldPacket } from 'mysql2';
import { exactNumber } from '../shared/row-document.js';
import type { FieldSpec } from '../shared/sql-driver.js';

/** Column type codes of the MySQL protocol. */
export const T = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, TIMESTAMP: 7, LONGLONG: 8, INT24: 9,
  DATE: 10, TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, VARCHAR: 15, BIT: 16, JSON: 245,
  NEWDECIMAL: 246, ENUM: 247, SET: 248, TINY_BLOB: 249, MEDIUM_BLOB: 250, LONG_BLOB: 251, BLOB: 252,
  VAR_STRING: 253, STRING: 254, GEOMETRY: 255,
} as const;

const BINARY_CHARSET = 63;
const STRINGISH = new Set<number>([T.VARCHAR, T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB, T.BLOB, T.VAR_STRING, T.STRING]);
const ZERO_DATE = /^0000-00-00/;

const decimal = (v: unknown) => exactNumber(v as string);
const bool = (v: unknown) => v !== 0;
const date = (v: unknown) => (ZERO_DATE.test(v as string) ? null : v);
const datetime = (v: unknown) => (ZERO_DATE.test(v as string) ? null : (v as string).replace(' ', 'T'));
const timestamp = (v: unknown) => (ZERO_DATE.test(v as string) ? null : (v as string).replace(' ', 'T') + 'Z');
const base64 = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v);
const bit1 = (v: unknown) => (Buffer.isBuffer(v) ? v[v.length - 1] === 1 : v);
const bits = (v: unknown) => (Buffer.isBuffer(v) ? (v.length <= 6 ? v.readUIntBE(0, v.length || 1) : v.toString('hex')) : v);

export function isBinaryField(f: FieldPacket): boolean {
  const type = f.columnType ?? f.type ?? -1;
  return type === T.GEOMETRY || (STRINGISH.has(type) && f.characterSet === BINARY_CHARSET);
}

/** How a result column becomes a document field. */
export function fieldSpec(f: FieldPacket, skipBinary: boolean): FieldSpec {
  const type = f.columnType ?? f.type ?? -1;
  const name = f.name;
  if (isBinaryField(f)) return skipBinary ? { name, skip: true } : { name, convert: base64 };
  switch (type) {
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return { name, convert: decimal };
    case T.TINY:
      return f.columnLength === 1 ? { name, convert: bool } : { name };
    case T.DATE:
    case T.NEWDATE:
      return { name, convert: date };
    case T.DATETIME:
      return { name, convert: datetime };
    case T.TIMESTAMP:
      return { name, convert: timestamp };
    case T.BIT:
      return { name, convert: f.columnLength === 1 ? bit1 : bits };
    default:
      return { name };
  }
}

/** Key types (information_schema DATA_TYPE) that compare exactly when sent back: keyset-safe. */
export const KEYSET_TYPES = new Set([
  'tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric',
  'char', 'varchar', 'binary', 'varbinary', 'date', 'datetime', 'timestamp', 'year',
]);

export const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'year']);
