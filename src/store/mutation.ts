/** Shared by every backend: runs a mutator and decides `updated` vs `noop` (connector-api.md §1.2). */
import { deepEqual } from '../domain/shared/json.js';
import type { Doc, Mutator, UpdateOptions, UpdateResult } from './store.js';

export function applyMutation<T extends Doc>(current: T, mutate: Mutator<T>, opts: UpdateOptions = {}): UpdateResult<T> & { changed: boolean } {
  const next = mutate(current);
  const changed = !deepEqual(current, next);
  return { result: changed || opts.alwaysUpdated ? 'updated' : 'noop', doc: next, changed };
}

/** Response JSON with `id` first, then the stored source (connector-api.md §1.2). */
export function withId(id: string, json: string): string {
  return json.length > 2 ? `{"id":${JSON.stringify(id)},${json.slice(1)}` : `{"id":${JSON.stringify(id)}}`;
}
