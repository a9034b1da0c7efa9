/**
 * The field registry of one index: its mapping, kept as one `ci_fields` row per field path
 * (objects, leaves and multi-fields such as `title.keyword`). Explicit mappings from index
 * creation and dynamically added fields land in the same table; `render()` turns it back into
 * Elasticsearch's nested `properties` shape for `GET /<index>/_mapping`.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { kindOf, type FieldKind } from './field-types.js';
import { MAX_FID, type Db } from './schema.js';

/** Seen as an array value somewhere. */
export const F_ARRAY = 1;
/** Seen below an array of objects (its JSON path alone does not reach every value). */
export const F_UNDER_ARRAY = 2;
/** Seen under a key that itself contains a dot (`{"a.b": 1}`). */
export const F_DOTTED = 4;
/**
 * Mapped while the index already held documents (`PUT _mapping`): documents written before may
 * hold values of it that have no doc values, so queries on it read `_source` (doc-values.ts).
 */
export const F_NO_DV = 8;

export interface FieldInfo {
  path: string;
  fid: number;
  type: string;
  kind: FieldKind;
  /** Where the value lives in `_source`: the parent's path for multi-fields, else `path`. */
  src: string;
  multi: boolean;
  def: Record<string, unknown>;
  flags: number;
}

interface FieldRow {
  path: string;
  fid: number;
  type: string;
  src: string | null;
  def: string;
  flags: number;
}

export const DYNAMIC_TEXT_DEF = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };

/** What a registry looked like at `mark()`: enough to forget what was added since (see `undo`). */
export interface FieldsMark {
  nextFid: number;
  added: string[];
  flags: [FieldInfo, number][];
}

/**
 * Whether every document has at most one value of `f`: never seen as an array, under an array
 * of objects or under a dotted key (a multi-field such as `title.keyword` has its parent's
 * shape). Such a field has at most one doc-value row per document.
 */
export function oneValuePerDoc(reg: FieldRegistry, f: FieldInfo): boolean {
  const flags = f.multi ? (reg.get(f.src)?.flags ?? f.flags) : f.flags;
  return (flags & (F_ARRAY | F_UNDER_ARRAY | F_DOTTED)) === 0;
}

export class FieldRegistry {
  private readonly byPath = new Map<string, FieldInfo>();
  private nextFid = 1;
  /** Set between `mark()` and `undo()` / `release()`: what to forget if the write fails. */
  private journal: FieldsMark | null = null;
  private readonly insert;
  private readonly updateFlags;

