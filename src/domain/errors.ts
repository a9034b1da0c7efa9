/**
 * The one error catalogue. Every error the API can answer carries the Elasticsearch error
 * `type`, an HTTP status and a reason (connector-api.md §1.3). Domain code throws these; the
 * API edge renders them into the Elasticsearch envelope. docs/errors.md lists the same
 * entries (a test keeps the two in step).
 */

export interface ErrorCause {
  type: string;
  reason: string;
}

/**
 * Every kind of error the catalogue makes: its Elasticsearch `type` and HTTP status. The
 * factories below and `errorTypes` (docs/errors.md) are both read from this table, so a kind
 * cannot be thrown without being documented. How a kind travels over HTTP beyond the envelope
 * (a `WWW-Authenticate` or `Retry-After` header) is the API edge's decision (api/render.ts).
 */
export const errorKinds = {
  validation: { type: 'action_request_validation_exception', status: 400 },
  parse: { type: 'x_content_parse_exception', status: 400 },
  badBody: { type: 'parse_exception', status: 400 },
  illegalArgument: { type: 'illegal_argument_exception', status: 400 },
  status: { type: 'status_exception', status: 400 },
  noHandler: { type: 'no_handler_found_exception', status: 400 },
  authenticationFailed: { type: 'security_exception', status: 401 },
  forbidden: { type: 'security_exception', status: 403 },
  securityBadRequest: { type: 'security_exception', status: 400 },
  tooManyFailedLogins: { type: 'security_exception', status: 429 },
  rejectedExecution: { type: 'es_rejected_execution_exception', status: 429 },
  inFlightBreaker: { type: 'circuit_breaking_exception', status: 429 },
  diskFull: { type: 'cluster_block_exception', status: 429 },
  notFound: { type: 'resource_not_found_exception', status: 404 },
  unsupportedMediaType: { type: 'media_type_header_exception', status: 406 },
  conflict: { type: 'version_conflict_engine_exception', status: 409 },
  tooLarge: { type: 'content_too_long_exception', status: 413 },
  internal: { type: 'exception', status: 500 },
  unavailable: { type: 'unavailable_shards_exception', status: 503 },
  indexNotFound: { type: 'index_not_found_exception', status: 404 },
  scrollMissing: { type: 'search_context_missing_exception', status: 404 },
  tooManyScrolls: { type: 'too_many_scroll_contexts_exception', status: 429 },
  tooManyBuckets: { type: 'too_many_buckets_exception', status: 400 },
  resourceAlreadyExists: { type: 'resource_already_exists_exception', status: 400 },
  invalidIndexName: { type: 'invalid_index_name_exception', status: 400 },
  documentMissing: { type: 'document_missing_exception', status: 404 },
  documentParsing: { type: 'document_parsing_exception', status: 400 },
  parsing: { type: 'parsing_exception', status: 400 },
  queryShard: { type: 'query_shard_exception', status: 400 },
  mapperParsing: { type: 'mapper_parsing_exception', status: 400 },
  tooManyClauses: { type: 'too_many_clauses', status: 400 },
  tooManyNestedClauses: { type: 'too_many_nested_clauses', status: 400 },
  taskCancelled: { type: 'task_cancelled_exception', status: 400 },
} as const satisfies Record<string, { type: string; status: number }>;

export type ErrorKind = keyof typeof errorKinds;

