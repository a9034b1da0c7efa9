/**
 * The source contract (runtime.md "Protocol", architecture.md `sources/`). A source turns a
 * connector's configuration into a stream of documents. Every `service_type` folder under
 * `sources/` exports one `SourceFactory` from its `datasource.ts`; `sources/registry.ts` maps
 * service types to factories. All third-party I/O lives in the folder's `client.ts`.
 *
 * Shapes follow Elasticsearch's connector documents: the configuration schema is a map of
 * configuration entries (connector-api.md §3.4), sync rules are the connector's active
 * filtering (§3.3); both are declared in domain/connector/.
 */
import type { Configuration } from '../domain/connector/document.js';
import type { BasicRule } from '../domain/connector/filtering.js';
import type { Logger } from '../domain/shared/logger.js';
import { GENERATION_FIELD } from '../domain/sync-job/document.js';

/** Configuration values by key, as read from `configuration.<key>.value` (default_value when null). */
export type ConfigValues = Record<string, unknown>;

/** A document as a source yields it. `_id` is stable across syncs; other keys are fields. */
export interface SourceDocument {
  _id: string;
  /** ISO-8601 last-modified time, when the source knows it. */
  _timestamp?: string;
  [field: string]: unknown;
}

/**
 * Fields the runtime sets on every indexed document (`_id` → bulk id and `id`, `_timestamp`,
 * the mark-and-sweep generation stamp). A source never uses them for its own data: a database
 * column of that name is renamed (docs/sources/postgresql.md "Documents"), and the runtime's
 * values win over anything a source yields under `id`.
 */
export const RESERVED_FIELDS: readonly string[] = Object.freeze(['_id', 'id', '_timestamp', GENERATION_FIELD]);

/** A deletion seen by an incremental sync. */
export interface SourceDeletion {
  _id: string;
  deleted: true;
}

/** What the runtime hands a source for one sync. */
export interface SyncContext {
  /** Aborted on cancellation, SIGTERM, or a failure elsewhere in the pipeline. */
  signal: AbortSignal;
  /** Active advanced rules (`filtering.active.advanced_snippet.value`), `{}` when none. */
  advancedRules: unknown;
  /** Active basic rules, ordered by `order`; the runtime applies them too, sources may push them down. */
  basicRules: BasicRule[];
  /** Cursor of the last successful (or checkpointed) sync; null on the first one. */
  syncCursor: Record<string, unknown> | null;
  /** Persist an intermediate cursor (checkpoint) so a suspended job can resume. */
  checkpoint(cursor: Record<string, unknown>): Promise<void>;
  log: Logger;
  /**
   * The connector's ingest pipeline settings (connector-api.md §3.7). Sources that extract
   * text from binary files honour `extract_binary_content`; the runtime applies
   * `reduce_whitespace`. Absent pipeline = both true (Kibana's defaults).
   */
  pipeline?: { extract_binary_content: boolean; reduce_whitespace: boolean };
  /**
   * Records a per-document failure the source noticed (a file over the size limit, an
   * unreadable file, text extraction that failed). The runtime counts it and lists it, with
   * the reason, in the job's `metadata`; it does not fail the job.
   */
  reportFailure?(id: string, reason: string): void;
  /**
   * Records a document a basic sync rule excluded before the source yielded it (a source that
   * applies the rules itself, e.g. on metadata before reading content). The runtime counts it
   * as skipped, as it counts the documents it excludes itself.
   */
  reportSkipped?(id: string): void;
  /**
   * An incremental run calls this when it yields every live document after all (it could not
   * tell deletions apart and re-enumerated). After a successful run the runtime then deletes
   * documents this run did not write, as after a full sync.
   */
  completeEnumeration?(): void;
}

/** Result of validating advanced rules (draft filtering). */
export interface RulesValidation {
  valid: boolean;
  /** Messages shown to the user when invalid; each says which rule and why. */
  messages: string[];
}

/** An error a source raises with a message a user can act on (which setting, which table). */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly options: { transient?: boolean; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * A SourceError about the connector's configuration itself (a missing or invalid field, a folder
 * outside the allowed roots): nothing was contacted, so the connector's error says "Invalid …
 * configuration", not "cannot connect" (issue 12 item 10).
 */
export class SourceConfigError extends SourceError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'SourceConfigError';
  }
}

/** What a factory's create() caught while reading the configuration, as a SourceConfigError. */
export function configurationError(err: unknown): SourceConfigError {
  return err instanceof SourceConfigError ? err : new SourceConfigError((err as Error)?.message ?? String(err), { cause: err });
}

export interface Source {
  /** Checks that the source is reachable with the configuration; throws SourceError if not. */
  ping(): Promise<void>;
  /** Full enumeration. Must stream: memory may not grow with the source's size. */
  getDocs(ctx: SyncContext): AsyncIterable<SourceDocument>;
  /**
   * Documents changed since `ctx.syncCursor` (and deletions, when the source sees them).
   * Returns the new cursor through `ctx.checkpoint` and as the generator's return value.
   */
  getDocsIncrementally?(ctx: SyncContext): AsyncGenerator<SourceDocument | SourceDeletion, Record<string, unknown> | void>;
  /** Cursor to store after a successful full sync (so the next incremental starts there). */
  cursorAfterFullSync?(): Record<string, unknown> | null;
  /** Access-control documents for `.search-acl-filter-<index>`. */
  getAccessControl?(ctx: SyncContext): AsyncIterable<SourceDocument>;
  /** Validates `advanced_snippet.value` of a draft; sources without advanced rules omit it. */
  validateAdvancedRules?(rules: unknown): Promise<RulesValidation>;
  close(): Promise<void>;
}

/**
 * What the operator allows sources to reach (the config file's `sources` section,
 * docs/security.md "Threat model"). A connector manager chooses a connector's configuration;
 * the operator bounds it here. `null` = unrestricted.
 */
export interface SourcePolicy {
  /** Folders (absolute, symlinks resolved) a `directory` connector may read below; `[]` = none. */
  directoryRoots: string[] | null;
  /** Host names, addresses or CIDR blocks network sources may connect to. */
  allowedHosts: string[] | null;
  /** Upper bound of a directory connector's `max_file_size` (bytes); absent = 64 MiB. */
  directoryMaxFileSize?: number;
  /** Time budget of text extraction per document (ms); absent = 30 s. */
  extractTimeoutMs?: number;
}

/** No restriction: security off, loopback only (the quick start). */
export const OPEN_POLICY: SourcePolicy = Object.freeze({ directoryRoots: null, allowedHosts: null });

export interface SourceFactory {
  serviceType: string;
  /** Human name, e.g. "PostgreSQL". */
  displayName: string;
  /** Configuration schema registered on connectors whose configuration is empty. */
  configSchema(): Configuration;
  features: {
    incremental_sync: boolean;
    document_level_security: boolean;
    sync_rules: { basic: boolean; advanced: boolean };
  };
  /** `policy` bounds what the configuration may reach; absent = OPEN_POLICY. */
  create(config: ConfigValues, policy?: SourcePolicy): Source;
}

/** Reads `value` of each entry, falling back to `default_value`. */
export function configValues(configuration: Record<string, { value?: unknown; default_value?: unknown }>): ConfigValues {
  const out: ConfigValues = {};
  for (const [k, e] of Object.entries(configuration ?? {})) {
    out[k] = e?.value ?? e?.default_value ?? null;
  }
  return out;
}
