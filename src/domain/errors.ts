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

export class ApiError extends Error {
  readonly type: string;
  readonly status: number;
  readonly reason: string;
  readonly causedBy?: ErrorCause;
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    type: string,
    status: number,
    reason: string,
    opts: { causedBy?: ErrorCause; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(reason);
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.causedBy = opts.causedBy;
    this.extra = opts.extra;
    this.headers = opts.headers;
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
    return new ApiError('action_request_validation_exception', 400, reason);
  },
  /** Body does not fit the request parser (unknown field, wrong JSON type, bad enum). */
  parse(reason: string, causedBy?: ErrorCause): ApiError {
    return new ApiError('x_content_parse_exception', 400, reason, { causedBy });
  },
  /** Malformed JSON or a missing body where one is required. */
  badBody(reason: string): ApiError {
    return new ApiError('parse_exception', 400, reason);
  },
  illegalArgument(reason: string): ApiError {
    return new ApiError('illegal_argument_exception', 400, reason);
  },
  /** Business-rule violation (ElasticsearchStatusException with 400). */
  status(reason: string, causedBy?: ErrorCause): ApiError {
    return new ApiError('status_exception', 400, reason, { causedBy });
  },
  notFound(reason: string): ApiError {
    return new ApiError('resource_not_found_exception', 404, reason);
  },
  conflict(reason: string): ApiError {
    return new ApiError('version_conflict_engine_exception', 409, reason);
  },
  tooLarge(reason: string): ApiError {
    return new ApiError('content_too_long_exception', 413, reason);
  },
  unsupportedMediaType(reason: string): ApiError {
    return new ApiError('media_type_header_exception', 406, reason);
  },
  methodNotAllowed(reason: string, allowed: string[]): ApiError {
    return new ApiError('method_not_allowed', 405, reason, { headers: { allow: allowed.join(',') } });
  },
  noHandler(reason: string): ApiError {
    return new ApiError('no_handler_found_exception', 400, reason);
  },
  unauthenticated(reason: string): ApiError {
    return new ApiError('security_exception', 401, reason, {
      headers: { 'www-authenticate': 'Basic realm="security", charset="UTF-8", ApiKey' },
    });
  },
  forbidden(reason: string): ApiError {
    return new ApiError('security_exception', 403, reason);
  },
  /**
   * 401 as Elasticsearch renders it for failed credentials: the `WWW-Authenticate` challenges
   * in the header and in the body, plus optional metadata such as
   * `additional_unsuccessful_credentials` (why an API key was refused).
   */
  authenticationFailed(reason: string, extra: Record<string, unknown> = {}): ApiError {
    const challenges = ['Basic realm="security", charset="UTF-8"', 'ApiKey'];
    return new ApiError('security_exception', 401, reason, {
      extra: { ...extra, header: { 'WWW-Authenticate': challenges } },
      headers: { 'www-authenticate': challenges.join(', ') },
    });
  },
  /** Too many failed logins for one user (or API key) from one address (docs/security.md). */
  tooManyFailedLogins(reason: string, retryAfterSeconds: number): ApiError {
    return new ApiError('security_exception', 429, reason, { headers: { 'retry-after': String(retryAfterSeconds) } });
  },
  /**
   * A bounded queue of work is full (Elasticsearch's thread-pool rejection): password checks
   * beyond `security.password_checks` (docs/security.md).
   */
  /** A bounded queue is full (password checks, search threads): Elasticsearch's thread pool rejection. */
  rejectedExecution(reason: string): ApiError {
    return new ApiError('es_rejected_execution_exception', 429, reason);
  },
  /**
   * Elasticsearch's `in_flight_requests` circuit breaker: the request bodies being received
   * and handled at once would exceed the process-wide budget (docs/api.md "Request bodies").
   */
  inFlightBreaker(wanted: number, limit: number): ApiError {
    return new ApiError(
      'circuit_breaking_exception',
      429,
      `[in_flight_requests] Data too large, data for [<http_request>] would be [${wanted}/${byteSize(wanted)}], which is larger than the limit of [${limit}/${byteSize(limit)}]`,
      { extra: { bytes_wanted: wanted, bytes_limit: limit, durability: 'TRANSIENT' } },
    );
  },
  /**
   * The disk (or the database's space) is full: 429 `cluster_block_exception`, what
   * Elasticsearch answers to writes past its flood-stage disk watermark (docs/errors.md).
   */
  diskFull(reason: string): ApiError {
    return new ApiError('cluster_block_exception', 429, reason);
  },
  unavailable(reason: string): ApiError {
    return new ApiError('unavailable_shards_exception', 503, reason);
  },
  internal(reason: string): ApiError {
    return new ApiError('exception', 500, reason);
  },
  /** Embedded content index: the named index does not exist. */
  indexNotFound(index: string): ApiError {
    return new ApiError('index_not_found_exception', 404, `no such index [${index}]`, {
      extra: { 'resource.type': 'index_or_alias', 'resource.id': index, index_uuid: '_na_', index },
    });
  },
  /** Embedded content index: a scroll id that is unknown, expired, cleared or another user's. */
  scrollMissing(id: string): ApiError {
    return new ApiError('search_context_missing_exception', 404, `No search context found for id [${id}]`);
  },
  /** Embedded content index: every scroll context is in use (`search.max_open_scroll_context`). */
  tooManyScrolls(reason: string): ApiError {
    return new ApiError('too_many_scroll_contexts_exception', 429, reason);
  },
  /** Embedded content index: index creation when the index exists. */
  resourceAlreadyExists(index: string, uuid: string): ApiError {
    return new ApiError('resource_already_exists_exception', 400, `index [${index}/${uuid}] already exists`, {
      extra: { index_uuid: uuid, index },
    });
  },
  /** Embedded content index: a name that breaks Elasticsearch's index naming rules. */
  invalidIndexName(index: string, why: string): ApiError {
    return new ApiError('invalid_index_name_exception', 400, `Invalid index name [${index}], ${why}`, {
      extra: { index_uuid: '_na_', index },
    });
  },
  /** Embedded content index: partial update of a document that does not exist. */
  documentMissing(index: string, id: string): ApiError {
    return new ApiError('document_missing_exception', 404, `[${id}]: document missing`, {
      extra: { index_uuid: '_na_', shard: '0', index },
    });
  },
  /** Embedded content index: a document value that does not fit the field's mapping. */
  documentParsing(reason: string): ApiError {
    return new ApiError('document_parsing_exception', 400, reason);
  },
  /** Embedded content index: a mapping definition that cannot be applied (unknown type, …). */
  mapperParsing(reason: string): ApiError {
    return new ApiError('mapper_parsing_exception', 400, reason);
  },
  /** Embedded content index: a search body or query that cannot be parsed. */
  parsing(reason: string): ApiError {
    return new ApiError('parsing_exception', 400, reason);
  },
  /** Embedded content index: a query that parses but cannot run (bad value for a field type). */
  queryShard(reason: string): ApiError {
    return new ApiError('query_shard_exception', 400, reason);
  },
  /** Embedded content index: one `bool` with more clauses than `max_clause_count` (Lucene's check). */
  tooManyClauses(max: number): ApiError {
    return new ApiError('too_many_clauses', 400, `maxClauseCount is set to ${max}`);
  },
  /** Embedded content index: a whole query with more clauses than `max_clause_count`. */
  tooManyNestedClauses(max: number): ApiError {
    return new ApiError('too_many_nested_clauses', 400, `Query contains too many nested clauses; maxClauseCount is set to ${max}`);
  },
  /** Embedded content index: a read that ran past its hard time limit and was cancelled. */
  taskCancelled(reason: string): ApiError {
    return new ApiError('task_cancelled_exception', 400, `cancelled task with reason: ${reason}`);
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

/** The error types the catalogue can produce, for docs/errors.md. */
export const errorTypes = [
  ['search_context_missing_exception', 404],
  ['too_many_scroll_contexts_exception', 429],
  ['action_request_validation_exception', 400],
  ['x_content_parse_exception', 400],
  ['parse_exception', 400],
  ['illegal_argument_exception', 400],
  ['status_exception', 400],
  ['no_handler_found_exception', 400],
  ['security_exception', 401],
  ['security_exception', 403],
  ['security_exception', 429],
  ['es_rejected_execution_exception', 429],
  ['circuit_breaking_exception', 429],
  ['cluster_block_exception', 429],
  ['resource_not_found_exception', 404],
  ['method_not_allowed', 405],
  ['media_type_header_exception', 406],
  ['version_conflict_engine_exception', 409],
  ['content_too_long_exception', 413],
  ['exception', 500],
  ['unavailable_shards_exception', 503],
  ['index_not_found_exception', 404],
  ['resource_already_exists_exception', 400],
  ['invalid_index_name_exception', 400],
  ['document_missing_exception', 404],
  ['document_parsing_exception', 400],
  ['parsing_exception', 400],
  ['query_shard_exception', 400],
  ['mapper_parsing_exception', 400],
  ['too_many_clauses', 400],
  ['too_many_nested_clauses', 400],
  ['task_cancelled_exception', 400],
] as const;
