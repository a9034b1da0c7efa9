/**
 * Document-level security as Elastic's connectors write it (docs/security.md "Document- and
 * field-level security"): every access-control document of `.search-acl-filter-<index>` holds
 * this query template, which keeps documents without `_allow_access_control` (public) and those
 * sharing an identity with the user's `access_control` list (through the `enum` keyword
 * sub-field). Shared by the sources with access-control syncs (network_drive, github).
 */
export const DLS_QUERY_SOURCE =
  '{"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "_allow_access_control"}}}}, {"terms": {"_allow_access_control.enum": {{#toJson}}access_control{{/toJson}}}}]}}';
