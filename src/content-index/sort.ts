/**
 * `sort` for the embedded index: `_score`, `_doc` and fields (asc / desc, `missing`
 * `_first` / `_last`, `mode` min / max for arrays, `unmapped_type`), in every shape
 * Elasticsearch accepts: "field", "field:desc" (URL), {field: "desc"}, {field: {order}}, arrays.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import type { QueryContext } from './query-context.js';

export interface SortKey {
  kind: 'score' | 'doc' | 'field';
  field?: string;
  desc: boolean;
  missingFirst: boolean;
  mode: 'min' | 'max';
  unmappedType?: string;
  /** Dates sort as epoch millis and are returned that way in `sort`. */
  date?: boolean;
}

export function parseSort(spec: unknown): SortKey[] {
  if (spec === undefined || spec === null) return [];
  const list = Array.isArray(spec) ? spec : typeof spec === 'string' ? spec.split(',') : [spec];
  return list.flatMap((item) => {
    if (typeof item === 'string') {
      const [field, order] = item.trim().split(':');
      return [key(field, order === undefined ? {} : { order })];
    }
    if (isPlainObject(item)) {
      return Object.entries(item).map(([field, v]) =>
        key(field, isPlainObject(v) ? v : typeof v === 'string' ? { order: v } : invalid(field)),
      );
    }
    throw errors.parsing('[sort] malformed sort, expected a string or an object');
  });
}

function invalid(field: string): never {
  throw errors.parsing(`[sort] malformed sort option for [${field}]`);
}

function key(field: string, o: Record<string, unknown>): SortKey {
  const order = o.order === undefined ? undefined : String(o.order).toLowerCase();
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    throw errors.parsing(`[sort] order must be [asc] or [desc], got [${String(o.order)}]`);
  }
  const kind = field === '_score' ? 'score' : field === '_doc' || field === '_shard_doc' ? 'doc' : 'field';
  const desc = order === undefined ? kind === 'score' : order === 'desc';
  const mode = o.mode === undefined ? (desc ? 'max' : 'min') : String(o.mode);
  if (mode !== 'min' && mode !== 'max') throw errors.illegalArgument(`sort mode [${mode}] is not supported by the embedded index`);
  return {
    kind,
    field: kind === 'field' ? field : undefined,
    desc,
    missingFirst: o.missing === '_first',
    mode,
    unmappedType: typeof o.unmapped_type === 'string' ? o.unmapped_type : undefined,
  };
}

/** The ORDER BY clause and the key columns (`k0`, `k1`, …; none for `_score`) to select. */
export function compileSort(ctx: QueryContext, keys: SortKey[]): { orderBy: string; columns: string[] } {
  const terms: string[] = [];
  const columns: string[] = [];
  keys.forEach((k, i) => {
    const dir = k.desc ? 'DESC' : 'ASC';
    if (k.kind === 'score') {
      terms.push(`sc ${dir}`); // the hit's `sc` column is the key
      return;
    }
    if (k.kind === 'doc') {
      columns.push(`d.r AS k${i}`);
      terms.push(`d.r ${dir}`);
      return;
    }
    const f = ctx.field(k.field!);
    if (!f) {
      if (!k.unmappedType) throw errors.queryShard(`No mapping found for [${k.field}] in order to sort on`);
      columns.push(`NULL AS k${i}`);
      return;
    }
    if (f.kind === 'object') throw errors.illegalArgument(`Cannot sort on object field [${k.field}]`);
    k.date = f.kind === 'date';
    columns.push(`${ctx.sortValue(f, k.mode)} AS k${i}`);
    terms.push(`k${i} ${dir} NULLS ${k.missingFirst ? 'FIRST' : 'LAST'}`);
  });
  terms.push('d.r ASC');
  return { orderBy: terms.join(', '), columns };
}
