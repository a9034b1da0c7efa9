/**
 * `term`: one exact value on a field. Keyword, numeric, date and boolean fields read their doc
 * values; other fields compare the `_source` value (as `match` does on non-text fields).
 */
import { parseDateMath } from '../domain/shared/date-math.js';
import type { FieldInfo } from './fields.js';
import { coerce, convert, MATCH_NONE, type QueryContext, type SqlNode } from './query-context.js';
import { quote, tokenize } from './query-fts.js';

export function term(ctx: QueryContext, f: FieldInfo, value: unknown, boost: number, caseInsensitive: boolean): SqlNode {
  if (f.kind === 'object' || f.kind === 'other') return MATCH_NONE;
  const v = coerce(f, value, (x) => parseDateMath(x, false));
  const pv = ctx.p(v);
  // Doc values hold converted values: lower() of them is the scan path's only on keywords.
  const dv = caseInsensitive
    ? (f.kind === 'keyword' ? ctx.docValues(f, (x) => `lower(${x}) = lower(${pv})`) : undefined)
    : ctx.docValues(f, (x) => `${x} = ${pv}`);
  let where = dv ?? ctx.values(f, (x) => (caseInsensitive ? `lower(${x}) = lower(${pv})` : `${convert(f, x)} = ${pv}`));
  // Lenient on text fields: a single-token term also matches the analysed token, as in Elasticsearch.
  const tokens = f.kind === 'text' ? tokenize(String(value)) : [];
  if (tokens.length === 1 && tokens[0] === String(value)) {
    where = `(${where} OR ${ctx.fts(quote(tokens[0]), [{ f, boost: 1 }], 'max').where})`;
  }
  return { where, score: String(boost), zeroOutside: false };
}
