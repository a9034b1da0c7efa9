/**
 * Which repositories a `github` connector reads, and with whose credential (Elastic's rules):
 *
 * - personal access token: `*` = the organization's repositories (`repo_type` organization,
 *   GET /orgs/{org_name}/repos) or the token owner's own (`other`, GET /user/repos); named
 *   repositories without an owner belong to [org_name] (organization) or to the token's user;
 * - GitHub App: `*` = the repositories of every installation on an account of the
 *   `repo_type` (Organization / User), GET /installation/repositories with each installation's
 *   token; named repositories must be owner/name, read with the token of the installation on
 *   the owner's account.
 *
 * Also the identities of document-level security: a private repository's collaborators who
 * are members of its organization, as `user_id:<node id>`, `username:<login>` (and
 * `email:<email>` when GitHub shows one), the prefixes Elastic's connector writes.
 */
import { accessControlQuery } from '../shared/access-control.js';
import type { SourceDocument } from '../source.js';
import { GitHubError, type GitHubApi, type Who } from './client.js';
import { MAX_REPOSITORIES, repositoryProblem, type GitHubSettings } from './config.js';
import type { GhRepo, GhUser } from './documents.js';

export interface Repo {
  full: string;
  who: Who;
  r: GhRepo;
}


/** The prefixed identities of a GitHub user. */
export function identitiesOf(u: GhUser): string[] {
  const out: string[] = [];
  if (u.node_id) out.push(`user_id:${u.node_id}`);
  if (u.login) out.push(`username:${u.login}`);
  if (u.email) out.push(`email:${u.email}`);
  return out;
}

/** The access-control document of an organization member. */
export function memberAccessDocument(u: GhUser, now = new Date()): SourceDocument {
  const ids = identitiesOf(u);
  return {
    _id: u.node_id ?? `login:${u.login}`,
    identity: { user_id: `user_id:${u.node_id}`, user_name: `username:${u.login}`, ...(u.email ? { email: `email:${u.email}` } : {}) },
    created_at: now.toISOString(),
    ...accessControlQuery(ids),
  };
}

export class Repositories {
  private login: string | null = null;
  private readonly installs = new Map<string, number>();
  private readonly members = new Map<string, Promise<Set<string> | null>>();

  constructor(
    private readonly api: GitHubApi,
    private readonly s: GitHubSettings,
  ) {}

  /** The token's user (GET /user). */
  async user(signal: AbortSignal): Promise<string> {
    if (this.login) return this.login;
    const u = await this.api.json<GhUser>('/user', {}, null, { what: 'reading the token\'s user' }, signal);
    if (!u.login) throw new GitHubError(`${this.api.where} answered no login for the token's user`, 0);
    this.login = u.login;
    return u.login;
  }

  /** Checks the credential and that the selection is readable, with one cheap call each. */
  async ping(signal: AbortSignal): Promise<void> {
    if (this.s.auth.kind === 'app') await this.api.json('/app', {}, 'app', { what: 'reading the GitHub App' }, signal);
    else await this.user(signal);
    if (this.s.repositories[0] === '*') {
      if (this.s.auth.kind === 'pat' && this.s.repoType === 'organization') {
        for await (const _ of this.api.pages(`/orgs/${this.s.orgName}/repos`, { per_page: 1 }, null, { what: `listing the repositories of [${this.s.orgName}]`, org: this.s.orgName }, signal)) break;
      }
      return;
    }
    await this.one(this.s.repositories[0], signal);
  }

  /** owner/name of a configured entry. */
  async fullName(entry: string, signal: AbortSignal): Promise<string> {
    if (entry.includes('/')) return entry;
    const owner = this.s.repoType === 'organization' && this.s.orgName ? this.s.orgName : await this.user(signal);
    return `${owner}/${entry}`;
  }

  private async installationOf(owner: string, repo: string, signal: AbortSignal): Promise<number> {
    let id = this.installs.get(owner);
    if (id === undefined) {
      id = await this.api.installation(owner, repo, signal);
      this.installs.set(owner, id);
    }
    return id;
  }

  /** One configured repository (GET /repos/{owner}/{repo}). */
  async one(entry: string, signal: AbortSignal): Promise<Repo> {
    const full = await this.fullName(entry, signal);
    const [owner, name] = full.split('/');
    const who = this.s.auth.kind === 'app' ? await this.installationOf(owner, name, signal) : null;
    const r = await this.api.json<GhRepo>(`/repos/${owner}/${name}`, {}, who, { what: `reading repository [${full}]`, repo: full }, signal);
    if (typeof r?.node_id !== 'string') throw new GitHubError(`${this.api.where} answered no repository for [${full}]`, 0);
    const named = typeof r.full_name === 'string' && r.full_name.includes('/') && !repositoryProblem(r.full_name) ? r.full_name : full;
    return { full: named, who, r };
  }

