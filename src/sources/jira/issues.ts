/**
 * The issue walk of the `jira` source: JQL pages by key set (rules.ts), each issue completed
 * (comments past those the search embeds, its readers under DLS) and turned into its document
 * and its attachments' documents — attachment text through the one extraction service, within
 * a process-wide byte budget — `concurrent_downloads` issues at a time, in order, one search
 * page held. The walk keeps what the next incremental sync needs: the highest issue id, the
 * latest `updated`, and the issues updated in its last minutes (to drop repeats of the
 * overlap).
 */
import { Budget } from '../../extraction/budget.js';
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import { withAccess } from '../shared/atlassian/identities.js';
import { wantsContent, withObjectText } from '../shared/object-store-content.js';
import { mapOrdered } from '../shared/parallel.js';
import { HttpStatusError } from '../shared/rate-limit.js';
import { SourceError, type SourceDocument, type SourcePolicy, type SyncContext } from '../source.js';
import type { JiraAccess } from './access.js';
import type { JiraClient, Json, JiraIssue } from './client.js';
import type { JiraSettings } from './config.js';
import { attachmentDocument, attachmentsOf, isoTime, issueDocument } from './render.js';
import { pagedJql } from './rules.js';

/** Bytes of attachment content held at once by every jira sync of the process. */
export const READ_BUDGET = new Budget(128 * 1024 * 1024);
/** Comments read per issue; more are left out (and reported). */
export const MAX_COMMENTS = 5000;
/** Issues remembered from the end of a walk to drop repeats of the next overlap. */
export const MAX_BOUNDARY = 5000;
/** How far back of the latest `updated` an issue is remembered (the overlap is one minute). */
export const BOUNDARY_MS = 2 * 60_000;

export class WalkState {
  maxId = 0;
  maxUpdated = 0;
  /** Issue key → its `updated` (ISO), for issues updated within BOUNDARY_MS of maxUpdated. */
  boundary = new Map<string, string>();

  constructor(prev?: { maxId: number; maxUpdated: number; boundary: Record<string, string> }) {
    if (prev) {
      this.maxId = prev.maxId;
      this.maxUpdated = prev.maxUpdated;
      for (const [k, v] of Object.entries(prev.boundary)) this.boundary.set(k, v);
    }
  }

  see(issue: JiraIssue): void {
    const id = Number(issue.id);
    if (id > this.maxId) this.maxId = id;
    const iso = isoTime(issue.fields.updated);
    if (!iso) return;
    const t = Date.parse(iso);
    if (t > this.maxUpdated) this.maxUpdated = t;
    if (t < this.maxUpdated - BOUNDARY_MS) return;
    if (this.boundary.size >= MAX_BOUNDARY) this.prune(); // amortised: at most once per MAX_BOUNDARY additions
    if (this.boundary.size < MAX_BOUNDARY) this.boundary.set(issue.key, iso);
  }

  /** Drops the issues updated before the last BOUNDARY_MS. */
  prune(): void {
    for (const [k, v] of this.boundary) if (Date.parse(v) < this.maxUpdated - BOUNDARY_MS) this.boundary.delete(k);
  }

  /** The boundary for a cursor, pruned. */
  boundaryRecord(): Record<string, string> {
    this.prune();
    return Object.fromEntries(this.boundary);
  }

  /** Whether the previous walk already indexed this very version of the issue. */
  seen(issue: JiraIssue): boolean {
    const iso = isoTime(issue.fields.updated);
    return iso !== undefined && this.boundary.get(issue.key) === iso;
  }
}

export interface WalkOptions {
  /** Extra JQL clause (the incremental window). */
  clause?: string;
  /** Issues to leave out (already indexed in this version). */
  skip?: (issue: JiraIssue) => boolean;
  /** Told of every issue read (attachment deletions of incremental syncs). */
  onIssue?: (issue: JiraIssue) => void;
}

export class IssueWalker {
  constructor(
    private readonly s: JiraSettings,
    private readonly client: JiraClient,
    private readonly policy: SourcePolicy,
  ) {}

