/**
 * Rendering at the API edge: the Elasticsearch error envelope (connector-api.md §1.3);
 * `filter_path` is filter-path.ts.
 */
import { ApiError } from '../domain/errors.js';

export function errorBody(e: ApiError): Record<string, unknown> {
  const cause: Record<string, unknown> = { type: e.type, reason: e.reason, ...(e.extra ?? {}) };
  const error: Record<string, unknown> = { root_cause: [cause], ...cause };
  if (e.causedBy) error.caused_by = { ...e.causedBy };
  return { error, status: e.status };
}
