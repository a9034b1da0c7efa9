/**
 * `suggest` with the `term` suggester (docs/embedded-index.md "Suggest"): for each token of the
 * text, the index's tokens within `max_edits` (vocabulary.ts) that occur in the field, scored as
 * Lucene's spell checker scores them (1 − edits / min(length)), in Elasticsearch's response shape.
 * The `phrase` and `completion` suggesters answer 400 naming them.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import type { IndexHandle } from './index-handle.js';
import { quote, tokenSpans } from './query-fts.js';
import { DOC_BITS, DOC_MASK } from './schema.js';
import type { Budget } from './search-budget.js';
import { expand, normalizeToken, vocabulary } from './vocabulary.js';

export interface SuggestRequest {
  name: string;
  text: string;
  field: string;
  size: number;
  mode: 'missing' | 'popular' | 'always';
  sort: 'score' | 'frequency';
  maxEdits: number;
  prefixLength: number;
  minWordLength: number;
  minDocFreq: number;
  maxTermFreq: number;
  accuracy: number;
  maxInspections: number;
}

/** Suggestions in one request, and tokens in one suggestion's text. */
export const MAX_SUGGESTIONS = 16;
export const MAX_SUGGEST_TOKENS = 64;
/** Candidates checked against the field per token, at most. */
const MAX_CANDIDATES = 100;

const TERM_OPTIONS = new Set([
  'field', 'size', 'suggest_mode', 'sort', 'max_edits', 'prefix_length', 'min_word_length', 'min_doc_freq',
  'max_term_freq', 'accuracy', 'max_inspections', 'string_distance', 'analyzer', 'shard_size', 'lowercase_terms',
]);

export function parseSuggest(v: unknown): SuggestRequest[] | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) throw errors.parsing('[suggest] must be an object');
  const globalText = v.text;
  const names = Object.keys(v).filter((k) => k !== 'text');
  if (names.length > MAX_SUGGESTIONS) throw errors.illegalArgument(`[suggest] takes at most [${MAX_SUGGESTIONS}] suggestions on the embedded index`);
  return names.map((name) => {
    const s = v[name];
    if (!isPlainObject(s)) throw errors.parsing(`[suggest] [${name}] must be an object`);
    const kinds = ['term', 'phrase', 'completion'].filter((k) => s[k] !== undefined);
    for (const k of Object.keys(s)) {
      if (!['text', 'prefix', 'regex', 'term', 'phrase', 'completion'].includes(k)) throw errors.parsing(`suggester[${k}] not supported`);
    }
    if (kinds.length !== 1) throw errors.parsing(`[suggest] [${name}] needs exactly one suggester (term, phrase or completion)`);
    if (kinds[0] !== 'term') throw errors.illegalArgument(`the [${kinds[0]}] suggester is not supported by the embedded index; use the [term] suggester`);
    const text = s.text ?? globalText;
    if (typeof text !== 'string') throw errors.illegalArgument('The required text option is missing');
    const o = s.term;
    if (!isPlainObject(o)) throw errors.parsing(`[suggest] [${name}] [term] must be an object`);
    for (const k of Object.keys(o)) if (!TERM_OPTIONS.has(k)) throw errors.parsing(`[term] suggester does not support [${k}]`);
    if (typeof o.field !== 'string') throw errors.illegalArgument('The required field option is missing');
    const mode = String(o.suggest_mode ?? 'missing');
    if (mode !== 'missing' && mode !== 'popular' && mode !== 'always') throw errors.illegalArgument(`Illegal suggest mode ${mode}`);
    const sort = String(o.sort ?? 'score');
    if (sort !== 'score' && sort !== 'frequency') throw errors.illegalArgument(`Illegal suggest sort ${sort}`);
    return {
      name, text, field: o.field, mode, sort,
      size: int(o.size, 5, 1, 100, 'size'),
      maxEdits: int(o.max_edits, 2, 1, 2, 'max_edits'),
      prefixLength: int(o.prefix_length, 1, 0, 64, 'prefix_length'),
      minWordLength: int(o.min_word_length, 4, 1, 1024, 'min_word_length'),
      minDocFreq: num(o.min_doc_freq, 0, 'min_doc_freq'),
      maxTermFreq: num(o.max_term_freq, 0.01, 'max_term_freq'),
      accuracy: num(o.accuracy, 0.5, 'accuracy'),
      maxInspections: int(o.max_inspections, 5, 1, 100, 'max_inspections'),
    };
  });
}

