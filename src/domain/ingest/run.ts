/**
 * Runs a compiled pipeline on one document, as Elasticsearch's `IngestService` does: the
 * processors in order; a processor whose `if` is false is skipped; a failure is ignored
 * (`ignore_failure`), handled by the processor's `on_failure` list, then by the pipeline's,
 * with `_ingest.on_failure_message`, `…_processor_type`, `…_processor_tag` and
 * `…_pipeline` set while it runs; otherwise it fails the document.
 */
import { ApiError, errors } from '../errors.js';
import type { IngestDoc, IngestEnv } from './ingest-doc.js';
import type { CompiledPipeline, CompiledProcessor } from './pipeline.js';

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : errors.illegalArgument((e as Error)?.message ?? String(e));
}

async function runList(list: CompiledProcessor[], doc: IngestDoc, env: IngestEnv, pipeline: string): Promise<void> {
  for (const p of list) {
    if (p.condition && !p.condition(doc.source)) continue;
    try {
      await p.exec(doc, env);
    } catch (e) {
      if (p.ignoreFailure) continue;
      const err = asApiError(e);
      if (!p.onFailure) throw Object.assign(err, { processor: p });
      await onFailure(p.onFailure, doc, env, pipeline, err, p);
    }
  }
}

async function onFailure(list: CompiledProcessor[], doc: IngestDoc, env: IngestEnv, pipeline: string, err: ApiError, p: CompiledProcessor): Promise<void> {
  const saved = { ...doc.ingest };
  doc.ingest.on_failure_message = err.reason;
  doc.ingest.on_failure_processor_type = p.type;
  if (p.tag !== undefined) doc.ingest.on_failure_processor_tag = p.tag;
  else delete doc.ingest.on_failure_processor_tag;
  doc.ingest.on_failure_pipeline = pipeline;
  try {
    await runList(list, doc, env, pipeline);
  } finally {
    doc.ingest = saved;
  }
}

/** Runs `pipeline` on `doc` (changing it); throws the failure (an ApiError) when nothing handles it. */
export async function runPipeline(pipeline: CompiledPipeline, doc: IngestDoc, env: IngestEnv): Promise<void> {
  try {
    await runList(pipeline.processors, doc, env, pipeline.id);
  } catch (e) {
    const err = asApiError(e);
    if (!pipeline.onFailure) throw err;
    const p = (e as { processor?: CompiledProcessor }).processor ?? { type: 'unknown', ignoreFailure: false, exec: () => {} };
    await onFailure(pipeline.onFailure, doc, env, pipeline.id, err, p);
  }
}
