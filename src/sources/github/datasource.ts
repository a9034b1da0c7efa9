/**
 * The `github` source (docs/sources/github.md): per selected repository (repos.ts) its
 * document, its issues and pull requests (items.ts) and its files (files.ts), in Elastic's
 * document shapes (documents.ts); with document-level security, documents of private
 * repositories carry `_allow_access_control` (the collaborators who are members of the
 * organization), and access-control syncs write the organization's members.
 *
 * Incremental syncs (cursor: a time mark, and per repository the sha of the tree indexed — one
 * entry per repository, bounded): issues and pull requests updated since the mark (`since`,
 * GitHub's own clock read from its `Date` header), changed files by diffing the previous tree
 * with the current one (deletions included), repositories updated since the mark, new
 * repositories whole. A repository gone, a tree GitHub no longer serves, a changed selection
 * or advanced rules make the run re-enumerate (`completeEnumeration`), and the runtime sweeps.
 * Issues deleted on GitHub (admins may) and permission changes reach the index at the next full
 * sync.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import { createOrExplain } from '../shared/misconfigured-source.js';
import { ownSignal } from '../shared/object-store-sync.js';
import type { ConfigValues, RulesValidation, Source, SourceDeletion, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { withAccess } from '../shared/access-control.js';
import { OPEN_POLICY, SourceError } from '../source.js';
import { GitHubApi, GitHubError } from './client.js';
import { githubConfigSchema, readGitHubSettings, type GitHubSettings } from './config.js';
import { fileId, repositoryDocument } from './documents.js';
import { diffTrees, fileDocuments, fileSelector, readTree, TreeLost, type FileOptions } from './files.js';
import { itemDocuments } from './items.js';
import { memberAccessDocument, Repositories, type Repo } from './repos.js';
import { parseGitHubRules, searchQuery, validateGitHubRules, type GitHubRule } from './rules.js';

const PING_TIMEOUT_MS = 60_000;
/** How far before the sync's start the next incremental looks (GitHub's clock has seconds). */
const MARK_MARGIN_MS = 2000;
/** How often a long incremental run saves where it is. */
const CHECKPOINT_EVERY_MS = 30_000;

interface RepoMark {
  tree: string | null;
  branch: string | null;
}

interface Cursor {
  v: 1;
  selection: string;
  since: string;
  repos: Record<string, RepoMark>;
}

type Decorate = (doc: SourceDocument) => Promise<SourceDocument>;

function isCursor(c: unknown): c is Cursor {
  const o = c as Cursor | null;
  return !!o && o.v === 1 && typeof o.selection === 'string' && typeof o.since === 'string' && !Number.isNaN(Date.parse(o.since)) && typeof o.repos === 'object' && o.repos !== null;
}

class GitHubSource implements Source {
  private readonly api: GitHubApi;
  private readonly repos: Repositories;
  private lastCursor: Cursor | null = null;

  constructor(
    private readonly s: GitHubSettings,
    private readonly policy: SourcePolicy,
  ) {
    this.api = new GitHubApi(s, policy.allowedHosts);
    this.repos = new Repositories(this.api, s);
  }

  async ping(): Promise<void> {
    await this.repos.ping(AbortSignal.timeout(PING_TIMEOUT_MS));
  }

  private selection(ctx: SyncContext): string {
    const s = this.s;
    const key = JSON.stringify([s.api.href, s.auth.kind, s.repoType, s.orgName, s.repositories, s.extensions, s.dls, ctx.advancedRules ?? {}]);
    return createHash('sha1').update(key).digest('base64url').slice(0, 16);
  }

  private rules(ctx: SyncContext): GitHubRule[] {
    const { rules, messages } = parseGitHubRules(ctx.advancedRules);
    if (messages.length) throw new SourceError(`Invalid advanced sync rules: ${messages.join('; ')}`);
    return rules;
  }

  /** Adds the readers of a private repository under DLS (read once per repository). */
  private decorator(repo: Repo, ctx: SyncContext): Decorate {
    if (!this.s.dls || !repo.r.private) return async (d) => d;
    let readers: Promise<string[]> | null = null;
    return async (d) => {
      readers ??= this.repos.readers(repo, ctx.signal);
      return withAccess(d, await readers);
    };
  }

  private fileOptions(repo: Repo, branch: string, decorate: Decorate): FileOptions {
    const web = this.s.cloud ? 'https://github.com' : this.s.api.origin;
    return { branch, web, decorate, concurrency: this.s.concurrency, limits: { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS } };
  }

