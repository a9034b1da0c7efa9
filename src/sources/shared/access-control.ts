/**
 * Document-level security as Elastic's connectors write it: the readers on a content document
 * (`withAccess`), and the shape of an access-control document's query
 * (`.search-acl-filter-<index>`): a search template whose `access_control` parameter lists the user's
 * identities, matched against the content documents' `_allow_access_control.enum`; a document
 * without the field is visible to everyone. Every source with document-level security
 * (network_drive, github, the Atlassian sources) writes it through here.
 */

/** The DLS query Elastic's connectors put in access-control documents (docs/security.md). */
export const DLS_QUERY_SOURCE =
  '{"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "_allow_access_control"}}}}, {"terms": {"_allow_access_control.enum": {{#toJson}}access_control{{/toJson}}}}]}}';

/** `{ query: { template: … } }` for a user's identities (deduplicated, order kept). */
export function accessControlQuery(identities: Iterable<string>): { query: { template: { params: { access_control: string[] }; source: string } } } {
  return { query: { template: { params: { access_control: [...new Set(identities)] }, source: DLS_QUERY_SOURCE } } };
}

/**
 * Sets `_allow_access_control` (and `_allow_permissions`, its older name, which some of
 * Elastic's connectors write) on a content document: the identities that may read it, sorted
 * and deduplicated. A document without them is public.
 */
export function withAccess<T extends object>(doc: T, identities: Iterable<string>): T & { _allow_access_control: string[]; _allow_permissions: string[] } {
  const ids = [...new Set(identities)].sort();
  return Object.assign(doc, { _allow_access_control: ids, _allow_permissions: ids });
}