function int(v: unknown, d: number, min: number, max: number, name: string): number {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw errors.illegalArgument(`[term] suggester [${name}] must be an integer between ${min} and ${max}, got [${String(v)}]`);
  return n;
}

function num(v: unknown, d: number, name: string): number {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw errors.illegalArgument(`[term] suggester [${name}] must be a non-negative number, got [${String(v)}]`);
  return n;
}

interface Option {
  text: string;
  score: number;
  freq: number;
}

/** The `suggest` section of a response. */
export function runSuggest(h: IndexHandle, reqs: SuggestRequest[], budget?: Budget): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of reqs) out[s.name] = termSuggestion(h, s, budget);
  return out;
}

function termSuggestion(h: IndexHandle, s: SuggestRequest, budget?: Budget) {
  const spans = tokenSpans(s.text);
  if (spans.length > MAX_SUGGEST_TOKENS) throw errors.illegalArgument(`[suggest] [${s.name}] text has more than [${MAX_SUGGEST_TOKENS}] tokens`);
  const f = h.fields.get(s.field);
  if (f && f.kind !== 'text') throw errors.illegalArgument(`the [term] suggester on field [${s.field}] of type [${f.type}] is not supported by the embedded index; use a text field`);
  const lo = f ? f.fid * 2 ** DOC_BITS : 0;
  const countStmt = h.db.prepare(`SELECT count(*) AS n FROM ${h.fts} WHERE ${h.fts} MATCH ? AND rowid BETWEEN ${lo} AND ${lo + DOC_MASK}`);
  const freqInField = (term: string) => (f ? (countStmt.get(quote(term)) as { n: number }).n : 0);
  const maxDoc = (h.db.prepare(`SELECT coalesce(max(r), 0) AS n FROM ${h.docs}`).get() as { n: number }).n; // Lucene's maxDoc
  const vocab = spans.length && f ? vocabulary(h) : undefined;
  return spans.map(({ token, offset }) => {
    const text = normalizeToken(token);
    const entry = { text, offset, length: token.length, options: [] as Option[] };
    if (!vocab || text.length < s.minWordLength || budget?.expired()) return entry;
    const own = freqInField(text);
    if (s.mode === 'missing' && own > 0) return entry;
    if (own > (s.maxTermFreq >= 1 ? s.maxTermFreq : Math.ceil(s.maxTermFreq * maxDoc))) return entry;
    const minFreq = s.minDocFreq >= 1 ? s.minDocFreq : Math.ceil(s.minDocFreq * maxDoc);
    const candidates = expand(vocab, text, s.maxEdits, {
      prefixLength: s.prefixLength, maxExpansions: Math.min(MAX_CANDIDATES, s.size * s.maxInspections + 1), transpositions: true,
    });
    const options: Option[] = [];
    for (const c of candidates) {
      if (c.term === text || budget?.expired()) continue;
      const score = 1 - c.edits / Math.min(c.term.length, text.length);
      if (score < s.accuracy) continue;
      const freq = freqInField(c.term);
      if (freq === 0 || freq < minFreq || (s.mode === 'popular' && freq <= own)) continue;
      options.push({ text: c.term, score, freq });
    }
    const byText = (a: Option, b: Option) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
    options.sort(s.sort === 'frequency'
      ? (a, b) => b.freq - a.freq || b.score - a.score || byText(a, b)
      : (a, b) => b.score - a.score || b.freq - a.freq || byText(a, b));
    entry.options = options.slice(0, s.size);
    return entry;
  });
}
