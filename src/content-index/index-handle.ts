/**
 * One open index of the embedded content index: its catalogue row, field registry, the
 * `_seq_no` counter and the prepared statements every write reuses (prepared once per index,
 * so a bulk request only binds and steps).
 */
import type { Statement } from '../store/sqlite/driver.js';
import type { DynamicMode } from './analyze.js';
import { backfillTable, DocValueWriter, docValuesTable, hasTable } from './doc-values.js';
import { FieldRegistry, type FieldsMark } from './fields.js';
import { DOC_BITS, type Db } from './schema.js';

export interface IndexRow {
  id: number;
  name: string;
  uuid: string;
  created: number;
  settings: string;
  mappings: string;
  language: string | null;
  seq: number;
}

export interface StoredDoc {
  r: number;
  ver: number;
  seq: number;
  tf: string | null;
}

export interface FullDoc extends StoredDoc {
  id: string;
  src: string;
}

/** The in-memory state of a handle before one bulk item ran (see `IndexHandle.mark`). */
export interface HandleMark {
  seq: number;
  dirty: boolean;
  fields: FieldsMark;
  /** Queued full-text changes made since: [rowid, queued text it replaced, pushed a delete]. */
  texts: [number, string | undefined, boolean][];
}

export class IndexHandle {
  readonly id: number;
  readonly name: string;
  readonly uuid: string;
  readonly created: number;
  readonly settings: Record<string, unknown>;
  /** Top-level mapping parameters (`dynamic`, `_meta`, …); fields live in the registry. */
  readonly mappingParams: Record<string, unknown>;
  readonly language: string | null;
  readonly fields: FieldRegistry;
  readonly dynamic: DynamicMode;
  /** Last `_seq_no` handed out; persisted when the write transaction ends. */
  seq: number;
  dirty = false;
  /** `d_<id>` and `f_<id>`. */
  readonly docs: string;
  readonly fts: string;
  /** `v_<id>` and its writer; null for an index created before doc values (writer: see backfill). */
  readonly dv: string | null;
  readonly docValues: DocValueWriter | null;

  readonly byId: Statement<[string], StoredDoc>;
  readonly byRowid: Statement<[number], StoredDoc>;
  readonly fullById: Statement<[string], FullDoc>;
  readonly fullByRowid: Statement<[number], FullDoc>;
  readonly insertDoc: Statement<[string, string, number, number, string | null]>;
  readonly updateDoc: Statement<[string, number, number, string | null, number]>;
  readonly deleteDoc: Statement<[number]>;
  readonly insertText: Statement<[number, string]>;
  readonly deleteText: Statement<[number]>;
  readonly countDocs: Statement<[], { n: number }>;
  private readonly saveSeq: Statement<[number, number]>;

  constructor(
    readonly db: Db,
    row: IndexRow,
  ) {
    this.id = row.id;
    this.name = row.name;
    this.uuid = row.uuid;
    this.created = row.created;
    this.settings = JSON.parse(row.settings) as Record<string, unknown>;
    this.mappingParams = JSON.parse(row.mappings) as Record<string, unknown>;
    this.language = row.language;
    this.seq = row.seq;
    this.dynamic = this.mappingParams.dynamic === undefined ? 'true' : (String(this.mappingParams.dynamic) as DynamicMode);
    const limit = Number(settingValue(this.settings, 'mapping.total_fields.limit') ?? 1000);
    this.fields = new FieldRegistry(db, row.id, Number.isFinite(limit) ? limit : 1000);
    const d = (this.docs = `d_${row.id}`);
    const f = (this.fts = `f_${row.id}`);
    // An index created before doc values has none, or a table being filled (backfill): writes
    // keep the latter exact, reads use neither until it is complete.
    const ready = hasTable(db, docValuesTable(row.id));
    const building = !ready && hasTable(db, backfillTable(row.id));
    this.dv = ready ? docValuesTable(row.id) : null;
    this.docValues = ready || building ? new DocValueWriter(db, ready ? docValuesTable(row.id) : backfillTable(row.id)) : null;
    this.byId = db.prepare(`SELECT r, ver, seq, tf FROM ${d} WHERE id = ?`);
    this.byRowid = db.prepare(`SELECT r, ver, seq, tf FROM ${d} WHERE r = ?`);
    this.fullById = db.prepare(`SELECT r, id, json(src) AS src, ver, seq, tf FROM ${d} WHERE id = ?`);
    this.fullByRowid = db.prepare(`SELECT r, id, json(src) AS src, ver, seq, tf FROM ${d} WHERE r = ?`);
    this.insertDoc = db.prepare(`INSERT INTO ${d} (id, src, ver, seq, tf) VALUES (?, jsonb(?), ?, ?, ?)`);
    this.updateDoc = db.prepare(`UPDATE ${d} SET src = jsonb(?), ver = ?, seq = ?, tf = ? WHERE r = ?`);
    this.deleteDoc = db.prepare(`DELETE FROM ${d} WHERE r = ?`);
    this.insertText = db.prepare(`INSERT INTO ${f} (rowid, t) VALUES (?, ?)`);
    this.deleteText = db.prepare(`DELETE FROM ${f} WHERE rowid = ?`);
    this.countDocs = db.prepare(`SELECT count(*) AS n FROM ${d}`);
    // max(): a handle another connection's commit left behind never moves the counter back.
    this.saveSeq = db.prepare('UPDATE ci_indices SET seq = max(seq, ?) WHERE id = ?');
  }

