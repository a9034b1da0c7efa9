/**
 * What a cluster sink needs from an Elasticsearch-compatible client: the five calls below.
 * `elasticsearch.ts` and `opensearch.ts` implement it with the official clients (their
 * retries switched off, so `retry.ts` alone decides); errors are thrown as the client throws
 * them and classified by `retry.ts` / `errors.ts`.
 */

export interface BulkResponseItem {
  status: number;
  error?: unknown;
  result?: string;
}

export interface BulkResponseBody {
  errors?: boolean;
  items: Array<Record<string, BulkResponseItem>>;
}

export interface DeleteByQueryBody {
  deleted?: number;
  timed_out?: boolean;
  version_conflicts?: number;
  failures?: unknown[];
}

export interface ClusterApi {
  /** "Elasticsearch at https://es1:9200" — used in messages. */
  readonly describe: string;
  indexExists(index: string): Promise<boolean>;
  createIndex(index: string, body: { settings?: Record<string, unknown>; mappings: Record<string, unknown> }): Promise<void>;
  /** `POST /_bulk` with the given ndjson lines (and `?pipeline=` when set). */
  bulk(lines: string[], pipeline?: string): Promise<BulkResponseBody>;
  /** `POST /<index>/_delete_by_query?conflicts=proceed&refresh=true` with `{query}`. */
  deleteByQuery(index: string, query: Record<string, unknown>): Promise<DeleteByQueryBody>;
  refresh(index: string): Promise<void>;
  close(): Promise<void>;
}
