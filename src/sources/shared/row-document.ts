/**
 * Row → document helpers shared by the database sources (issue 7 "Documents"): stable ids
 * from primary key values or a hash of the row, exact numbers, ISO timestamps. Pure functions.
 */
import { createHash } from 'node:crypto';
import { RESERVED_FIELDS } from '../source.js';

/** One id component: Buffers as hex, Dates as ISO, everything else as its string form. */
export function idPart(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `<prefix>_<v1>_<v2>…`: the id of a row with a primary key. */
export function keyId(prefix: string, values: unknown[]): string {
  let id = prefix;
  for (const v of values) id += '_' + idPart(v);
  return id;
}

/**
 * Id of a row without a usable key: SHA-1 of its values. Identical rows get the same id, so
 * duplicates collapse into one document; an edited row gets a new id (the next full sync's
 * sweep removes the old one).
 */
export function rowHash(values: unknown[]): string {
  const h = createHash('sha1');
  for (const v of values) {
    h.update(idPart(v));
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** Canonical decimal text: no leading zeros, no trailing fraction zeros, no "-0". */
function canonicalDecimal(s: string): string | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const int = m[2].replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return body === '0' || m[1] !== '-' ? body : '-' + body;
}

/**
 * A decimal string (bigint, numeric, DECIMAL) as a number when a JS number holds it exactly
 * (its shortest form reads back as the same decimal), else unchanged. "NaN" stays a string.
 */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

export function exactNumber(s: string): number | string {
  // Fast path: at most 15 digits always survive the round trip through a double.
  if (s.length <= 15 && PLAIN_DECIMAL.test(s)) return Number(s) || 0; // || 0: no -0
  const canon = canonicalDecimal(s);
  if (canon === null) return s;
  const n = Number(canon);
  if (!Number.isFinite(n)) return s;
  return String(n) === canon ? n : s;
}

/** Integer text: a number when it is a safe integer, else the text. */
export function exactInteger(s: string): number | string {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

const NAIVE_DATETIME = /^\d{4,}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/;
const ZONED_DATETIME = /^\d{4,}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)$/;
const DATE_ONLY = /^\d{4}-\d\d-\d\d$/;

/** "2024-01-02 03:04:05.123+00" → "2024-01-02T03:04:05.123Z"; other offsets as ±hh:mm. */
export function isoFromSql(s: string): string {
  // Fast path: PostgreSQL's timestamptz text in a UTC session ("… hh:mm:ss[.ffffff]+00").
  if (s.length > 19 && s.charCodeAt(10) === 32 && s.endsWith('+00')) return `${s.slice(0, 10)}T${s.slice(11, -3)}Z`;
  let out = s.replace(' ', 'T');
  const m = /([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?$/.exec(out);
  if (m && /T\d\d:\d\d/.test(out)) {
    const off = `${m[1]}${m[2]}:${m[3] ?? '00'}`;
    out = out.slice(0, m.index) + (off === '+00:00' || off === '-00:00' ? 'Z' : off);
  }
  return out;
}

/**
 * `_timestamp` from an update-column value: a full ISO-8601 instant. Naive date-times are
 * read as UTC; dates as midnight UTC; values that are not dates (e.g. a version number) give
 * undefined.
 */
export function toTimestamp(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v !== 'string') return undefined;
  if (ZONED_DATETIME.test(v)) return v.replace(' ', 'T');
  if (NAIVE_DATETIME.test(v)) return v.replace(' ', 'T') + 'Z';
  if (DATE_ONLY.test(v)) return `${v}T00:00:00Z`;
  return undefined;
}

/** Rough in-memory size of a row, from up to 16 sampled rows of a batch. */
export function approxRowBytes(rows: unknown[][]): number {
  const step = Math.max(1, Math.floor(rows.length / 16));
  let total = 0;
  let n = 0;
  for (let i = 0; i < rows.length; i += step, n++) {
    for (const v of rows[i]) {
      if (typeof v === 'string') total += 2 * v.length + 16;
      else if (Buffer.isBuffer(v)) total += v.length + 64;
      else if (v !== null && typeof v === 'object') total += 2 * JSON.stringify(v).length + 64;
      else total += 16;
    }
  }
  return Math.max(1, total / Math.max(1, n));
}

/**
 * The document key of each result column. A column whose name is reserved — the runtime's
 * `_id`, `id`, `_timestamp` and generation stamp, or a metadata field (`Database`, `Table`,
 * `schema`) — is kept as `<table>_<column>` (custom queries: the rule's tables sorted and
 * joined with `_`, like Elastic's column prefixes), with `_2`, `_3`… appended if that name is
 * taken too. Other columns keep their names.
 */
export function documentKeys(names: string[], tables: string[], metadata: string[]): string[] {
  const reserved = new Set<string>([...RESERVED_FIELDS, ...metadata]);
  const taken = new Set<string>(names.filter((n) => !reserved.has(n)));
  const prefix = [...tables].sort().join('_');
  return names.map((n) => {
    if (!reserved.has(n)) return n;
    let k = `${prefix}_${n}`;
    for (let i = 2; taken.has(k) || reserved.has(k); i++) k = `${prefix}_${n}_${i}`;
    taken.add(k);
    return k;
  });
}