  /** Set between `mark()` and `undo()` / `release()`. */
  private journal: HandleMark | null = null;

  /**
   * Records this handle's in-memory state before one bulk item runs. If the item fails, its SQL
   * is rolled back to a savepoint and `undo` puts back the field registry, the `_seq_no` counter
   * and the queued full-text rows, so a rejected item leaves no trace (issue 11 item 13).
   */
  mark(): HandleMark {
    this.journal = { seq: this.seq, dirty: this.dirty, fields: this.fields.mark(), texts: [] };
    return this.journal;
  }

  undo(m: HandleMark): void {
    for (let i = m.texts.length - 1; i >= 0; i--) {
      const [rowid, previous, pushedDelete] = m.texts[i];
      if (pushedDelete) this.textDeletes.pop();
      else if (previous === undefined) this.textInserts.delete(rowid);
      else this.textInserts.set(rowid, previous);
    }
    this.fields.undo(m.fields);
    this.seq = m.seq;
    this.dirty = m.dirty;
    this.journal = null;
  }

  release(): void {
    this.fields.release();
    this.journal = null;
  }

  nextSeq(): number {
    this.dirty = true;
    return ++this.seq;
  }

  /**
   * Full-text rows written by this transaction, applied in rowid order at its end: FTS5 flushes
   * its pending terms whenever a rowid is not above the previous one, and rowids here are
   * field-major, so writing them as documents arrive would flush once per document.
   */
  private readonly textInserts = new Map<number, string>();
  private readonly textDeletes: number[] = [];

  addText(rowid: number, text: string): void {
    this.journal?.texts.push([rowid, this.textInserts.get(rowid), false]);
    this.textInserts.set(rowid, text);
    this.dirty = true;
  }

  removeText(rowid: number): void {
    const queued = this.textInserts.get(rowid);
    this.journal?.texts.push([rowid, queued, queued === undefined]);
    if (queued !== undefined) this.textInserts.delete(rowid);
    else this.textDeletes.push(rowid);
    this.dirty = true;
  }

  /** Applies queued full-text rows and persists `_seq_no`; called inside the write transaction. */
  flush(): void {
    if (!this.dirty) return;
    if (this.textDeletes.length) {
      for (const rowid of this.textDeletes.sort((a, b) => a - b)) this.deleteText.run(rowid);
      this.textDeletes.length = 0;
    }
    if (this.textInserts.size) {
      for (const rowid of [...this.textInserts.keys()].sort((a, b) => a - b)) this.insertText.run(rowid, this.textInserts.get(rowid)!);
      this.textInserts.clear();
    }
    this.saveSeq.run(this.seq, this.id);
    this.dirty = false;
  }

  /** The FTS rowid of (field, document). */
  static ftsRowid(fid: number, r: number): number {
    return fid * 2 ** DOC_BITS + r;
  }
}

/** Reads `index.x.y` from settings given nested (`{index: {x: {y}}}`) or flat (`index.x.y`). */
export function settingValue(settings: Record<string, unknown>, key: string): unknown {
  const flat = flattenSettings(settings);
  return flat[`index.${key}`] ?? flat[key];
}

export function flattenSettings(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flattenSettings(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[prefix + k] = v;
  }
  return out;
}
