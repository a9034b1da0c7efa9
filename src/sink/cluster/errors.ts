/**
 * One-line descriptions of what went wrong between a cluster sink and its target, with what
 * to do about it where that is clear (architecture.md: errors say what to do). Works on the
 * error shapes of both official clients (`ResponseError` with `meta.statusCode` / `meta.body`,
 * `ConnectionError`, `TimeoutError`, `ProductNotSupportedError`).
 */

interface ErrorShape {
  name?: string;
  message?: string;
  code?: string;
  meta?: { statusCode?: number; body?: unknown };
  body?: unknown;
}

interface EsErrorBody {
  type?: string;
  reason?: string;
  caused_by?: EsErrorBody;
}

/** "type: reason (caused by type: reason)" from an Elasticsearch error object or string. */
export function errorReason(error: unknown): string {
  if (typeof error === 'string') return error;
  const e = (error ?? {}) as EsErrorBody;
  let s = `${e.type ?? 'error'}: ${e.reason ?? ''}`.trim();
  if (e.caused_by && (e.caused_by.type || e.caused_by.reason)) {
    s += ` (caused by ${e.caused_by.type ?? 'error'}: ${e.caused_by.reason ?? ''})`;
  }
  return s;
}

function hint(status: number | undefined, text: string): string {
  if (status === 401) return ' — check content.api_key, or content.username and content.password';
  if (status === 403) {
    return ' — the credentials lack a privilege: the sink needs create_index, view_index_metadata, maintenance, write and read on the content indices and on .search-acl-filter-* (docs/external-targets.md)';
  }
  if (status === 400 && /compatible|Accept version|media_type_header/i.test(text)) {
    return ' — for an Elasticsearch 8 cluster set content.compatible_with: 8';
  }
  if (/self[- ]signed|unable to verify|certificate/i.test(text)) {
    return " — set content.ca_file to the cluster's CA certificate (PEM)";
  }
  return '';
}

export function describeError(err: unknown): string {
  const e = (err ?? {}) as ErrorShape;
  if (e.name === 'ProductNotSupportedError') {
    return 'the server did not identify itself as Elasticsearch (no "x-elastic-product: Elasticsearch" header on a successful response); if it is OpenSearch, set content.target: opensearch';
  }
  const status = e.meta?.statusCode;
  if (typeof status === 'number' && status > 0) {
    const body = e.meta?.body ?? e.body;
    let text: string;
    if (body && typeof body === 'object' && 'error' in body) text = errorReason((body as { error: unknown }).error);
    else if (typeof body === 'string' && body.trim() !== '') text = body.trim().replace(/\s+/g, ' ').slice(0, 200);
    else text = e.message ?? '';
    return `HTTP ${status}${text ? ` ${text}` : ''}${hint(status, text)}`;
  }
  const msg = `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}`;
  return msg + hint(undefined, msg);
}

/** A failure that retrying cannot fix, with its description and the original as `cause`. */
export class SinkRequestError extends Error {
  constructor(what: string, override readonly cause: unknown) {
    super(`${what} failed: ${describeError(cause)}`);
    this.name = 'SinkRequestError';
  }
}

/** The `error.type` of a client error, when the target answered with one. */
export function errorType(err: unknown): string | undefined {
  const body = (err as ErrorShape | null)?.meta?.body as { error?: { type?: string } } | undefined;
  return typeof body?.error === 'object' ? body.error?.type : undefined;
}
