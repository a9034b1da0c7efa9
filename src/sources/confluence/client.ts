/**
 * The Confluence REST API v1 calls of the `confluence` source, over the shared Atlassian client
 * (shared/atlassian/client.ts: basic auth, retries with backoff and `Retry-After`, errors that
 * name the field to fix, bounded pages, `_links.next` kept on the site). Cloud serves them
 * below `/wiki`, Server and Data Center at the site root (with its context path):
 *
 *   GET /rest/api/space/{key} | /rest/api/space       spaces (expand=permissions,history)
 *   GET /rest/api/content/search?cql=…                pages, blog posts, comments, attachments
 *   GET /rest/api/content/{id}/child/{attachment|comment}
 *   GET /rest/api/content/{id}/label                  labels (index_labels)
 *   GET /download/attachments/{id}/{file}             attachment bytes (`_links.download`)
 *   GET /rest/api/user/current                        the account's time zone (CQL dates)
 *   GET /rest/api/search/user?cql=type=user (Cloud) | /rest/api/user/list (Server, DC)
 *   GET /rest/api/user/memberof                       a user's groups (access-control syncs)
 */
import { AtlassianClient, type Query } from '../shared/atlassian/client.js';
import { CONFLUENCE, type ConfluenceSettings } from './config.js';
import { overlappingPages } from './offset-search.js';

/** A user as Confluence gives it (Cloud: accountId; Server/DC: username, userKey). */
export interface CUser {
  type?: string;
  accountId?: string;
  accountType?: string;
  email?: string;
  username?: string;
  userKey?: string;
  displayName?: string;
  publicName?: string;
}

export interface CGroup {
  type?: string;
  name?: string;
  id?: string;
}

export interface CRestrictions {
  read?: { restrictions?: { user?: { results?: CUser[] }; group?: { results?: CGroup[] } } };
}

export interface CSpace {
  id: number | string;
  key: string;
  name?: string;
  history?: { createdDate?: string; createdBy?: CUser };
  permissions?: { operation?: { operation?: string; targetType?: string }; subjects?: { user?: { results?: CUser[] }; group?: { results?: CGroup[] } }; anonymousAccess?: boolean }[];
  _links?: { webui?: string };
}

export interface CContent {
  id: string;
  type: string;
  title?: string;
  status?: string;
  space?: CSpace;
  version?: { when?: string; number?: number; by?: CUser };
  history?: { createdDate?: string; createdBy?: CUser; lastUpdated?: { when?: string } };
  body?: { storage?: { value?: string } };
  ancestors?: (CContent & { restrictions?: CRestrictions })[];
  restrictions?: CRestrictions;
  children?: { attachment?: { size?: number }; comment?: { size?: number } };
  container?: CContent;
  extensions?: { fileSize?: number; mediaType?: string };
  _links?: { webui?: string; download?: string };
}

const READ = 'restrictions.read.restrictions.user,restrictions.read.restrictions.group';
const ANCESTOR_READ = 'ancestors.restrictions.read.restrictions.user,ancestors.restrictions.read.restrictions.group';
/** Pages and blog posts of a space walk (restrictions only for document-level security). */
export function contentExpand(dls: boolean): string {
  return `body.storage,version,history,space,ancestors,children.attachment,children.comment${dls ? `,${READ},${ANCESTOR_READ}` : ''}`;
}

/** Mixed results (incremental syncs, advanced rules): with DLS, the space's and the container's permissions come along. */
export function searchExpand(dls: boolean): string {
  const access = dls ? `,${READ},${ANCESTOR_READ},space.permissions,container.${READ},container.ancestors,container.${ANCESTOR_READ}` : '';
  return `body.storage,version,history,space,ancestors,extensions,container${access}`;
}
export const CHILD_EXPAND = 'body.storage,version,history,extensions';
/** Children per request. */
export const CHILD_PAGE = 100;
/** Content per search page: Confluence caps pages carrying bodies at 50. */
export const SEARCH_PAGE = 50;

export class ConfluenceApi {
  readonly client: AtlassianClient;
  /** Where the web UI's links start (`_links.webui` is relative to it). */
  readonly webBase: string;

  constructor(
    readonly s: ConfluenceSettings,
    allowedHosts: readonly string[] | null,
    backoff?: { initialDelayMs: number; maxDelayMs: number },
  ) {
    this.client = new AtlassianClient(s, CONFLUENCE, { allowedHosts, ...(backoff ? { backoff } : {}) });
    this.webBase = s.url.href.replace(/\/+$/, '') + s.apiRoot;
  }

  private p(path: string): string {
    return this.s.apiRoot + path;
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.client.getJson(this.p('/rest/api/space'), { limit: 1 }, { signal, what: 'listing the spaces' });
  }

