/**
 * Document-level security of the `confluence` source (docs/sources/confluence.md "Document-level
 * security"), with the identities of shared/atlassian/identities.ts:
 *
 * - a space's readers: its `read` / `space` permissions — users (`account_id:<accountId>` on
 *   Cloud, `account_id:<user name>` on Server and Data Center) and groups (`group_id:<id>` on
 *   Cloud, `group:<name>` otherwise); a space open to anonymous users is public (no field);
 * - a page or blog post: its own read restrictions when it has any, else those of its nearest
 *   restricted ancestor (Confluence restricts every page below a restricted one), else the
 *   space's readers; comments and attachments inherit their page's;
 * - identity documents: one per user, listing the user's account id and groups.
 *
 * Confluence shows a restricted page to whoever satisfies the restriction *and* may view the
 * space; the list written here is the restriction's (one list cannot express "and"). Users the
 * restriction names but the space denies are rare (Confluence warns when restricting to them).
 */
import type { SourceDocument } from '../source.js';
import type { AtlassianDeployment } from '../shared/atlassian/config.js';
import { accountIdIdentity, groupIdentityOf, isActiveAtlassianUser, userAccessDocument, withAccess as withAccessFields } from '../shared/atlassian/identities.js';
import type { CContent, CGroup, CRestrictions, CSpace, CUser } from './client.js';

/** Identities allowed to read, or null for a public document (no `_allow_access_control`). */
export type Access = readonly string[] | null;

/** Identities kept per space or restriction: past it the list is cut (and the sync warns). */
export const MAX_IDENTITIES = 10_000;

export function userId(u: CUser | undefined): string | null {
  return u ? accountIdIdentity(u.accountId ?? u.username ?? u.userKey ?? null) : null;
}

export function groupId(g: CGroup | undefined): string | null {
  return g ? groupIdentityOf({ id: g.id ?? null, name: g.name ?? null }) : null;
}

function identities(subjects: { user?: { results?: CUser[] }; group?: { results?: CGroup[] } } | undefined, into: Set<string>): void {
  for (const u of subjects?.user?.results ?? []) {
    const id = into.size < MAX_IDENTITIES ? userId(u) : null;
    if (id) into.add(id);
  }
  for (const g of subjects?.group?.results ?? []) {
    const id = into.size < MAX_IDENTITIES ? groupId(g) : null;
    if (id) into.add(id);
  }
}

/** Who may read a space: its read permissions; null when anonymous users may. */
export function spaceAccess(space: CSpace): Access {
  const read = (space.permissions ?? []).filter((p) => p.operation?.operation === 'read' && p.operation?.targetType === 'space');
  if (read.some((p) => p.anonymousAccess === true)) return null;
  const out = new Set<string>();
  for (const p of read) identities(p.subjects, out);
  return [...out];
}

/** The identities of read restrictions, or null when there are none. */
export function restrictionAccess(r: CRestrictions | undefined): string[] | null {
  const subjects = r?.read?.restrictions;
  if (!subjects || ((subjects.user?.results?.length ?? 0) === 0 && (subjects.group?.results?.length ?? 0) === 0)) return null;
  const out = new Set<string>();
  identities(subjects, out);
  return [...out];
}

/** Who may read a page or blog post: own restrictions, else the nearest restricted ancestor's, else the space's. */
export function contentAccess(c: CContent, space: Access): Access {
  const own = restrictionAccess(c.restrictions);
  if (own) return own;
  const ancestors = c.ancestors ?? [];
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const r = restrictionAccess(ancestors[i].restrictions);
    if (r) return r;
  }
  return space;
}

/** Sets `_allow_access_control` (and its older name `_allow_permissions`) unless public. */
export function withAccess(doc: SourceDocument, access: Access): SourceDocument {
  return access === null ? doc : withAccessFields(doc, access);
}

/** The identity document of a user with its groups; null for app and other non-person accounts. */
export function userDocument(u: CUser, groups: CGroup[], deployment: AtlassianDeployment): SourceDocument | null {
  const user = {
    accountId: u.accountId ?? null,
    name: u.username ?? null,
    key: u.userKey ?? null,
    displayName: u.displayName ?? u.publicName ?? null,
    emailAddress: u.email ?? null,
    accountType: u.accountType ?? null,
    // Confluence's people search lists active accounts only; it has no `active` field.
    active: true,
    groups: { items: groups.map((g) => ({ groupId: g.id ?? null, name: g.name ?? null })) },
  };
  if (u.type !== undefined && u.type !== 'known') return null;
  return isActiveAtlassianUser(user, deployment) ? userAccessDocument(user) : null;
}
