/**
 * The `jira` source (docs/sources/jira.md): Jira Cloud, Server and Data Center projects, issues
 * (fields, comments, custom fields as text) and attachments (text through the extraction
 * service), with Elastic's document fields (render.ts), advanced rules as JQL queries, and
 * document-level security from project permissions and issue security levels (access.ts).
 *
 * Full sync: the projects, then every selected issue by key set (issues.ts); the runtime
 * deletes what was not written. Incremental sync: issues with `updated >=` the last sync's
 * latest update, to the minute (JQL's precision) minus a minute of overlap, dropping the ones
 * already indexed in that version. JQL cannot list deleted issues, so the run first compares
 * counts: if fewer issues match now than before plus those created since (`id >` the highest
 * id seen), something was deleted or moved out, and the run re-enumerates so the runtime
 * sweeps. Attachments removed from an issue are deletions read from its changelog.
 */
import { createHash } from 'node:crypto';
import type { ConfigValues, RulesValidation, Source, SourceDeletion, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { OPEN_POLICY, SourceError } from '../source.js';
import { accessControlDocuments } from './users.js';
import { createOrExplain } from '../shared/misconfigured-source.js';
import { ownSignal } from '../shared/object-store-sync.js';
import { atlassianMessage } from '../shared/atlassian/client.js';
import { withAccess } from '../shared/atlassian/identities.js';
import { parseQueryRules } from '../shared/atlassian/rules.js';
import { HttpStatusError } from '../shared/rate-limit.js';
import { JiraAccess } from './access.js';
import { JiraClient, type JiraProject } from './client.js';
import { jiraConfigSchema, readJiraSettings, type JiraSettings } from './config.js';
import { IssueWalker, MAX_BOUNDARY, WalkState } from './issues.js';
import { isoTime, projectDocument } from './render.js';
import { jqlMinute, pagedJql, quote, selectionJql, validateJiraRulesShape, withoutOrderBy } from './rules.js';

const PING_TIMEOUT_MS = 60_000;
const OVERLAP_MS = 60_000;
const MAX_CURSOR_PROJECTS = 5000;

interface Selection {
  base: string;
  advanced: boolean;
  hash: string;
}

/** What an incremental sync starts from (bounded: a few thousand keys at most). */
interface Cursor {
  version: 1;
  selection: string;
  max_id: number;
  updated: number;
  boundary: Record<string, string>;
  count: number;
  projects: string[] | null;
}

/** The stored cursor, or null when it is not one this version wrote (then the run starts over). */
function readCursor(c: Record<string, unknown> | null): Cursor | null {
  if (!c || c.version !== 1 || typeof c.selection !== 'string' || typeof c.count !== 'number' || typeof c.updated !== 'number') return null;
  if (!Number.isSafeInteger(c.max_id) || (c.max_id as number) < 0 || !Number.isFinite(c.updated) || !Number.isSafeInteger(c.count)) return null;
  const boundary: Record<string, string> = {};
  if (c.boundary && typeof c.boundary === 'object') {
    for (const [k, v] of Object.entries(c.boundary as Record<string, unknown>).slice(0, MAX_BOUNDARY)) if (typeof v === 'string' && k.length < 300) boundary[k] = v;
  }
  const projects = Array.isArray(c.projects) ? c.projects.filter((x): x is string => typeof x === 'string').slice(0, MAX_CURSOR_PROJECTS) : null;
  return { version: 1, selection: c.selection, max_id: c.max_id as number, updated: c.updated, boundary, count: c.count, projects };
}

class JiraSource implements Source {
  private readonly client: JiraClient;
  private readonly walker: IssueWalker;
  private last: Cursor | null = null;

  constructor(
    private readonly s: JiraSettings,
    policy: SourcePolicy,
  ) {
    this.client = new JiraClient(s, policy.allowedHosts);
    this.walker = new IssueWalker(s, this.client, policy);
  }

  async ping(): Promise<void> {
    await this.client.myself(AbortSignal.timeout(PING_TIMEOUT_MS));
  }

  private selection(ctx: SyncContext): Selection {
    const { messages } = validateJiraRulesShape(ctx.advancedRules);
    if (messages.length) throw new SourceError(`Invalid advanced sync rules: ${messages.join('; ')}`);
    const { queries } = parseQueryRules(ctx.advancedRules, 'JQL');
    const base = selectionJql(this.s.projects, queries);
    const key = JSON.stringify([this.s.url.href, this.s.deployment, this.s.projects, queries, this.s.dls]);
    return { base, advanced: queries.length > 0, hash: createHash('sha1').update(key).digest('base64url').slice(0, 16) };
  }

  private access(ctx: SyncContext): JiraAccess | null {
    return this.s.dls ? new JiraAccess(this.client, ctx.signal) : null;
  }

  /** The configured projects (each checked to exist), or every project. */
  private async *projects(ctx: SyncContext): AsyncGenerator<JiraProject> {
    if (this.s.projects[0] === '*') {
      for await (const page of this.client.allProjects(ctx.signal)) yield* page;
      return;
    }
    for (const key of this.s.projects) yield await this.client.project(key, ctx.signal);
  }

  private async *projectDocs(ctx: SyncContext, access: JiraAccess | null, ids: string[]): AsyncGenerator<SourceDocument> {
    const now = new Date().toISOString();
    for await (const p of this.projects(ctx)) {
      const doc = projectDocument(p, now);
      if (ids.length < MAX_CURSOR_PROJECTS) ids.push(doc._id);
      yield access ? withAccess(doc, await access.project(p.key)) : doc;
    }
  }

  /** Everything selected; leaves the cursor of the next incremental sync in `this.last`. */
  private async *enumerate(ctx: SyncContext, sel: Selection): AsyncGenerator<SourceDocument> {
    const access = this.access(ctx);
    const projects: string[] = [];
    if (!sel.advanced) yield* this.projectDocs(ctx, access, projects);
    const state = new WalkState();
    yield* this.walker.walk(sel.base, state, access, ctx);
    const count = await this.client.count(pagedJql(sel.base), ctx.signal);
    this.last = { version: 1, selection: sel.hash, max_id: state.maxId, updated: state.maxUpdated, boundary: state.boundaryRecord(), count, projects: sel.advanced ? null : projects };
  }

  /** The sync's context with a signal of its own: up to 4 requests per issue in flight listen to it. */
  private own(ctx: SyncContext): SyncContext {
    return ownSignal(ctx, this.s.concurrentDownloads * 4 + 16);
  }

  async *getDocs(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    ctx = this.own(ctx);
    yield* this.enumerate(ctx, this.selection(ctx));
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.last ? { ...this.last } : null;
  }

  /** A complete enumeration in place of an incremental one: the runtime then sweeps. */
  private async *restart(ctx: SyncContext, sel: Selection, why: string): AsyncGenerator<SourceDocument> {
    ctx.log.info(`jira: ${why}: re-enumerating so the runtime applies deletions`);
    ctx.completeEnumeration?.();
    yield* this.enumerate(ctx, sel);
  }

  async *getDocsIncrementally(ctx: SyncContext): AsyncGenerator<SourceDocument | SourceDeletion, Record<string, unknown>> {
    ctx = this.own(ctx);
    const sel = this.selection(ctx);
    const c = readCursor(ctx.syncCursor);
    if (!c || c.selection !== sel.hash) {
      yield* this.restart(ctx, sel, c ? 'the projects, rules or settings changed since the previous sync' : 'no usable cursor');
      return { ...this.last! };
    }
    // JQL lists no deleted issues: compare counts first (issues now vs before + created since).
    const now = await this.client.count(pagedJql(sel.base), ctx.signal);
    const added = await this.client.count(pagedJql(sel.base, `id > ${c.max_id}`), ctx.signal);
    if (now < c.count + added) {
      yield* this.restart(ctx, sel, `${c.count + added - now} issues deleted or moved out since the previous sync`);
      return { ...this.last! };
    }
    const access = this.access(ctx);
    const projects: string[] = [];
    if (!sel.advanced) {
      yield* this.projectDocs(ctx, access, projects);
      const live = new Set(projects);
      if (c.projects && projects.length < MAX_CURSOR_PROJECTS) for (const id of c.projects) if (!live.has(id)) yield { _id: id, deleted: true };
    }
    const state = new WalkState({ maxId: c.max_id, maxUpdated: c.updated, boundary: c.boundary });
    const since = new Date(Math.max(0, c.updated - OVERLAP_MS));
    const tz = String((await this.client.myself(ctx.signal)).timeZone ?? 'UTC');
    const gone: SourceDeletion[] = [];
    const prev = new WalkState({ maxId: c.max_id, maxUpdated: c.updated, boundary: c.boundary });
    yield* this.walker.walk(sel.base, state, access, ctx, {
      clause: c.updated > 0 ? `updated >= ${quote(jqlMinute(since, tz))}` : undefined,
      skip: (issue) => prev.seen(issue),
      onIssue: (issue) => {
        for (const h of issue.changelog?.histories ?? []) {
          const at = Date.parse(isoTime(h.created) ?? '');
          if (!(at >= since.getTime())) continue;
          for (const it of h.items ?? []) if (it.field === 'Attachment' && it.from && !it.to && gone.length < 10_000) gone.push({ _id: `${issue.key}-${it.from}`, deleted: true });
        }
      },
    });
    yield* gone;
    const count = await this.client.count(pagedJql(sel.base), ctx.signal);
    this.last = { version: 1, selection: sel.hash, max_id: state.maxId, updated: state.maxUpdated, boundary: state.boundaryRecord(), count, projects: sel.advanced ? null : projects };
    await ctx.checkpoint({ ...this.last });
    return { ...this.last };
  }

  getAccessControl(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    return accessControlDocuments(this.client, this.s.dls, ctx);
  }

  /** Shape first; then each query is run once on the server (maxResults 0), which judges the JQL. */
  async validateAdvancedRules(rules: unknown): Promise<RulesValidation> {
    const shape = validateJiraRulesShape(rules);
    if (!shape.valid) return shape;
    const { queries } = parseQueryRules(rules, 'JQL');
    const messages: string[] = [];
    const signal = AbortSignal.timeout(PING_TIMEOUT_MS);
    for (const [i, q] of queries.entries()) {
      try {
        await this.client.count(withoutOrderBy(q) || 'ORDER BY id', signal);
      } catch (err) {
        const cause = err instanceof SourceError ? err.options.cause : undefined;
        if (cause instanceof HttpStatusError && cause.status === 400) messages.push(`Rule ${i + 1}: Jira rejects the JQL: ${atlassianMessage(cause.body) || 'HTTP 400'}`);
        else throw err;
      }
    }
    return { valid: messages.length === 0, messages };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

export const jiraSource: SourceFactory = {
  serviceType: 'jira',
  displayName: 'Jira',
  configSchema: jiraConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: true,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    return createOrExplain(() => new JiraSource(readJiraSettings(config), policy), {
      validateRules: validateJiraRulesShape,
      accessControl: true,
    });
  },
};
