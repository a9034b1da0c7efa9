/**
 * The `confluence` source (docs/sources/confluence.md): spaces, pages, blog posts, comments and
 * attachments of Confluence Cloud, Server and Data Center, with Elastic's document fields
 * (documents.ts), text through the extraction service, document-level security from space
 * permissions and page restrictions (access.ts), and Elastic's service type and configuration
 * (config.ts, shared/atlassian/).
 *
 *   full sync    — every configured space walked (walk.ts), or the hits of each advanced
 *                  rule's CQL query (rules.ts); the runtime's sweep removes what is gone.
 *   incremental  — one CQL search of content modified since the cursor's floor (cursor.ts:
 *                  minute precision, overlap, versions seen skipped), plus spaces created since;
 *                  deletions wait for the next full sync (CQL does not list deleted content).
 *   access control — one identity document per user, with the user's groups.
 */
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import type { ConfigValues, RulesValidation, Source, SourceDeletion, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { OPEN_POLICY, SourceError } from '../source.js';
import { createOrExplain } from '../shared/misconfigured-source.js';
import { mapOrdered } from '../shared/parallel.js';
import { userDocument } from './access.js';
import { ConfluenceApi, type CUser } from './client.js';
import { confluenceConfigSchema, readConfluenceSettings, type ConfluenceSettings } from './config.js';
import { cqlMinute, readCursor, scopeOf, SeenWindow, type ConfluenceCursor } from './cursor.js';
import { changedSince, parseCqlRules } from './rules.js';
import { ContentReader, cqlString, spaceMark } from './walk.js';

const PING_TIMEOUT_MS = 60_000;
/** Users whose groups are read at once during an access-control sync. */
const USER_CONCURRENCY = 8;

export interface ConfluenceOptions {
  /** Retry steps of the HTTP client (tests shorten them). */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
}

class ConfluenceSource implements Source {
  private readonly api: ConfluenceApi;
  private readonly reader: ContentReader;
  private lastCursor: ConfluenceCursor | null = null;

  constructor(
    private readonly s: ConfluenceSettings,
    policy: SourcePolicy,
    o: ConfluenceOptions,
  ) {
    this.api = new ConfluenceApi(s, policy.allowedHosts, o.backoff);
    this.reader = new ContentReader(this.api, s, { maxFileSize: s.maxFileSize, timeoutMs: policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS });
  }

  async ping(): Promise<void> {
    const signal = AbortSignal.timeout(PING_TIMEOUT_MS);
    await this.api.ping(signal);
    if (this.s.spaces[0] !== '*') for await (const _ of this.api.spaces(signal)) void _;
  }

  private rules(ctx: SyncContext): string[] {
    const { queries, messages } = parseCqlRules(ctx.advancedRules);
    if (messages.length) throw new SourceError(`Invalid advanced sync rules: ${messages.join(' ')}`);
    return queries;
  }

  private scope(rules: string[]): string {
    return scopeOf([this.s.spaces, rules, this.s.dls, this.s.indexLabels, this.s.url.href]);
  }

  async *getDocs(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const rules = this.rules(ctx);
    const window = new SeenWindow(Date.now());
    const track = { known: () => false, note: (id: string, when: string | undefined) => window.note(id, when) };
    if (rules.length) {
      for (const [i, q] of rules.entries()) yield* this.reader.search(q, ctx, track, `running advanced rule ${i + 1} (${q.slice(0, 200)})`);
    } else {
      for await (const sp of this.api.spaces(ctx.signal)) yield* this.reader.walkSpace(sp, ctx, track);
    }
    this.lastCursor = window.cursor(this.scope(rules));
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.lastCursor as Record<string, unknown> | null;
  }

  async *getDocsIncrementally(ctx: SyncContext): AsyncGenerator<SourceDocument | SourceDeletion, Record<string, unknown>> {
    const rules = this.rules(ctx);
    const scope = this.scope(rules);
    const cursor = readCursor(ctx.syncCursor, scope);
    if (!cursor) {
      ctx.log.info('confluence: no cursor for these spaces and rules: enumerating everything');
      ctx.completeEnumeration?.();
      yield* this.getDocs(ctx);
      return this.lastCursor as unknown as Record<string, unknown>;
    }
    const startedAt = Date.now();
    const window = new SeenWindow(startedAt, cursor.seen);
    const since = Date.parse(cursor.since);
    const tz = await this.api.timeZone(ctx.signal);
    const at = cqlMinute(since, tz);
    if (rules.length) {
      for (const [i, q] of rules.entries()) yield* this.reader.search(changedSince(q, at), ctx, window, `reading changes of advanced rule ${i + 1}`);
    } else {
      for await (const sp of this.api.spaces(ctx.signal)) {
        const created = sp.history?.createdDate;
        if (Date.parse(created ?? '') >= since && !window.known(spaceMark(sp), created)) yield this.reader.spaceDocument(sp);
        window.note(spaceMark(sp), created);
      }
      const scopeCql = this.s.spaces[0] === '*' ? '' : `space in (${this.s.spaces.map(cqlString).join(', ')}) AND `;
      const cql = `${scopeCql}type in (page, blogpost, comment, attachment) AND lastmodified >= "${at}" ORDER BY lastmodified asc`;
      yield* this.reader.search(cql, ctx, window, 'reading the content changed since the last sync');
    }
    const next = window.cursor(scope) as unknown as Record<string, unknown>;
    await ctx.checkpoint(next);
    return next;
  }

  async *getAccessControl(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    if (!this.s.dls) {
      ctx.log.warn('confluence: [use_document_level_security] is off: no access-control documents');
      return;
    }
    const flat = async function* (pages: AsyncIterable<CUser[]>) {
      for await (const p of pages) yield* p;
    };
    const people = async function* (users: AsyncIterable<CUser>) {
      for await (const u of users) if (u.type === undefined || u.type === 'known') yield u;
    };
    const docs = mapOrdered(people(flat(this.api.users(ctx.signal))), USER_CONCURRENCY, async (u) => userDocument(u, await this.api.groupsOf(u, ctx.signal), this.s.deployment));
    for await (const d of docs) if (d) yield d;
  }

  async validateAdvancedRules(value: unknown): Promise<RulesValidation> {
    return validateConfluenceRules(value, (q, signal) => this.api.checkCql(q, signal));
  }

  async close(): Promise<void> {
    this.api.close();
  }
}

/** Shape, then (when `check` is given) Confluence's own parse of each query. */
export async function validateConfluenceRules(value: unknown, check?: (cql: string, signal: AbortSignal) => Promise<string | null>): Promise<RulesValidation> {
  const { queries, messages } = parseCqlRules(value);
  if (check && messages.length === 0) {
    const signal = AbortSignal.timeout(PING_TIMEOUT_MS);
    for (const [i, q] of queries.entries()) {
      const err = await check(q, signal);
      if (err) messages.push(`Rule ${i + 1}: Confluence does not accept the CQL query: ${err}`);
    }
  }
  return { valid: messages.length === 0, messages };
}

export function createConfluenceSource(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY, o: ConfluenceOptions = {}): Source {
  return createOrExplain(() => new ConfluenceSource(readConfluenceSettings(config), policy, o), {
    validateRules: (rules) => {
      const { messages } = parseCqlRules(rules);
      return { valid: messages.length === 0, messages };
    },
    accessControl: true,
  });
}

export const confluenceSource: SourceFactory = {
  serviceType: 'confluence',
  displayName: 'Confluence',
  configSchema: confluenceConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: true,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    return createConfluenceSource(config, policy);
  },
};
