/**
 * Index name rules of Elasticsearch (`MetadataCreateIndexService.validateIndexOrAliasName`),
 * applied by the embedded content index before it creates or looks up an index.
 */
import { errors } from '../domain/errors.js';
import { systemIndex } from '../domain/system-index-mappings.js';

const FORBIDDEN = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ','];

/** Throws `invalid_index_name_exception` (400) when `name` is not a valid index name. */
export function validateIndexName(name: string): void {
  if (name.length === 0) throw errors.invalidIndexName(name, 'must not be empty');
  if (name !== name.toLowerCase()) throw errors.invalidIndexName(name, 'must be lowercase');
  if (FORBIDDEN.some((c) => name.includes(c))) {
    throw errors.invalidIndexName(name, 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  }
  if (name.includes('#')) throw errors.invalidIndexName(name, "must not contain '#'");
  if (name.includes(':')) throw errors.invalidIndexName(name, "must not contain ':'");
  if (/^[_\-+]/.test(name)) throw errors.invalidIndexName(name, "must not start with '_', '-', or '+'");
  if (name === '.' || name === '..') throw errors.invalidIndexName(name, "must not be '.' or '..'");
  // The connector system indices are served from the state store (api/system-index/): an
  // embedded index of the same name would shadow them.
  if (systemIndex(name)) throw errors.invalidIndexName(name, 'is a connector system index, served from the state store, not the content index');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > 255) throw errors.invalidIndexName(name, `index name is too long, (${bytes} > 255)`);
}