  /** The account's time zone (CQL dates are read in it); UTC when Confluence does not say. */
  async timeZone(signal: AbortSignal): Promise<string> {
    const me = await this.client.getJson<{ timeZone?: unknown }>(this.p('/rest/api/user/current'), {}, { signal, what: 'reading the account\'s time zone' });
    const tz = typeof me?.timeZone === 'string' ? me.timeZone : 'UTC';
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz;
    } catch {
      return 'UTC';
    }
  }

  /** The configured spaces (every space for `*`), with their permissions and history. */
  async *spaces(signal: AbortSignal): AsyncGenerator<CSpace> {
    const expand = 'permissions,history';
    if (this.s.spaces[0] === '*') {
      for await (const page of this.client.linkPages<CSpace>(this.p('/rest/api/space'), { limit: 100, expand }, { signal, what: 'listing the spaces' })) yield* page;
      return;
    }
    for (const key of this.s.spaces) {
      yield await this.client.getJson<CSpace>(this.p(`/rest/api/space/${encodeURIComponent(key)}`), { expand }, {
        signal, what: `reading space [${key}]`, fix: { notFound: `fix [spaces]: no space [${key}] is visible to the account` },
      });
    }
  }

  /** Pages of a CQL content search (Cloud: cursor links; Server / DC: overlapping offsets, offset-search.ts). */
  search(cql: string, expand: string, signal: AbortSignal, what: string, limit = SEARCH_PAGE): AsyncGenerator<CContent[]> {
    const path = this.p('/rest/api/content/search');
    if (this.s.deployment !== 'cloud') return overlappingPages<CContent>(this.client, path, { cql, expand }, limit, { signal, what });
    return this.client.linkPages<CContent>(path, { cql, expand, limit }, { signal, what });
  }

  /** Whether Confluence parses `cql` (null), or its message. */
  async checkCql(cql: string, signal: AbortSignal): Promise<string | null> {
    try {
      await this.client.getJson(this.p('/rest/api/content/search'), { cql, limit: 1 }, { signal, what: 'checking an advanced rule' });
      return null;
    } catch (err) {
      const cause = (err as { options?: { cause?: { status?: number } } }).options?.cause;
      if (cause?.status === 400) return (err as Error).message;
      throw err;
    }
  }

  /** A page's comments or attachments; offset pages on every deployment, so walked with overlap (offset-search.ts). */
  children(id: string, kind: 'attachment' | 'comment', signal: AbortSignal): AsyncGenerator<CContent[]> {
    const q: Query = { expand: CHILD_EXPAND, ...(kind === 'comment' ? { depth: 'all' } : {}) };
    return overlappingPages<CContent>(this.client, this.p(`/rest/api/content/${encodeURIComponent(id)}/child/${kind}`), q, CHILD_PAGE, { signal, what: `listing the ${kind}s of content [${id}]` });
  }

  async labels(id: string, signal: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    for await (const page of this.client.linkPages<{ name?: string }>(this.p(`/rest/api/content/${encodeURIComponent(id)}/label`), { limit: 200 }, { signal, what: `reading the labels of content [${id}]` })) {
      for (const l of page) if (typeof l.name === 'string' && out.length < 1000) out.push(l.name);
    }
    return out;
  }

  /** An attachment's bytes from its `_links.download` (relative to the API root), or 'too-big'. */
  download(link: string, maxBytes: number, signal: AbortSignal, what: string): Promise<Buffer | 'too-big'> {
    const path = link.startsWith('/') ? link : `/${link}`;
    return this.client.getBytes(this.p(path), maxBytes, { signal, what });
  }

  /** Every user (Cloud: people search; Server and Data Center: the user list). */
  users(signal: AbortSignal): AsyncGenerator<CUser[]> {
    if (this.s.deployment === 'cloud') {
      return mapPages(this.client.linkPages<{ user?: CUser }>(this.p('/rest/api/search/user'), { cql: 'type=user', limit: 200 }, { signal, what: 'listing the users' }), (r) => r.user);
    }
    return this.client.linkPages<CUser>(this.p('/rest/api/user/list'), { limit: 200 }, {
      signal, what: 'listing the users', fix: { notFound: 'GET /rest/api/user/list needs Confluence Data Center or Server 7.x or later' },
    });
  }

  async groupsOf(u: CUser, signal: AbortSignal): Promise<CGroup[]> {
    const q: Query = this.s.deployment === 'cloud' ? { accountId: u.accountId, limit: 200 } : { username: u.username, limit: 200 };
    const out: CGroup[] = [];
    for await (const page of this.client.linkPages<CGroup>(this.p('/rest/api/user/memberof'), q, { signal, what: `reading the groups of user [${u.displayName ?? ''}]` })) {
      out.push(...page.slice(0, 10_000 - out.length));
    }
    return out;
  }

  close(): void {
    this.client.close();
  }
}

async function* mapPages<A, B>(pages: AsyncIterable<A[]>, f: (a: A) => B | undefined): AsyncGenerator<B[]> {
  for await (const page of pages) yield page.map(f).filter((b): b is B => b !== undefined);
}
