/**
 * `highlight` for the embedded index. The index's FTS5 table is contentless, so the hits'
 * field values are put into a small temporary FTS5 table with the same tokenizer and the query's
 * own full-text expressions are run against it: FTS5's `highlight()` then marks exactly the
 * tokens the search matched (stemming and diacritics included). Fragments are cut from the
 * marked text here (fragments.ts), in one pass over it: linear in the field's size, of which at
 * most `MAX_ANALYZED_CHARS` per value are analysed.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import type { FieldInfo } from './fields.js';
import type { IndexHandle } from './index-handle.js';
import type { HighlightLeaf } from './query-context.js';
import { fieldPattern } from './source-filter.js';
import { tokenizerFor, type Db } from './schema.js';
import type { Statement } from '../store/sqlite/driver.js';
import { fragmentsOf, MARK_END, MARK_START, noMatchFragment, type FragmentOptions } from './fragments.js';

/** Characters of one value that are analysed for highlighting (Elasticsearch's `index.highlight.max_analyzed_offset`). */
export const MAX_ANALYZED_CHARS = 1_000_000;

interface FieldOptions extends FragmentOptions {
  pattern: string;
  requireFieldMatch: boolean;
}

export interface HighlightRequest {
  fields: FieldOptions[];
}

/** A non-negative Java int (`fragment_size`, `number_of_fragments`); NaN or huge values are 400s. */
function num(v: unknown, d: number, name: string): number {
  if (v === undefined) return d;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw errors.parsing(`[highlight] [${name}] must be a non-negative integer, got [${String(v)}]`);
  return n;
}

export function parseHighlight(v: unknown): HighlightRequest | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) throw errors.parsing('[highlight] must be an object');
  const list: [string, unknown][] = Array.isArray(v.fields)
    ? v.fields.flatMap((x) => (isPlainObject(x) ? Object.entries(x) : []))
    : isPlainObject(v.fields)
      ? Object.entries(v.fields)
      : [];
  if (list.length === 0) throw errors.parsing('[highlight] requires [fields]');
  const tag = (t: unknown, d: string) => (Array.isArray(t) && t.length ? String(t[0]) : d);
  return {
    fields: list.map(([pattern, o]) => {
      const f = isPlainObject(o) ? o : {};
      return {
        pattern,
        fragmentSize: num(f.fragment_size ?? v.fragment_size, 100, 'fragment_size'),
        fragments: num(f.number_of_fragments ?? v.number_of_fragments, 5, 'number_of_fragments'),
        requireFieldMatch: (f.require_field_match ?? v.require_field_match) !== false,
        pre: tag(f.pre_tags ?? v.pre_tags, '<em>'),
        post: tag(f.post_tags ?? v.post_tags, '</em>'),
        byScore: String(f.order ?? v.order ?? 'none') === 'score',
        noMatchSize: num(f.no_match_size ?? v.no_match_size, 0, 'no_match_size'),
        html: String(f.encoder ?? v.encoder ?? 'default') === 'html',
      };
    }),
  };
}

/** Collects the string values at a dotted path (through arrays and nested objects). */
function valuesAt(source: unknown, path: string[]): string[] {
  if (source === null || source === undefined) return [];
  if (Array.isArray(source)) return source.flatMap((x) => valuesAt(x, path));
  if (path.length === 0) return typeof source === 'object' ? [] : [String(source)];
  if (!isPlainObject(source)) return [];
  const out: string[] = [];
  for (let i = 1; i <= path.length; i++) {
    const key = path.slice(0, i).join('.');
    if (key in source) out.push(...valuesAt(source[key], path.slice(i)));
  }
  return out;
}

interface TableStatements {
  insert: Statement<[number, string]>;
  select: Statement<[{ pre: string; post: string; expr: string }], { marked: string }>;
  clear: Statement<[]>;
}

export class Highlighter {
  private readonly ready = new Set<string>();

  constructor(private readonly db: Db) {}

  private table(language: string | null): string {
    const name = language === 'en' ? 'hl_en' : 'hl_plain';
    if (!this.ready.has(name)) {
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${name} USING fts5(t, tokenize='${tokenizerFor(language)}')`);
      this.ready.add(name);
    }
    return `temp.${name}`;
  }

  /** The `highlight` object of one hit, or undefined when nothing matched. */
  highlight(h: IndexHandle, req: HighlightRequest, leaves: HighlightLeaf[], source: Record<string, unknown>) {
    const out: Record<string, string[]> = {};
    for (const o of req.fields) {
      for (const f of this.fieldsFor(h, o.pattern)) {
        if (out[f.path]) continue;
        const exprs = leaves.filter((l) => !o.requireFieldMatch || l.fields === null || l.fields.includes(f.path));
        const values = valuesAt(source, f.src.split('.'));
        if (values.length === 0) continue;
        const frags = exprs.length === 0 ? [] : this.run(h, values, exprs.map((l) => `(${l.expr})`).join(' OR '), o);
        if (frags.length) out[f.path] = frags;
        else if (o.noMatchSize > 0) out[f.path] = [noMatchFragment(values[0], o)];
      }
    }
    return Object.keys(out).length ? out : undefined;
  }

  private fieldsFor(h: IndexHandle, pattern: string): FieldInfo[] {
    if (!pattern.includes('*')) {
      const f = h.fields.get(pattern);
      return f && f.kind === 'text' ? [f] : [];
    }
    const matches = fieldPattern(pattern);
    return [...h.fields.all()].filter((f) => f.kind === 'text' && matches(f.path));
  }

  private readonly statements = new Map<string, TableStatements>();

  /** Drops the prepared statements (before the connection closes, as every statement cache). */
  clear(): void {
    this.statements.clear();
  }

  /** The temp table's statements, prepared once per connection (they run for every highlighted field of each hit). */
  private stmts(t: string): TableStatements {
    let x = this.statements.get(t);
    if (!x) {
      x = {
        insert: this.db.prepare(`INSERT INTO ${t} (rowid, t) VALUES (?, ?)`),
        select: this.db.prepare(`SELECT highlight(${t.slice(5)}, 0, @pre, @post) AS marked FROM ${t} WHERE ${t.slice(5)} MATCH @expr ORDER BY rowid`),
        clear: this.db.prepare(`DELETE FROM ${t}`),
      };
      this.statements.set(t, x);
    }
    return x;
  }

  private run(h: IndexHandle, values: string[], expr: string, o: FieldOptions): string[] {
    const t = this.table(h.language);
    const { insert, select, clear } = this.stmts(t);
    // The marks must not occur in the text: they are control characters no text needs.
    const clean = (v: string) => v.slice(0, MAX_ANALYZED_CHARS).replace(/[\u0001\u0002]/g, ' ');
    values.forEach((v, i) => insert.run(i + 1, clean(v)));
    try {
      const rows = select.all({ pre: MARK_START, post: MARK_END, expr });
      return fragmentsOf(rows.map((r) => r.marked), o);
    } catch {
      return []; // an expression FTS5 rejects on this text highlights nothing rather than failing the search
    } finally {
      clear.run();
    }
  }
}
