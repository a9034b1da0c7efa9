/**
 * Elastic's document-level security field on content documents (docs/security.md, "Elastic's
 * connectors and search applications"): the identities allowed to read the document; no field
 * means public. Search applications' role queries filter on its `enum` keyword sub-field, so
 * every sink creates content indices with this mapping; without it the filter matches nothing.
 */
export const ACCESS_CONTROL_FIELD = '_allow_access_control';

export const ACCESS_CONTROL_MAPPING = { type: 'keyword', fields: { enum: { type: 'keyword' } } } as const;
