/** What the ingest pipeline endpoints share: Elasticsearch's action names. */
export const ACTION = 'cluster:admin/ingest/pipeline/';
