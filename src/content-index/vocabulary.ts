/**
 * The full-text vocabulary of an index, for `fuzzy`, `fuzziness` and the `term` suggester
 * (docs/embedded-index.md "Fuzzy matching"): every distinct token of the index's FTS5 table with
 * its document frequency, read through an `fts5vocab` table and kept in memory per connection.
 *
 * Reading the vocabulary walks the whole FTS5 index (≈ 1.4 s for 50 000 documents of ~1 KB on
 * a loaded machine), so it is read once and reused, and read in slices: a search reads at most
 * `VOCABULARY_SLICE_MS` of it (less when its own time budget ends first) and the next one goes
 * on from the last token read. Until the first read completes, fuzzy expansion sees the tokens
 * read so far (in term order). The copy is read again when the index changed (its `_seq_no`)
 * and the copy is older than `VOCABULARY_MAX_AGE_MS`; the old copy serves until the new one is
 * complete. A token written meanwhile is not found by fuzzy expansion until then (exact
 * matching is unaffected). At most `MAX_VOCABULARY_TERMS` tokens are kept.
 */
import { errors } from '../domain/errors.js';
import { editDistance } from './edit-distance.js';
import type { IndexHandle } from './index-handle.js';
import { currentBudget } from './search-budget.js';

export const VOCABULARY_MAX_AGE_MS = 30_000;
export const VOCABULARY_SLICE_MS = 2_000;
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

interface Reading extends Vocabulary {
  /** The last token read; the next slice starts after it. */
  after: string | null;
}

interface Entry {
  /** The last complete copy. */
  done?: Vocabulary;
  /** A read in progress (first read, or a newer copy). */
  reading?: Reading;
}

const cache = new WeakMap<object, Map<number, Entry>>();

/** The index's vocabulary, reused or read (a slice more) now; see the module comment. */
export function vocabulary(h: IndexHandle): Vocabulary {
  let perDb = cache.get(h.db);
  if (!perDb) cache.set(h.db, (perDb = new Map()));
  let entry = perDb.get(h.id);
  if (!entry) perDb.set(h.id, (entry = {}));
  const seq = (h.db.prepare('SELECT seq FROM ci_indices WHERE id = ?').get(h.id) as { seq: number } | undefined)?.seq ?? h.seq;
  const done = entry.done;
  if (done && (done.seq === seq || Date.now() - done.readAt < VOCABULARY_MAX_AGE_MS)) return done;
  const r = (entry.reading ??= { byLength: [], freq: new Map(), seq, readAt: Date.now(), after: null });
  if (readSlice(h, r)) {
    for (const bucket of r.byLength) bucket?.sort();
    entry.done = { byLength: r.byLength, freq: r.freq, seq: r.seq, readAt: Date.now() };
    entry.reading = undefined;
    return entry.done;
  }
  return done ?? r;
}

/** Reads on from `r.after` for at most a slice of time; true once the vocabulary is complete. */
function readSlice(h: IndexHandle, r: Reading): boolean {
  const table = `ci_vocab_${h.id}`;
  h.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${table} USING fts5vocab(main, ${h.fts}, 'row')`);
  const budget = currentBudget(h.db);
  const until = performance.now() + VOCABULARY_SLICE_MS;
  const stmt = h.db.prepare(`SELECT term, doc FROM temp.${table}${r.after === null ? '' : ' WHERE term > ?'}`).raw();
  const rows = (r.after === null ? stmt.iterate() : stmt.iterate(r.after)) as Iterable<[string, number]>;
  let n = 0;
  for (const [term, doc] of rows) {
    if (r.freq.size >= MAX_VOCABULARY_TERMS) return true;
    r.freq.set(term, doc);
    (r.byLength[term.length] ??= []).push(term);
    r.after = term;
    if ((++n & 255) === 0 && (performance.now() > until || budget?.expired())) return false;
  }
  return true;
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
