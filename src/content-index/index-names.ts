/**
 * Index name rules of Elasticsearch (`MetadataCreateIndexService.validateIndexOrAliasName`),
 * applied by the embedded content index before it creates or looks up an index.
 */
import { errors } from '../domain/errors.js';

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
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > 255) throw errors.invalidIndexName(name, `index name is too long, (${bytes} > 255)`);
}