export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly type: string;
  readonly status: number;
  readonly reason: string;
  readonly causedBy?: ErrorCause;
  readonly extra?: Record<string, unknown>;
  /** When the client may try again (failed-login lock-out); the edge renders it as `Retry-After`. */
  readonly retryAfterSeconds?: number;

  constructor(
    kind: ErrorKind,
    reason: string,
    opts: { causedBy?: ErrorCause; extra?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(reason);
    this.kind = kind;
    this.type = errorKinds[kind].type;
    this.status = errorKinds[kind].status;
    this.reason = reason;
    this.causedBy = opts.causedBy;
    this.extra = opts.extra;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** Elasticsearch's ByteSizeValue rendering: the largest unit, at most one decimal (`95.3mb`). */
export function byteSize(bytes: number): string {
  const units = ['b', 'kb', 'mb', 'gb', 'tb', 'pb'];
  let i = 0;
  while (i < units.length - 1 && bytes >= 1024 ** (i + 1)) i++;
  const v = Math.round((bytes / 1024 ** i) * 10) / 10;
  return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)}${units[i]}`;
}

/** The catalogue: one constructor per Elasticsearch error type used by Tributary. */
export const errors = {
  /** Request `validate()` failures: messages numbered as Elasticsearch prints them. */
  validation(messages: string[]): ApiError {
    const reason = 'Validation Failed: ' + messages.map((m, i) => `${i + 1}: ${m};`).join('');
    return new ApiError('validation', reason);
  },
  /** Body does not fit the request parser (unknown field, wrong JSON type, bad enum). */
  parse(reason: string, causedBy?: ErrorCause): ApiError {
    return new ApiError('parse', reason, { causedBy });
  },
  /** Malformed JSON or a missing body where one is required. */
  badBody(reason: string): ApiError {
    return new ApiError('badBody', reason);
  },
  illegalArgument(reason: string): ApiError {
    return new ApiError('illegalArgument', reason);
  },
  /** Business-rule violation (ElasticsearchStatusException with 400). */
  status(reason: string, causedBy?: ErrorCause): ApiError {
    return new ApiError('status', reason, { causedBy });
  },
  notFound(reason: string): ApiError {
    return new ApiError('notFound', reason);
  },
  conflict(reason: string): ApiError {
    return new ApiError('conflict', reason);
  },
  tooLarge(reason: string): ApiError {
    return new ApiError('tooLarge', reason);
  },
  unsupportedMediaType(reason: string): ApiError {
    return new ApiError('unsupportedMediaType', reason);
  },
  noHandler(reason: string): ApiError {
    return new ApiError('noHandler', reason);
  },
  forbidden(reason: string): ApiError {
    return new ApiError('forbidden', reason);
  },
  /** A request security refuses as malformed for the caller (an update under document-level security). */
  securityBadRequest(reason: string): ApiError {
    return new ApiError('securityBadRequest', reason);
  },
  /**
   * 401 for missing or failed credentials, with optional metadata such as
   * `additional_unsuccessful_credentials` (why an API key was refused). The edge adds the
   * `WWW-Authenticate` challenges (header and body) as Elasticsearch does.
   */
  authenticationFailed(reason: string, extra: Record<string, unknown> = {}): ApiError {
    return new ApiError('authenticationFailed', reason, { extra });
  },
  /** Too many failed logins for one user (or API key) from one address (docs/security.md). */
  tooManyFailedLogins(reason: string, retryAfterSeconds: number): ApiError {
    return new ApiError('tooManyFailedLogins', reason, { retryAfterSeconds });
  },
  /** A bounded queue is full (password checks, search threads): Elasticsearch's thread pool rejection. */
  rejectedExecution(reason: string): ApiError {
    return new ApiError('rejectedExecution', reason);
  },
  /**
   * Elasticsearch's `in_flight_requests` circuit breaker: the request bodies being received
   * and handled at once would exceed the process-wide budget (docs/api.md "Request bodies").
   */
  inFlightBreaker(wanted: number, limit: number): ApiError {
    return new ApiError(
      'inFlightBreaker',
      `[in_flight_requests] Data too large, data for [<http_request>] would be [${wanted}/${byteSize(wanted)}], which is larger than the limit of [${limit}/${byteSize(limit)}]`,
      { extra: { bytes_wanted: wanted, bytes_limit: limit, durability: 'TRANSIENT' } },
    );
  },
  /**
   * The disk (or the database's space) is full: 429 `cluster_block_exception`, what
   * Elasticsearch answers to writes past its flood-stage disk watermark (docs/errors.md).
   */
  diskFull(reason: string): ApiError {
    return new ApiError('diskFull', reason);
  },
  unavailable(reason: string): ApiError {
    return new ApiError('unavailable', reason);
  },
  internal(reason: string): ApiError {
    return new ApiError('internal', reason);
  },
  /** Embedded content index: the named index does not exist. */
  indexNotFound(index: string): ApiError {
    return new ApiError('indexNotFound', `no such index [${index}]`, {
      extra: { 'resource.type': 'index_or_alias', 'resource.id': index, index_uuid: '_na_', index },
    });
  },
  /** Embedded content index: a scroll id that is unknown, expired, cleared or another user's. */
  scrollMissing(id: string): ApiError {
    return new ApiError('scrollMissing', `No search context found for id [${id}]`);
  },
  /** Embedded content index: every scroll context is in use (`search.max_open_scroll_context`). */
  tooManyScrolls(reason: string): ApiError {
    return new ApiError('tooManyScrolls', reason);
  },
  tooManyBuckets(reason: string, maxBuckets: number): ApiError {
    return new ApiError('tooManyBuckets', reason, { extra: { max_buckets: maxBuckets } });
  },
  /** Embedded content index: index creation when the index exists. */
  resourceAlreadyExists(index: string, uuid: string): ApiError {
    return new ApiError('resourceAlreadyExists', `index [${index}/${uuid}] already exists`, {
      extra: { index_uuid: uuid, index },
    });
  },
  /** Embedded content index: a name that breaks Elasticsearch's index naming rules. */
  invalidIndexName(index: string, why: string): ApiError {
    return new ApiError('invalidIndexName', `Invalid index name [${index}], ${why}`, {
      extra: { index_uuid: '_na_', index },
    });
  },
  /** Embedded content index: partial update of a document that does not exist. */
  documentMissing(index: string, id: string): ApiError {
    return new ApiError('documentMissing', `[${id}]: document missing`, {
      extra: { index_uuid: '_na_', shard: '0', index },
    });
  },
  /** Embedded content index: a document value that does not fit the field's mapping. */
  documentParsing(reason: string): ApiError {
    return new ApiError('documentParsing', reason);
  },
  /** Embedded content index: a mapping definition that cannot be applied (unknown type, …). */
  mapperParsing(reason: string): ApiError {
    return new ApiError('mapperParsing', reason);
  },
  /** Embedded content index: a search body or query that cannot be parsed. */
  parsing(reason: string): ApiError {
    return new ApiError('parsing', reason);
  },
  /** Embedded content index: a query that parses but cannot run (bad value for a field type). */
  queryShard(reason: string): ApiError {
    return new ApiError('queryShard', reason);
  },
  /** Embedded content index: one `bool` with more clauses than `max_clause_count` (Lucene's check). */
  tooManyClauses(max: number): ApiError {
    return new ApiError('tooManyClauses', `maxClauseCount is set to ${max}`);
  },
  /** Embedded content index: a whole query with more clauses than `max_clause_count`. */
  tooManyNestedClauses(max: number): ApiError {
    return new ApiError('tooManyNestedClauses', `Query contains too many nested clauses; maxClauseCount is set to ${max}`);
  },
  /** Embedded content index: a read that ran past its hard time limit and was cancelled. */
  taskCancelled(reason: string): ApiError {
    return new ApiError('taskCancelled', `cancelled task with reason: ${reason}`);
  },
} as const;

/**
 * The 429 for an error that means "no space left" (issue 11 item 17), or null: SQLite's
 * `SQLITE_FULL` ("database or disk is full"), PostgreSQL's SQLSTATE 53100 `disk_full`, and
 * the file system's ENOSPC / EDQUOT. The reason names the cause, never a file's content.
 */
export function diskFullError(e: unknown): ApiError | null {
  if (e instanceof ApiError || typeof e !== 'object' || e === null) return null;
  const code = (e as { code?: unknown }).code;
  const retry = 'free disk space, then retry';
  if (code === 'SQLITE_FULL') return errors.diskFull(`database or disk is full (SQLITE_FULL): the write was not made; ${retry}`);
  if (code === '53100') {
    return errors.diskFull(`the PostgreSQL state store's disk is full (SQLSTATE 53100 disk_full: ${String((e as Error).message)}): the write was not made; ${retry}`);
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const what = code === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded';
    const syscall = typeof (e as { syscall?: unknown }).syscall === 'string' ? ` (${(e as { syscall: string }).syscall})` : '';
    return errors.diskFull(`${what} (${code})${syscall}: ${retry}`);
  }
  return null;
}

/** The distinct (type, status) pairs the catalogue can produce, for docs/errors.md. */
export const errorTypes: ReadonlyArray<readonly [string, number]> = [
  ...new Map(Object.values(errorKinds).map((k) => [`${k.type} ${k.status}`, [k.type, k.status] as const])).values(),
];
