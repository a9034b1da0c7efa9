/**
 * Rendering at the API edge: the Elasticsearch error envelope (connector-api.md §1.3) and the
 * HTTP headers an error kind travels with; `filter_path` is filter-path.ts.
 */
import { ApiError } from '../domain/errors.js';

/** The authentication schemes a 401 offers, as Elasticsearch lists them (header and body). */
const AUTH_CHALLENGES = ['Basic realm="security", charset="UTF-8"', 'ApiKey'];

export function errorBody(e: ApiError): Record<string, unknown> {
  const cause: Record<string, unknown> = { type: e.type, reason: e.reason, ...(e.extra ?? {}) };
  // Elasticsearch repeats the challenges in the body's `header` metadata.
  if (e.kind === 'authenticationFailed') cause.header = { 'WWW-Authenticate': AUTH_CHALLENGES };
  const error: Record<string, unknown> = { root_cause: [cause], ...cause };
  if (e.causedBy) error.caused_by = { ...e.causedBy };
  return { error, status: e.status };
}

/** The HTTP headers of an error answer beyond the product and content type, or undefined. */
export function errorHeaders(e: ApiError): Record<string, string> | undefined {
  switch (e.kind) {
    case 'authenticationFailed':
      return { 'www-authenticate': AUTH_CHALLENGES.join(', ') };
    case 'tooManyFailedLogins':
      return e.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(e.retryAfterSeconds) };
    default:
      return undefined;
  }
}
