/**
 * The access-control sync of the `jira` source: one identity document per active user (Cloud:
 * `atlassian` accounts only), with the user's groups and application roles read from
 * `/user?expand=groups,applicationRoles`, as Elastic's connector writes them
 * (../shared/atlassian/identities.ts). Users are listed page by page; their details are read
 * USER_CONCURRENCY at a time, in order.
 */
import { isActiveAtlassianUser, userAccessDocument, type AtlassianUser } from '../shared/atlassian/identities.js';
import { mapOrdered } from '../shared/parallel.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { USER_CONCURRENCY, type JiraClient } from './client.js';

export async function* accessControlDocuments(client: JiraClient, dls: boolean, ctx: SyncContext): AsyncGenerator<SourceDocument> {
  if (!dls) {
    ctx.log.warn('document level security is off ([use_document_level_security]): no identities to sync');
    return;
  }
  const deployment = client.s.deployment;
  const now = new Date();
  async function* active(): AsyncGenerator<AtlassianUser> {
    const seen = new Set<string>();
    for await (const page of client.users(ctx.signal)) {
      for (const u of page) {
        const id = u.accountId ?? u.name ?? '';
        if (!isActiveAtlassianUser(u, deployment) || seen.has(id)) continue;
        if (seen.size < 200_000) seen.add(id);
        yield u;
      }
    }
  }
  for await (const u of mapOrdered(active(), USER_CONCURRENCY, (u) => client.user(u, ctx.signal))) {
    if (isActiveAtlassianUser(u, deployment)) yield userAccessDocument(u, now);
  }
}