  /** Everything of one repository; records the tree indexed in `marks`. */
  private async *whole(repo: Repo, ctx: SyncContext, marks: Record<string, RepoMark>): AsyncGenerator<SourceDocument> {
    const decorate = this.decorator(repo, ctx);
    yield decorate(repositoryDocument(repo.r));
    for await (const d of itemDocuments(this.api, repo, {}, ctx, this.s.concurrency)) yield decorate(d);
    const branch = repo.r.default_branch ?? null;
    const tree = branch ? await readTree(this.api, repo, branch, fileSelector(this.s.extensions, ctx), ctx) : null;
    marks[repo.full] = { tree: tree?.sha ?? null, branch };
    if (tree && branch) yield* fileDocuments(this.api, repo, tree.blobs, this.fileOptions(repo, branch, decorate), ctx);
  }

  /** The mark the next incremental sync reads from: the sync's start on GitHub's clock. */
  private mark(startedAt: number): string {
    return new Date(startedAt + this.api.skewMs - MARK_MARGIN_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private async *full(ctx: SyncContext, listed?: { repos: Repo[]; startedAt: number }): AsyncGenerator<SourceDocument> {
    const startedAt = listed?.startedAt ?? Date.now();
    const rules = this.rules(ctx);
    if (rules.length) {
      yield* this.byRules(rules, ctx);
      this.lastCursor = { v: 1, selection: this.selection(ctx), since: this.mark(startedAt), repos: {} };
      return;
    }
    const repos = listed?.repos ?? (await this.repos.list(ctx.signal));
    const marks: Record<string, RepoMark> = {};
    for (const repo of repos) yield* this.whole(repo, ctx, marks);
    this.lastCursor = { v: 1, selection: this.selection(ctx), since: this.mark(startedAt), repos: marks };
  }

  /** Every request in flight listens to the sync's signal: up to four per item completed at once. */
  private own(ctx: SyncContext): SyncContext {
    return ownSignal(ctx, this.s.concurrency * 4 + 16);
  }

  getDocs(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    return this.full(this.own(ctx));
  }

  private async *byRules(rules: GitHubRule[], ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const seen = new Set<string>();
    for (const rule of rules) {
      const repo = await this.repos.one(rule.repository, ctx.signal);
      const decorate = this.decorator(repo, ctx);
      if (!seen.has(repo.r.node_id)) {
        seen.add(repo.r.node_id);
        yield decorate(repositoryDocument(repo.r));
      }
      for (const kind of ['pr', 'issue'] as const) {
        const q = rule.filter[kind];
        const search = q ? searchQuery(repo.full, q, kind) : null;
        if (q && !search) ctx.log.warn(`advanced rule on [${repo.full}]: the ${kind} filter asks for the other kind (${q.slice(0, 100)}); skipped`);
        if (search) for await (const d of itemDocuments(this.api, repo, { search }, ctx, this.s.concurrency)) yield decorate(d);
      }
      const { branch: ruleBranch, path } = rule.filter;
      const branch = ruleBranch ?? (path ? repo.r.default_branch : undefined);
      if (!branch) continue;
      const tree = await readTree(this.api, repo, branch, fileSelector(this.s.extensions, ctx, path), ctx);
      if (!tree) ctx.log.warn(`advanced rule on [${repo.full}]: branch [${branch}] not found`);
      else yield* fileDocuments(this.api, repo, tree.blobs, this.fileOptions(repo, branch, decorate), ctx);
    }
  }

  async *getDocsIncrementally(syncCtx: SyncContext): AsyncGenerator<SourceDocument | SourceDeletion, Record<string, unknown>> {
    const startedAt = Date.now();
    const ctx = this.own(syncCtx);
    const prev = ctx.syncCursor;
    const rules = this.rules(ctx);
    if (!isCursor(prev) || prev.selection !== this.selection(ctx) || rules.length) {
      ctx.completeEnumeration?.();
      yield* this.full(ctx);
      return this.lastCursor as unknown as Record<string, unknown>;
    }
    const repos = await this.repos.list(ctx.signal);
    const names = new Set(repos.map((r) => r.full));
    if (Object.keys(prev.repos).some((n) => !names.has(n))) {
      ctx.log.info('repositories removed from the selection or from GitHub since the previous sync: re-enumerating so their documents are removed');
      ctx.completeEnumeration?.();
      yield* this.full(ctx, { repos, startedAt });
      return this.lastCursor as unknown as Record<string, unknown>;
    }
    const marks: Record<string, RepoMark> = {};
    let saved = Date.now();
    try {
      for (const repo of repos) {
        const was = prev.repos[repo.full];
        if (!was) yield* this.whole(repo, ctx, marks);
        else yield* this.changes(repo, was, prev.since, ctx, marks);
        if (Date.now() - saved > CHECKPOINT_EVERY_MS) {
          // A suspended run resumes with the repositories done so far at their new trees, and
          // the previous mark (their items are read again: upserts of the same documents).
          await ctx.checkpoint({ ...prev, repos: { ...prev.repos, ...marks } } as unknown as Record<string, unknown>);
          saved = Date.now();
        }
      }
    } catch (err) {
      if (!(err instanceof TreeLost)) throw err;
      ctx.log.info(`${err.message}: re-enumerating`);
      ctx.completeEnumeration?.();
      yield* this.full(ctx, { repos, startedAt });
      return this.lastCursor as unknown as Record<string, unknown>;
    }
    const cursor: Cursor = { v: 1, selection: prev.selection, since: this.mark(startedAt), repos: marks };
    this.lastCursor = cursor;
    await ctx.checkpoint(cursor as unknown as Record<string, unknown>);
    return cursor as unknown as Record<string, unknown>;
  }

  private async *changes(repo: Repo, was: RepoMark, since: string, ctx: SyncContext, marks: Record<string, RepoMark>): AsyncGenerator<SourceDocument | SourceDeletion> {
    const decorate = this.decorator(repo, ctx);
    if (Date.parse(repo.r.updated_at) >= Date.parse(since)) yield decorate(repositoryDocument(repo.r));
    for await (const d of itemDocuments(this.api, repo, { since }, ctx, this.s.concurrency)) yield decorate(d);
    const branch = repo.r.default_branch ?? null;
    const select = fileSelector(this.s.extensions, ctx);
    const now = branch ? await readTree(this.api, repo, branch, select, ctx) : null;
    marks[repo.full] = { tree: now?.sha ?? null, branch };
    if ((now?.sha ?? null) === was.tree && branch === was.branch) return;
    const before = was.tree ? await readTree(this.api, repo, was.tree, select, ctx) : { sha: '', blobs: [] };
    if (!before) throw new TreeLost(`the tree of [${repo.full}] indexed by the previous sync is no longer served`);
    const { changed, removed } = diffTrees(before.blobs, now?.blobs ?? []);
    for (const path of removed) yield { _id: fileId(repo.full, path), deleted: true };
    if (now && branch) yield* fileDocuments(this.api, repo, changed, this.fileOptions(repo, branch, decorate), ctx);
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.lastCursor as unknown as Record<string, unknown> | null;
  }

  async *getAccessControl(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    if (!this.s.dls) {
      ctx.log.warn('document level security is off ([use_document_level_security]): no identities to sync');
      return;
    }
    const seen = new Set<string>();
    const now = new Date();
    for await (const { org, who } of this.repos.organizations(ctx.signal)) {
      for await (const u of this.repos.memberList(org, who, ctx.signal)) {
        if (!u.node_id || seen.has(u.node_id)) continue;
        seen.add(u.node_id);
        yield memberAccessDocument(u, now);
      }
    }
  }

  async validateAdvancedRules(value: unknown): Promise<RulesValidation> {
    const { rules, messages } = parseGitHubRules(value);
    if (messages.length) return { valid: false, messages };
    const signal = AbortSignal.timeout(PING_TIMEOUT_MS);
    for (const [i, rule] of rules.entries()) {
      try {
        await this.repos.one(rule.repository, signal);
      } catch (err) {
        if (!(err instanceof GitHubError) || err.status !== 404) throw err;
        messages.push(`Rule ${i + 1}: repository [${rule.repository}] is not accessible: ${err.message}`);
      }
    }
    return { valid: messages.length === 0, messages };
  }

  async close(): Promise<void> {
    this.api.close();
  }
}

export const githubSource: SourceFactory = {
  serviceType: 'github',
  displayName: 'GitHub',
  configSchema: githubConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: true,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    return createOrExplain(() => new GitHubSource(readGitHubSettings(config), policy), { validateRules: validateGitHubRules, accessControl: true });
  },
};