  /** The selected repositories, in listing order, at most MAX_REPOSITORIES. */
  async list(signal: AbortSignal): Promise<Repo[]> {
    const out: Repo[] = [];
    const seen = new Set<string>();
    const add = (r: GhRepo, who: Who) => {
      // The name goes into request paths: only what GitHub allows (owner/name).
      if (typeof r?.full_name !== 'string' || typeof r.node_id !== 'string' || !r.full_name.includes('/') || repositoryProblem(r.full_name)) return;
      if (seen.has(r.full_name)) return;
      seen.add(r.full_name);
      if (out.length >= MAX_REPOSITORIES) throw new GitHubError(`More than ${MAX_REPOSITORIES} repositories are selected: name them in [repositories] or use advanced sync rules`, 0);
      out.push({ full: r.full_name, who, r });
    };
    if (this.s.repositories[0] !== '*') {
      for (const e of this.s.repositories) {
        const repo = await this.one(e, signal);
        add(repo.r, repo.who);
      }
      return out;
    }
    if (this.s.auth.kind === 'pat') {
      const org = this.s.repoType === 'organization';
      const path = org ? `/orgs/${this.s.orgName}/repos` : '/user/repos';
      const sub = org ? { what: `listing the repositories of [${this.s.orgName}]`, org: this.s.orgName } : { what: "listing the token user's repositories" };
      for await (const page of this.api.pages<GhRepo>(path, org ? { type: 'all' } : { affiliation: 'owner' }, null, sub, signal)) for (const r of page) add(r, null);
      return out;
    }
    const wanted = this.s.repoType === 'organization' ? 'Organization' : 'User';
    const installations: { id: number; login: string }[] = [];
    for await (const page of this.api.pages<{ id: number; account?: GhUser; suspended_at?: string | null }>('/app/installations', {}, 'app', { what: 'listing the GitHub App installations' }, signal)) {
      for (const i of page) if (Number.isSafeInteger(i.id) && !i.suspended_at && i.account?.type === wanted && i.account.login) installations.push({ id: i.id, login: i.account.login });
    }
    for (const i of installations) {
      this.installs.set(i.login, i.id);
      const pick = (b: unknown) => (b as { repositories?: unknown }).repositories;
      for await (const page of this.api.pages<GhRepo>('/installation/repositories', {}, i.id, { what: `listing the repositories of installation ${i.id} ([${i.login}])` }, signal, pick)) for (const r of page) add(r, i.id);
    }
    return out;
  }

  /** Node ids of an organization's members; null when the owner is not an organization. */
  private orgMembers(owner: string, who: Who, signal: AbortSignal): Promise<Set<string> | null> {
    let p = this.members.get(owner);
    if (!p) {
      p = (async () => {
        const ids = new Set<string>();
        try {
          for await (const page of this.api.pages<GhUser>(`/orgs/${owner}/members`, {}, who, { what: `listing the members of [${owner}]`, org: owner }, signal)) for (const u of page) if (u.node_id) ids.add(u.node_id);
        } catch (err) {
          if (err instanceof GitHubError && err.status === 404) return null;
          throw err;
        }
        return ids;
      })();
      p.catch(() => this.members.delete(owner));
      this.members.set(owner, p);
    }
    return p;
  }

  /** The identities that may read a private repository (collaborators in its organization). */
  async readers(repo: Repo, signal: AbortSignal): Promise<string[]> {
    const owner = repo.full.split('/')[0];
    const members = repo.r.owner?.type === 'User' ? null : await this.orgMembers(owner, repo.who, signal);
    const out = new Set<string>();
    for await (const page of this.api.pages<GhUser>(`/repos/${repo.full}/collaborators`, { affiliation: 'all' }, repo.who, { what: `listing the collaborators of [${repo.full}]`, repo: repo.full }, signal)) {
      for (const u of page) if (!members || (u.node_id && members.has(u.node_id))) for (const id of identitiesOf(u)) out.add(id);
    }
    return [...out].sort();
  }

  /** The organizations whose members are the identities of access-control syncs. */
  async *organizations(signal: AbortSignal): AsyncGenerator<{ org: string; who: Who }> {
    if (this.s.auth.kind === 'pat') {
      yield { org: this.s.orgName, who: null };
      return;
    }
    for await (const page of this.api.pages<{ id: number; account?: GhUser; suspended_at?: string | null }>('/app/installations', {}, 'app', { what: 'listing the GitHub App installations' }, signal)) {
      for (const i of page) if (Number.isSafeInteger(i.id) && !i.suspended_at && i.account?.type === 'Organization' && i.account.login && !repositoryProblem(i.account.login)) yield { org: i.account.login, who: i.id };
    }
  }

  async *memberList(org: string, who: Who, signal: AbortSignal): AsyncGenerator<GhUser> {
    for await (const page of this.api.pages<GhUser>(`/orgs/${org}/members`, {}, who, { what: `listing the members of [${org}]`, org }, signal)) yield* page;
  }
}
