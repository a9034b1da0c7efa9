/**
 * The full-text vocabulary of an index, for `fuzzy`, `fuzziness` and the `term` suggester
 * (docs/embedded-index.md "Fuzzy matching"): every distinct token of the index's FTS5 table with
 * its document frequency, read through an `fts5vocab` table and kept in memory per connection.
 *
 * Reading the vocabulary walks the whole FTS5 index (≈ 0.3 s per 10 M postings), so it is read
 * once and reused: it is read again when the index changed (its `_seq_no`) and the copy is older
 * than `VOCABULARY_MAX_AGE_MS`. A token written meanwhile is not found by fuzzy expansion until
 * then (exact matching is unaffected). The copy is bounded (`MAX_VOCABULARY_TERMS`) and its
 * read passes `ci_live()`, so the search's time budget covers it.
 */
import { errors } from '../domain/errors.js';
import { editDistance } from './edit-distance.js';
import type { IndexHandle } from './index-handle.js';

export const VOCABULARY_MAX_AGE_MS = 30_000;
/** Distinct tokens kept per index; the rest are not candidates of fuzzy expansion. */
export const MAX_VOCABULARY_TERMS = 2_000_000;
/** Tokens longer than this are never expanded (edit distance is computed up to this length). */
const MAX_FUZZY_TOKEN = 64;

export interface Vocabulary {
  /** Tokens by length: `byLength[n]` are the tokens of n code units, sorted. */
  byLength: string[][];
  /** Document frequency (documents × fields) of each token. */
  freq: Map<string, number>;
  seq: number;
  readAt: number;
}

const cache = new WeakMap<object, Map<number, Vocabulary>>();

/** The index's vocabulary, read now or reused (see the module comment). */
export function vocabulary(h: IndexHandle): Vocabulary {
  let perDb = cache.get(h.db);
  if (!perDb) cache.set(h.db, (perDb = new Map()));
  const seq = (h.db.prepare('SELECT seq FROM ci_indices WHERE id = ?').get(h.id) as { seq: number } | undefined)?.seq ?? h.seq;
  const cached = perDb.get(h.id);
  if (cached && (cached.seq === seq || Date.now() - cached.readAt < VOCABULARY_MAX_AGE_MS)) return cached;
  const table = `ci_vocab_${h.id}`;
  h.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${table} USING fts5vocab(main, ${h.fts}, 'row')`);
  const byLength: string[][] = [];
  const freq = new Map<string, number>();
  let complete = true;
  const rows = h.db.prepare(`SELECT term, doc FROM temp.${table} WHERE ci_live()`).raw().iterate() as Iterable<[string, number]>;
  for (const [term, doc] of rows) {
    if (freq.size >= MAX_VOCABULARY_TERMS) {
      complete = false;
      break;
    }
    freq.set(term, doc);
    (byLength[term.length] ??= []).push(term);
  }
  for (const bucket of byLength) bucket?.sort();
  const v: Vocabulary = { byLength, freq, seq, readAt: Date.now() };
  // A read cut short by the time budget is used for this search only.
  if (complete) perDb.set(h.id, v);
  return v;
}

/** Forgets every index's vocabulary of this connection (tests). */
export function forgetVocabularies(db: object): void {
  cache.delete(db);
}

/** Options of one fuzzy expansion (Elasticsearch's `fuzzy` query parameters). */
export interface FuzzyOptions {
  /** `fuzziness`: 0, 1, 2, or `AUTO` / `AUTO:lo,hi`. */
  fuzziness: unknown;
  prefixLength: number;
  maxExpansions: number;
  transpositions: boolean;
}

/** The edit distance `fuzziness` allows for a token of `length` characters. */
export function allowedEdits(fuzziness: unknown, length: number): number {
  if (fuzziness === undefined || fuzziness === null) return 0;
  const s = String(fuzziness).trim().toUpperCase();
  if (s.startsWith('AUTO')) {
    let lo = 3;
    let hi = 6;
    if (s.length > 4) {
      const m = /^AUTO:(\d+),(\d+)$/.exec(s);
      if (!m || Number(m[1]) > Number(m[2])) throw errors.parsing(`failed to parse [fuzziness]: [${String(fuzziness)}] is not AUTO or AUTO:low,high`);
      lo = Number(m[1]);
      hi = Number(m[2]);
    }
    return length < lo ? 0 : length < hi ? 1 : 2;
  }
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw errors.parsing(`failed to parse [fuzziness]: [${String(fuzziness)}]`);
  // Elasticsearch: at most 2 edits (Lucene's automaton limit); fractional values are similarity ratios, refused.
  if (!Number.isInteger(n)) throw errors.parsing(`[fuzziness] must be AUTO, 0, 1 or 2, got [${String(fuzziness)}]`);
  return Math.min(2, n);
}

/** Normalises a query token the way the index's tokenizer stored it (case folding, no diacritics). */
export function normalizeToken(token: string): string {
  return token.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export interface Expansion {
  term: string;
  edits: number;
  freq: number;
}

/**
 * The vocabulary's tokens within the allowed edits of `token`, sharing its first
 * `prefixLength` characters: closest first, then most frequent, then in term order; at most
 * `maxExpansions`. The token itself comes first when it is in the vocabulary.
 */
export function expand(vocab: Vocabulary, token: string, edits: number, o: Pick<FuzzyOptions, 'prefixLength' | 'maxExpansions' | 'transpositions'>): Expansion[] {
  const t = normalizeToken(token);
  if (edits === 0 || t.length > MAX_FUZZY_TOKEN) {
    const freq = vocab.freq.get(t);
    return freq === undefined ? [] : [{ term: t, edits: 0, freq }];
  }
  const prefix = t.slice(0, o.prefixLength);
  const out: Expansion[] = [];
  for (let len = Math.max(1, t.length - edits); len <= t.length + edits; len++) {
    const bucket = vocab.byLength[len];
    if (!bucket) continue;
    let start = 0;
    let end = bucket.length;
    if (prefix) {
      start = lowerBound(bucket, prefix);
      end = lowerBound(bucket, prefix + '\uffff');
    }
    for (let i = start; i < end; i++) {
      const term = bucket[i];
      const d = editDistance(t, term, edits, o.transpositions);
      if (d <= edits) out.push({ term, edits: d, freq: vocab.freq.get(term) ?? 0 });
    }
  }
  out.sort((a, b) => a.edits - b.edits || b.freq - a.freq || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  return out.slice(0, o.maxExpansions);
}

function lowerBound(xs: string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
