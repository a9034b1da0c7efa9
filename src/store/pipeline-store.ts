/**
 * The ingest pipeline store port (`PUT /_ingest/pipeline/<id>`, docs/embedded-index.md
 * "Ingest pipelines"): one small table of pipeline definitions, kept as the JSON text the
 * API checked (so key order survives). Backends: `store/sqlite/pipeline-store.ts`,
 * `store/postgres/pipeline-store.ts`; both pass `pipeline-store.case.ts`.
 *
 * - `put` creates or replaces; a new id past `MAX_PIPELINES` stored ones fails with 400,
 *   checked in the same transaction as the insert.
 * - `list` returns every pipeline in id order (bounded by `MAX_PIPELINES`).
 */

/** Most pipelines stored (the defaults do not count until replaced). */
export const MAX_PIPELINES = 1000;

export interface StoredPipeline {
  id: string;
  /** The definition as JSON text. */
  body: string;
}

export interface PipelineStore {
  get(id: string): Promise<string | null>;
  list(): Promise<StoredPipeline[]>;
  put(id: string, body: string): Promise<'created' | 'updated'>;
  delete(id: string): Promise<boolean>;
}

export function tooManyPipelinesReason(): string {
  return `at most ${MAX_PIPELINES} ingest pipelines may be stored; delete one first (DELETE /_ingest/pipeline/<id>)`;
}