  constructor(
    private readonly db: Db,
    private readonly idx: number,
    readonly limit = 1000,
  ) {
    this.insert = db.prepare('INSERT INTO ci_fields (idx, path, fid, type, src, def, flags) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.updateFlags = db.prepare('UPDATE ci_fields SET flags = ? WHERE idx = ? AND path = ?');
    const rows = db.prepare('SELECT path, fid, type, src, def, flags FROM ci_fields WHERE idx = ?').all(idx) as FieldRow[];
    for (const r of rows) {
      this.byPath.set(r.path, toInfo(r));
      this.nextFid = Math.max(this.nextFid, r.fid + 1);
    }
  }

  get(path: string): FieldInfo | undefined {
    return this.byPath.get(path);
  }

  all(): IterableIterator<FieldInfo> {
    return this.byPath.values();
  }

  get size(): number {
    return this.byPath.size;
  }

  /** Registers a field (and the multi-fields its definition declares). */
  add(path: string, def: Record<string, unknown>, flags = 0): FieldInfo {
    const type = typeof def.type === 'string' ? def.type : 'object';
    const added = [this.addRow(path, type, null, def, flags)];
    if (isPlainObject(def.fields)) {
      for (const [sub, subDef] of Object.entries(def.fields)) {
        if (!isPlainObject(subDef)) throw errors.mapperParsing(`Expected map for property [fields] on field [${path}]`);
        const subType = typeof subDef.type === 'string' ? subDef.type : 'object';
        added.push(this.addRow(`${path}.${sub}`, subType, path, subDef, flags & F_NO_DV));
      }
    }
    if (this.byPath.size > this.limit) {
      throw errors.illegalArgument(`Limit of total fields [${this.limit}] has been exceeded while adding new fields [${added.length}]`);
    }
    return added[0];
  }

  /**
   * Starts recording changes so that a failed bulk item can be forgotten: its rows are rolled
   * back to a savepoint, and `undo` makes this in-memory view match again.
   */
  mark(): FieldsMark {
    this.journal = { nextFid: this.nextFid, added: [], flags: [] };
    return this.journal;
  }

  /** Forgets the fields and flags added since `m` (their rows were rolled back by the caller). */
  undo(m: FieldsMark): void {
    for (const path of m.added) this.byPath.delete(path);
    for (let i = m.flags.length - 1; i >= 0; i--) m.flags[i][0].flags = m.flags[i][1];
    this.nextFid = m.nextFid;
    this.journal = null;
  }

  release(): void {
    this.journal = null;
  }

  addFlags(path: string, flags: number): void {
    const f = this.byPath.get(path);
    if (!f || (f.flags & flags) === flags) return;
    this.journal?.flags.push([f, f.flags]);
    f.flags |= flags;
    this.updateFlags.run(f.flags, this.idx, path);
  }

  private addRow(path: string, type: string, src: string | null, def: Record<string, unknown>, flags: number): FieldInfo {
    if (kindOf(type) === undefined) throw errors.mapperParsing(`No handler for type [${type}] declared on field [${path}]`);
    if (this.byPath.has(path)) throw errors.mapperParsing(`Field [${path}] is defined more than once`);
    const fid = this.nextFid++;
    if (fid > MAX_FID) throw errors.illegalArgument(`too many fields in the embedded index (${fid})`);
    const stored = { ...def };
    delete stored.properties;
    const row: FieldRow = { path, fid, type, src, def: JSON.stringify(stored), flags };
    this.insert.run(this.idx, path, fid, type, src, row.def, flags);
    const info = toInfo(row);
    this.byPath.set(path, info);
    this.journal?.added.push(path);
    return info;
  }

  /** Registers every field of an explicit `mappings` body (index creation). */
  applyMapping(mappings: Record<string, unknown>): void {
    if (mappings.properties === undefined) return;
    this.applyProperties('', mappings.properties);
  }

  private applyProperties(prefix: string, properties: unknown): void {
    if (!isPlainObject(properties)) throw errors.mapperParsing('Expected map for property [properties]');
    for (const [name, def] of Object.entries(properties)) {
      if (!isPlainObject(def)) throw errors.mapperParsing(`Expected map for property [${name}]`);
      const path = prefix + name;
      this.add(path, def);
      if (def.properties !== undefined) this.applyProperties(path + '.', def.properties);
    }
  }

  /** The mapping in Elasticsearch's shape: `{properties: {...}}`, or `{}` with no fields. */
  render(topLevel: Record<string, unknown>): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    const paths = [...this.byPath.values()].filter((f) => !f.multi).sort((a, b) => (a.path < b.path ? -1 : 1));
    const nodes = new Map<string, Record<string, unknown>>();
    for (const f of paths) {
      const dot = f.path.lastIndexOf('.');
      const parentPath = dot < 0 ? '' : f.path.slice(0, dot);
      const parent = dot < 0 ? root : nodes.get(parentPath);
      if (!parent) continue;
      const node: Record<string, unknown> = { ...f.def };
      if (f.kind === 'object' && node.type === 'object') delete node.type;
      nodes.set(f.path, node);
      const props = (parent.properties ??= {}) as Record<string, unknown>;
      props[dot < 0 ? f.path : f.path.slice(dot + 1)] = node;
    }
    for (const f of paths) {
      const node = nodes.get(f.path);
      if (f.kind === 'object' && node && node.properties === undefined && node.type === undefined) node.type = 'object';
    }
    return root.properties ? { ...topLevel, properties: root.properties } : { ...topLevel };
  }
}

function toInfo(r: FieldRow): FieldInfo {
  return {
    path: r.path,
    fid: r.fid,
    type: r.type,
    kind: kindOf(r.type) ?? 'other',
    src: r.src ?? r.path,
    multi: r.src !== null,
    def: JSON.parse(r.def) as Record<string, unknown>,
    flags: r.flags,
  };
}
