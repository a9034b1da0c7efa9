/**
 * Document analysis for the embedded content index: walks a `_source`, checks every value
 * against the mapping (adding dynamic fields as Elasticsearch's dynamic mapping would), and
 * collects the text of each `text` field for the full-text table. New fields are registered only
 * when the whole document is valid, so a rejected document leaves the mapping untouched.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { fitsKind, inferType, kindOf } from './field-types.js';
import type { PathValue } from './doc-values.js';
import { DYNAMIC_TEXT_DEF, F_ARRAY, F_DOTTED, F_UNDER_ARRAY, type FieldRegistry } from './fields.js';

const METADATA = new Set([
  '_id', '_index', '_source', '_routing', '_version', '_seq_no', '_primary_term', '_ignored',
  '_field_names', '_doc_count', '_tier', '_nested_path', '_data_stream_timestamp', '_ignored_source',
]);

export type DynamicMode = 'true' | 'false' | 'strict' | 'runtime';

/** Text per full-text field id, values of one field joined by newlines. */
export type FieldTexts = Map<number, string>;

interface Pending {
  def: Record<string, unknown>;
  flags: number;
}

class Walker {
  readonly pending = new Map<string, Pending>();
  readonly flags = new Map<string, number>();
  readonly texts = new Map<string, string[]>();
  /** Every mapped scalar, for the doc values (doc-values.ts). */
  readonly values: PathValue[] = [];

  constructor(
    private readonly reg: FieldRegistry,
    private readonly id: string,
  ) {}

  private lookup(path: string): { type: string; def: Record<string, unknown> } | undefined {
    const f = this.reg.get(path);
    if (f) return f;
    const p = this.pending.get(path);
    return p && { type: String(p.def.type ?? 'object'), def: p.def };
  }

  private addFlags(path: string, flags: number): void {
    if (flags === 0) return;
    const p = this.pending.get(path);
    if (p) p.flags |= flags;
    else this.flags.set(path, (this.flags.get(path) ?? 0) | flags);
  }

  /** Makes sure `path` is an object field; returns the dynamic mode inside it, or null to skip. */
  private object(path: string, dynamic: DynamicMode): DynamicMode | null {
    const f = this.lookup(path);
    if (!f) {
      if (dynamic === 'strict') throw strict(path);
      if (dynamic === 'false' || dynamic === 'runtime') return null;
      this.pending.set(path, { def: { type: 'object' }, flags: 0 });
      return dynamic;
    }
    if (kindOf(f.type) !== 'object') {
      throw errors.documentParsing(
        `Could not dynamically add mapping for field [${path}]. Existing mapping for [${path}] must be of type object but found [${f.type}].`,
      );
    }
    return f.def.dynamic === undefined ? dynamic : (String(f.def.dynamic) as DynamicMode);
  }

  walk(obj: Record<string, unknown>, prefix: string, dynamic: DynamicMode, flags: number): void {
    for (const [key, value] of Object.entries(obj)) {
      if (prefix === '' && METADATA.has(key)) {
        throw errors.documentParsing(
          `Field [${key}] is a metadata field and cannot be added inside a document. Use the index API request parameters.`,
        );
      }
      if (key === '' || key.startsWith('.') || key.endsWith('.') || key.includes('..')) {
        throw errors.documentParsing(`field name cannot be an empty string or contain only dots [${prefix}${key}]`);
      }
      let mode: DynamicMode | null = dynamic;
      let path = prefix;
      const parts = key.split('.');
      for (let i = 0; i < parts.length - 1 && mode !== null; i++) {
        path += parts[i];
        mode = this.object(path, mode);
        path += '.';
      }
      if (mode === null) continue;
      this.value(path + parts[parts.length - 1], value, mode, flags | (parts.length > 1 || key.includes('"') ? F_DOTTED : 0), false);
    }
  }

  private value(path: string, value: unknown, dynamic: DynamicMode, flags: number, inArray: boolean): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      // arrays of arrays flatten as in Elasticsearch; json_each alone would not reach them
      for (const v of value) this.value(path, v, dynamic, inArray ? flags | F_UNDER_ARRAY : flags, true);
      return;
    }
    if (isPlainObject(value)) {
      const inner = this.object(path, dynamic);
      if (inner !== null) this.walk(value, path + '.', inner, flags | (inArray ? F_UNDER_ARRAY : 0));
      return;
    }
    const scalar = value as string | number | boolean;
    let f = this.lookup(path);
    if (!f) {
      if (dynamic === 'strict') throw strict(path);
      if (dynamic === 'false' || dynamic === 'runtime') return;
      const type = inferType(scalar);
      const def = type === 'text' ? DYNAMIC_TEXT_DEF : { type };
      this.pending.set(path, { def, flags: 0 });
      f = { type, def };
    }
    const kind = kindOf(f.type) ?? 'other';
    if (kind === 'object') {
      throw errors.documentParsing(
        `object mapping for [${path}] tried to parse field [${path.slice(path.lastIndexOf('.') + 1)}] as object, but found a concrete value`,
      );
    }
    if (!fitsKind(kind, scalar)) {
      const preview = String(scalar).slice(0, 20);
      throw errors.documentParsing(
        `failed to parse field [${path}] of type [${f.type}] in document with id '${this.id}'. Preview of field's value: '${preview}'`,
      );
    }
    this.addFlags(path, flags | (inArray ? F_ARRAY : 0));
    if (kind !== 'other') this.values.push([path, scalar]);
    if (kind === 'text') {
      const list = this.texts.get(path);
      if (list) list.push(String(scalar));
      else this.texts.set(path, [String(scalar)]);
    }
  }
}

function strict(path: string) {
  const dot = path.lastIndexOf('.');
  const within = dot < 0 ? '_doc' : path.slice(0, dot);
  return errors.documentParsing(
    `mapping set to strict, dynamic introduction of [${path.slice(dot + 1)}] within [${within}] is not allowed`,
  );
}

/** What a document feeds: the full-text table and the doc values. */
export interface Analyzed {
  texts: FieldTexts;
  values: PathValue[];
}

/**
 * Validates `source` against the index's mapping, registers new dynamic fields, and returns
 * the full-text content per field id and the scalars by path. Throws
 * `document_parsing_exception` (nothing registered).
 */
export function analyzeDocument(source: unknown, reg: FieldRegistry, dynamic: DynamicMode, id: string): Analyzed {
  if (!isPlainObject(source)) throw errors.documentParsing('failed to parse, document is empty or not an object');
  const w = new Walker(reg, id);
  w.walk(source, '', dynamic, 0);
  for (const [path, p] of w.pending) reg.add(path, p.def, p.flags);
  for (const [path, flags] of w.flags) reg.addFlags(path, flags);
  const out: FieldTexts = new Map();
  for (const [path, values] of w.texts) {
    const f = reg.get(path);
    if (f && f.kind === 'text') out.set(f.fid, values.join('\n'));
  }
  return { texts: out, values: w.values };
}