  /**
   * Issues matching `base` (and `o.clause`), page by page, by id. The next page is asked for as
   * soon as a page arrives (its last id is known), so the search's round trip overlaps the work
   * on the page: at most two pages held.
   */
  private async *issues(base: string, state: WalkState, ctx: SyncContext, o: WalkOptions): AsyncGenerator<{ issue: JiraIssue; names: Record<string, string> }> {
    const fetch = (after: number, page: number) => {
      const jql = pagedJql(base, o.clause, after ? `id > ${after}` : null);
      const p = this.client.search(jql, this.s.pageSize, ctx.signal, `searching issues (page ${page + 1} of JQL [${jql.slice(0, 300)}])`);
      p.catch(() => {}); // surfaces when awaited
      return p;
    };
    let last = 0;
    let pending = fetch(0, 0);
    for (let page = 1; ; page++) {
      const r = await pending;
      let prev = last;
      for (const issue of r.issues) {
        const id = Number(issue.id);
        if (!Number.isSafeInteger(id) || id <= prev) throw new SourceError(`${this.client.api.where} answered issue [${issue.key}] out of id order: cannot page safely.`);
        prev = id;
      }
      last = prev;
      const more = r.more;
      if (more) pending = fetch(last, page);
      for (const issue of r.issues) {
        state.see(issue);
        o.onIssue?.(issue);
        if (!o.skip?.(issue)) yield { issue, names: r.names };
      }
      if (!more) return;
    }
  }

  private async comments(issue: JiraIssue, ctx: SyncContext): Promise<Json[]> {
    const c = (issue.fields.comment ?? {}) as Json;
    const embedded = Array.isArray(c.comments) ? (c.comments as Json[]) : [];
    const total = typeof c.total === 'number' ? c.total : embedded.length;
    const out = embedded.slice(0, MAX_COMMENTS);
    if (total > embedded.length && out.length < MAX_COMMENTS) {
      for await (const page of this.client.comments(issue.key, embedded.length, ctx.signal)) {
        out.push(...page.slice(0, MAX_COMMENTS - out.length));
        if (out.length >= MAX_COMMENTS) break;
      }
    }
    if (total > MAX_COMMENTS) ctx.reportFailure?.(issue.key, `Issue [${issue.key}] has ${total} comments: the first ${MAX_COMMENTS} are indexed.`);
    return out;
  }

  private async documents(issue: JiraIssue, names: Record<string, string>, access: JiraAccess | null, ctx: SyncContext): Promise<SourceDocument[]> {
    const [comments, ids] = await Promise.all([this.comments(issue, ctx), access ? access.issue(issue) : Promise.resolve(null)]);
    const doc = issueDocument(issue, names, comments, this.s.url);
    const out: SourceDocument[] = [ids ? withAccess(doc, ids) : doc];
    const limits = { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS };
    for (const a of attachmentsOf(issue)) {
      let att = attachmentDocument(issue.key, a);
      if (ids) att = withAccess(att, ids);
      if (a.size > 0 && wantsContent(a.filename, ctx)) {
        att = await withObjectText(att, {
          where: `Attachment [${a.filename.slice(0, 200)}] of issue [${issue.key}]`,
          key: a.filename,
          size: a.size,
          download: (maxBytes) => this.client.attachment(a.id, a.filename, maxBytes, ctx.signal),
          perObject: (err) => {
            const status = err.options.cause instanceof HttpStatusError ? err.options.cause.status : 0;
            return status === 404 ? 'gone' : status === 403 ? 'access denied to the account' : null;
          },
        }, READ_BUDGET, limits, ctx);
      }
      out.push(att);
    }
    return out;
  }

  /** The documents of every issue matching `base`, in id order. */
  async *walk(base: string, state: WalkState, access: JiraAccess | null, ctx: SyncContext, o: WalkOptions = {}): AsyncGenerator<SourceDocument> {
    // One issue in flight per `concurrent_downloads` (each downloads its attachments in turn):
    // a window wide enough that an attachment's download does not hold the issues behind it.
    const n = this.s.concurrentDownloads;
    for await (const docs of mapOrdered(this.issues(base, state, ctx, o), n, ({ issue, names }) => this.documents(issue, names, access, ctx))) {
      yield* docs;
    }
  }
}
