/**
 * Index-level operations of the embedded content index: create (settings, mappings, language),
 * delete, and the Elasticsearch shapes of `GET /<index>`, `GET /<index>/_mapping` and
 * `_cat/indices`. Rows live in `ci_indices`; fields in `ci_fields`.
 */
import { randomBytes } from 'node:crypto';
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { F_NO_DV } from './fields.js';
import { flattenSettings, IndexHandle, type IndexRow } from './index-handle.js';
import { validateIndexName } from './index-names.js';
import { createDocValuesTable } from './doc-values.js';
import { createIndexTables, dropIndexTables, type Db } from './schema.js';

export interface CreateIndexBody {
  settings?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
  aliases?: Record<string, unknown>;
}

const CREATE_KEYS = new Set(['settings', 'mappings', 'aliases']);

/** Porter stemming when asked for English: sink language `en`, or an `english` analyser named. */
export function languageOf(body: CreateIndexBody, language?: string | null): string | null {
  if (language) return language.toLowerCase().startsWith('en') ? 'en' : language;
  const text = JSON.stringify([body.settings ?? {}, body.mappings ?? {}]);
  return /"(english|light_english|porter_stem)"/.test(text) ? 'en' : null;
}

export function parseCreateBody(body: unknown): CreateIndexBody {
  if (body === undefined || body === null || body === '') return {};
  if (!isPlainObject(body)) throw errors.parse('[1:1] create index body must be an object');
  for (const k of Object.keys(body)) {
    if (!CREATE_KEYS.has(k)) throw errors.parse(`unknown key [${k}] for create index`);
    if (!isPlainObject(body[k])) throw errors.parse(`[${k}] must be an object`);
  }
  return body as CreateIndexBody;
}

/** Inserts the index row and its tables and registers explicit mappings; returns the row. */
export function insertIndex(db: Db, name: string, body: CreateIndexBody, language?: string | null): IndexRow {
  validateIndexName(name);
  const existing = db.prepare('SELECT uuid FROM ci_indices WHERE name = ?').get(name) as { uuid: string } | undefined;
  if (existing) throw errors.resourceAlreadyExists(name, existing.uuid);
  const { properties: _properties, ...params } = body.mappings ?? {};
  const row: Omit<IndexRow, 'id'> = {
    name,
    uuid: randomBytes(16).toString('base64url').slice(0, 22),
    created: Date.now(),
    settings: JSON.stringify(body.settings ?? {}),
    mappings: JSON.stringify(params),
    language: languageOf(body, language),
    seq: -1,
  };
  const id = Number(
    db
      .prepare('INSERT INTO ci_indices (name, uuid, created, settings, mappings, language, seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.name, row.uuid, row.created, row.settings, row.mappings, row.language, row.seq).lastInsertRowid,
  );
  createIndexTables(db, id, row.language);
  createDocValuesTable(db, id);
  return { id, ...row };
}

export function removeIndex(db: Db, h: IndexHandle): void {
  dropIndexTables(db, h.id);
  db.prepare('DELETE FROM ci_fields WHERE idx = ?').run(h.id);
  db.prepare('DELETE FROM ci_indices WHERE id = ?').run(h.id);
}

export function loadIndexRow(db: Db, name: string): IndexRow | undefined {
  return db.prepare('SELECT * FROM ci_indices WHERE name = ?').get(name) as IndexRow | undefined;
}

export function indexNames(db: Db): string[] {
  return (db.prepare('SELECT name FROM ci_indices ORDER BY name').all() as { name: string }[]).map((r) => r.name);
}

export function mappingOf(h: IndexHandle): Record<string, unknown> {
  return h.fields.render(h.mappingParams);
}

/** `index.default_pipeline` of an index, when set to a pipeline (not `_none`). */
export function defaultPipelineOf(h: IndexHandle): string | undefined {
  const v = (settingsOf(h).index as Record<string, unknown>).default_pipeline;
  return typeof v === 'string' && v !== '' && v !== '_none' ? v : undefined;
}

/** Settings as `GET /<index>` prints them: nested under `index`, every value a string. */
export function settingsOf(h: IndexHandle): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flattenSettings(h.settings))) flat[k.startsWith('index.') ? k.slice(6) : k] = v;
  const all: Record<string, unknown> = {
    number_of_shards: '1',
    number_of_replicas: '0',
    ...flat,
    uuid: h.uuid,
    provided_name: h.name,
    creation_date: String(h.created),
    'version.created': '9000000',
  };
  const nested: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    const parts = k.split('.');
    let node = nested;
    for (const p of parts.slice(0, -1)) node = (node[p] = isPlainObject(node[p]) ? node[p] : {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return { index: nested };
}

/** Adds the fields of a `PUT /<index>/_mapping` body; a changed type is rejected. */
export function putMapping(h: IndexHandle, body: unknown): void {
  if (!isPlainObject(body)) throw errors.parse('[1:1] mapping body must be an object');
  // Documents already stored may hold values of a field mapped now: no doc values for it.
  const flags = h.countDocs.get()!.n > 0 ? F_NO_DV : 0;
  const check = (prefix: string, props: unknown) => {
    if (!isPlainObject(props)) throw errors.mapperParsing('Expected map for property [properties]');
    for (const [name, def] of Object.entries(props)) {
      if (!isPlainObject(def)) throw errors.mapperParsing(`Expected map for property [${name}]`);
      const path = prefix + name;
      const existing = h.fields.get(path);
      const type = typeof def.type === 'string' ? def.type : 'object';
      if (existing && existing.type !== type) {
        throw errors.illegalArgument(`mapper [${path}] cannot be changed from type [${existing.type}] to [${type}]`);
      }
      if (!existing) h.fields.add(path, def, flags);
      if (def.properties !== undefined) check(path + '.', def.properties);
    }
  };
  if (body.properties !== undefined) check('', body.properties);
}
